// Issue 3, acceptance 1 (short form): `fleetlog collector` SIGKILLed ≥ 10 times at random moments while a rotated
// log file grows at ~2,000 lines/s and an HTTP sink refuses 30 % and goes down for stretches — 0 lines lost in
// either exporter; duplicates counted and printed. The long form is bench/crash-test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCrashTest } from './crash-harness.js';

test('SIGKILL ×10 at random moments: every sequence number reaches both exporters (0 lost)', { timeout: 150_000 }, async () => {
  const seed = Number(process.env.FLEETLOG_CRASH_SEED ?? Date.now() % 1_000_000);
  const result = await runCrashTest({ kills: 10, linesPerSecond: 2_000, rotateEveryMs: 1_500, refuseShare: 0.3, seed, settleTimeoutMs: 45_000 });
  console.log(`crash test (seed ${seed}): ${result.lines} lines, ${result.kills} kills (${result.killsBeforeStarted} during start-up), ${result.rotations} rotations, ` +
    `file: ${result.file.lost} lost / ${result.file.duplicates} duplicates, http: ${result.http.lost} lost / ${result.http.duplicates} duplicates ` +
    `(${result.http.requests} requests, ${result.http.refused} refused, ${result.http.cutOff} cut off), ${(result.elapsedMs / 1000).toFixed(1)} s`);
  assert.ok(result.lines > 5_000, 'the writer kept its pace');
  assert.ok(result.rotations >= 3, 'the file was rotated several times');
  assert.ok(result.http.refused > 0 && result.http.cutOff >= 0);
  assert.deepEqual({ lost: result.file.lost, first: result.file.firstLost }, { lost: 0, first: [] }, 'file exporter: 0 lost');
  assert.deepEqual({ lost: result.http.lost, first: result.http.firstLost }, { lost: 0, first: [] }, 'http exporter: 0 lost');
});
