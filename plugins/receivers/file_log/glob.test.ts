import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { compileGlob, listMatchingFiles } from './glob.js';

const root = mkdtempSync(join(tmpdir(), 'fleetlog-glob-'));
after(() => rmSync(root, { recursive: true, force: true }));

for (const p of ['a.log', 'a.log.1', 'b.txt', 'sub/c.log', 'sub/deep/d.log', 'sub/deep/e.json', 'x1.log', 'x2.log']) {
  mkdirSync(join(root, p, '..'), { recursive: true });
  writeFileSync(join(root, p), 'x\n');
}
mkdirSync(join(root, 'dir.log'));
symlinkSync(join(root, 'a.log'), join(root, 'link.log'));

const rel = (paths: string[]): string[] => paths.map((p) => p.slice(root.length + 1));
const list = async (include: string[], exclude: string[] = []): Promise<string[]> =>
  rel(await listMatchingFiles(include.map((g) => compileGlob(g, root)), exclude.map((g) => compileGlob(g, root))));

test('* ? [..] {..} match within one folder; folders are not files; symlinks to files count', async () => {
  assert.deepEqual(await list(['*.log']), ['a.log', 'link.log', 'x1.log', 'x2.log']);
  assert.deepEqual(await list(['x?.log']), ['x1.log', 'x2.log']);
  assert.deepEqual(await list(['x[!1].log']), ['x2.log']);
  assert.deepEqual(await list(['{a,b}.*']), ['a.log', 'a.log.1', 'b.txt']);
  assert.deepEqual(await list(['{a,b}.{log,txt}']), ['a.log', 'b.txt']);
  assert.deepEqual(await list(['a.log*']), ['a.log', 'a.log.1']);
});

test('** descends; a literal path names one file; excludes win; relative and absolute agree', async () => {
  assert.deepEqual(await list(['**/*.log']), ['a.log', 'link.log', 'sub/c.log', 'sub/deep/d.log', 'x1.log', 'x2.log']);
  assert.deepEqual(await list(['sub/**']), ['sub/c.log', 'sub/deep/d.log', 'sub/deep/e.json']);
  assert.deepEqual(await list(['sub/*/*.json']), ['sub/deep/e.json']);
  assert.deepEqual(await list(['sub/c.log', 'missing/*.log']), ['sub/c.log']);
  assert.deepEqual(await list(['**/*.log'], ['**/x*', 'link.log']), ['a.log', 'sub/c.log', 'sub/deep/d.log']);
  assert.deepEqual(await list([join(root, '*.txt')]), ['b.txt']);
});

test('the walk starts at the literal prefix and is bounded in depth', () => {
  const g = compileGlob('/var/log/app/*.log', '/');
  assert.equal(g.base, '/var/log/app');
  assert.equal(g.depth, 1);
  assert.equal(compileGlob('logs/**/x.log', '/srv').depth, Infinity);
  assert.equal(compileGlob('logs/**/x.log', '/srv').base, '/srv/logs');
  assert.ok(compileGlob('/a/*.log', '/').regex.test('/a/b.log'));
  assert.ok(!compileGlob('/a/*.log', '/').regex.test('/a/c/b.log'));
  assert.ok(compileGlob('/a/**/b.log', '/').regex.test('/a/b.log'));
});
