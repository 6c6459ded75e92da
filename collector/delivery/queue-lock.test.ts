import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCK_FILE, acquireQueueLock, lockOwner } from './queue-lock.js';
import { withTempDir } from './test-support.js';

test('a live owner keeps the lock; a dead one, or a reused pid, does not', () => withTempDir(async (dir) => {
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
  try {
    const stat = await readFile(`/proc/${other.pid}/stat`, 'utf8');
    const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    const bootId = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: other.pid, bootId, startTime }));
    assert.equal(await lockOwner(dir), other.pid);
    await assert.rejects(acquireQueueLock(dir), /in use by process/);

    // Same pid, another boot (a reboot reused the pid): stale.
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: other.pid, bootId: 'another-boot', startTime }));
    assert.equal(await lockOwner(dir), undefined);
    // Same pid and boot, another start time (the pid was reused by a later process): stale.
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: other.pid, bootId, startTime: '1' }));
    assert.equal(await lockOwner(dir), undefined);
    const release = await acquireQueueLock(dir);
    assert.equal((JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')) as { pid: number }).pid, process.pid);
    await release();
  } finally {
    other.kill('SIGKILL');
  }
  await once(other, 'exit');
  await writeFile(join(dir, LOCK_FILE), `${other.pid}\n`);
  assert.equal(await lockOwner(dir), undefined, 'a dead pid holds nothing');
  const release = await acquireQueueLock(dir);
  await release();
}));
