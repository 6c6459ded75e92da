#!/usr/bin/env node
// chDB ships its engine as one optional package per platform. The registry this project is developed against
// serves only the linux-x64 one, so `npm install` here writes a lock without the others, and npm 11's `npm ci`
// then refuses the lock as out of sync with package.json. This script adds lock entries for the other platforms
// (version, os, cpu; no integrity, which npm fills in when it fetches them on that platform). Run it after any
// `npm install` that rewrites package-lock.json; a test checks the lock has them.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const PLATFORMS = {
  '@chdb/lib-darwin-arm64': { os: ['darwin'], cpu: ['arm64'] },
  '@chdb/lib-darwin-x64': { os: ['darwin'], cpu: ['x64'] },
  '@chdb/lib-linux-arm64-gnu': { os: ['linux'], cpu: ['arm64'], libc: ['glibc'] },
  '@chdb/lib-linux-x64-gnu': { os: ['linux'], cpu: ['x64'], libc: ['glibc'] },
};

export function missingPlatformEntries(lock) {
  const chdb = lock.packages?.['node_modules/chdb'];
  if (!chdb) return [];
  return Object.keys(chdb.optionalDependencies ?? {})
    .filter((name) => name in PLATFORMS && !lock.packages[`node_modules/${name}`]);
}

export function addPlatformEntries(lock) {
  const chdb = lock.packages['node_modules/chdb'];
  for (const name of missingPlatformEntries(lock)) {
    const { os, cpu, libc } = PLATFORMS[name];
    lock.packages[`node_modules/${name}`] = {
      version: chdb.optionalDependencies[name],
      cpu, ...(libc ? { libc } : {}), license: 'Apache-2.0', optional: true, os,
    };
  }
  const sorted = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
  lock.packages = sorted;
  return lock;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const path = join(root, 'package-lock.json');
  const lock = JSON.parse(readFileSync(path, 'utf8'));
  const missing = missingPlatformEntries(lock);
  addPlatformEntries(lock);
  writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(missing.length ? `added: ${missing.join(', ')}` : 'lock already complete');
}
