// Long form of the kill test (issue 3):
// `node --import tsx bench/crash-test.ts [--kills 100] [--seed N] [--rate 2000] [--queue-max-bytes 64KiB]`
// Same harness as test/e2e/crash.test.ts: file_log → file and → an HTTP exporter (external plugin) whose sink refuses
// 30 % and goes down for stretches; `fleetlog collector` SIGKILLed --kills times at random moments, then let finish.
// Prints lost and duplicate counts per exporter; exits 1 if anything was lost.
import { cpus, totalmem } from 'node:os';
import { runCrashTest } from '../test/e2e/crash-harness.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const kills = arg('--kills', 100);
const seed = arg('--seed', Date.now() % 1_000_000);
const rate = arg('--rate', 2_000);
const queueAt = process.argv.indexOf('--queue-max-bytes');
const queueMaxBytes = queueAt >= 0 ? process.argv[queueAt + 1] : undefined;
console.log(`crash test: ${kills} kills, ${rate} lines/s, seed ${seed}${queueMaxBytes ? `, queue.max_bytes ${queueMaxBytes}` : ''}; ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB, node ${process.version}`);
const result = await runCrashTest({
  kills, linesPerSecond: rate, rotateEveryMs: 1_500, refuseShare: 0.3, seed, settleTimeoutMs: 180_000,
  ...(queueMaxBytes === undefined ? {} : { queueMaxBytes }),
  log: (line) => { if (/kill (\d+)\//.test(line) && Number(/kill (\d+)\//.exec(line)![1]) % 10 === 0) console.log(line); },
});
console.log(JSON.stringify(result, null, 2));
console.log(`| ${result.kills} | ${result.killsBeforeStarted} | ${result.lines.toLocaleString('en-US')} | ${result.rotations} | ${result.file.lost} | ${result.file.duplicates.toLocaleString('en-US')} | ${result.http.lost} | ${result.http.duplicates.toLocaleString('en-US')} | ${result.http.refused}/${result.http.requests} | ${(result.elapsedMs / 1000).toFixed(0)} s |`);
if (result.file.lost > 0 || result.http.lost > 0) process.exitCode = 1;
