#!/usr/bin/env node
// `npm test`: the whole suite. Steps, each failing fast:
//   1. system packages the integration tests need (installed when running as root; see ensure-system-deps.mjs),
//   2. type check (tsc --noEmit) and lint (eslint),
//   3. every *.test.ts under the source folders, through node's test runner with tsx.
// `npm test -- some/file.test.ts other/folder` runs only those files (steps 1–2 skipped: FLEETLOG_TEST_FAST=1 to
// skip them for the whole suite too).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemDeps } from './ensure-system-deps.mjs';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const SOURCE_FOLDERS = ['collector', 'plugins', 'backend', 'sdk', 'test', 'scripts', 'eport', 'demo'];
const SKIP = new Set(['node_modules', 'dist', 'testdata', '.git']);

function findTests(path, out) {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return out;
  if (st.isFile()) {
    if (path.endsWith('.test.ts') || path.endsWith('.test.mjs')) out.push(relative(root, path));
    return out;
  }
  for (const name of readdirSync(path).sort()) {
    if (!SKIP.has(name)) findTests(join(path, name), out);
  }
  return out;
}

function run(label, cmd, args) {
  const started = Date.now();
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`npm test: ${label} failed after ${seconds}s (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
  console.log(`npm test: ${label} passed in ${seconds}s.`);
}

const selected = process.argv.slice(2);
const fast = selected.length > 0 || process.env.FLEETLOG_TEST_FAST === '1';
if (!fast) {
  ensureSystemDeps();
  run('type check', process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--noEmit']);
  run('lint', process.execPath, [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--max-warnings=0', '.']);
}
const files = (selected.length ? selected.map((p) => join(root, p)) : SOURCE_FOLDERS.map((f) => join(root, f)))
  .flatMap((p) => findTests(p, []));
if (files.length === 0) {
  console.error('npm test: no test files found.');
  process.exit(1);
}
const concurrency = process.env.FLEETLOG_TEST_CONCURRENCY ?? '3';
run(`${files.length} test files`, process.execPath, [
  '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=300000', ...files,
]);
