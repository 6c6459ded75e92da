// How long a queue takes to open (recovery: every segment read and every frame's CRC checked) by queue size.
// `node --import tsx bench/delivery-recovery.ts [--mib 16,64,256]`. The page cache is dropped only if run as root
// (echo 3 > /proc/sys/vm/drop_caches); otherwise the figures are warm-cache (CPU-bound) times.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { msToUnixNano, type LogRecord } from '../collector/component/log-record.js';
import { DiskQueue } from '../collector/delivery/disk-queue.js';

const sizesArg = process.argv.indexOf('--mib');
const sizes = (sizesArg >= 0 ? process.argv[sizesArg + 1]! : '16,64,256').split(',').map(Number);

function dropCaches(): boolean {
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '3');
    return true;
  } catch {
    return false;
  }
}

const options = (directory: string, maxBytes: number) => ({
  directory, maxBytes, minFreeBytes: 0, segmentBytes: 8 * 1024 * 1024, fsync: 'interval' as const, fsyncIntervalMs: 1000,
  fullPolicy: 'block' as const, fullWaitMs: 1000,
});

console.log('| queue size | records | open (recovery) | MiB/s | page cache |');
console.log('| ---: | ---: | ---: | ---: | --- |');
for (const mib of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlog-bench-recovery-'));
  try {
    const q = new DiskQueue(options(dir, (mib + 16) * 1024 * 1024));
    await q.open();
    let records = 0;
    const now = msToUnixNano(Date.now());
    while (q.stats().queuedBytes < mib * 1024 * 1024) {
      const batch: LogRecord[] = Array.from({ length: 1000 }, (_, i) => ({
        timeUnixNano: now, observedTimeUnixNano: now, severityNumber: 9, severityText: 'INFO',
        body: `event ${records + i}: dispensed slot 4, amount 250 cents`, attributes: { component: 'payment', 'log.file.path': '/var/log/vm.log' },
        recordId: `f00d:${records + i}`,
      }));
      await q.append({ resource: { 'device.id': 'VM001' }, records: batch });
      records += batch.length;
    }
    await q.close();
    const cold = dropCaches();
    const t0 = performance.now();
    const again = new DiskQueue(options(dir, (mib + 16) * 1024 * 1024));
    await again.open();
    const ms = performance.now() - t0;
    if (again.recovery.records !== records) throw new Error(`recovered ${again.recovery.records} of ${records}`);
    await again.close();
    console.log(`| ${mib} MiB | ${records.toLocaleString('en-US')} | ${(ms / 1000).toFixed(2)} s | ${(mib / (ms / 1000)).toFixed(0)} | ${cold ? 'dropped' : 'warm'} |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
