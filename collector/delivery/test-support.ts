// Helpers for this folder's tests: settings with a recording meter, a scripted exporter, records and temp dirs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Counter, Exporter, Gauge, Logger, Meter, Settings } from '../component/contract.js';
import { msToUnixNano, type LogBatch, type LogRecord } from '../component/log-record.js';
import type { SendResult } from '../component/send-result.js';
import { toDeliveryConfig, type DeliveryConfig, type DeliveryYaml } from './config.js';

export class RecordingMeter implements Meter {
  readonly values = new Map<string, number>();
  counter(name: string): Counter {
    return { add: (value) => this.values.set(name, (this.values.get(name) ?? 0) + value) };
  }
  gauge(name: string): Gauge {
    return { set: (value) => this.values.set(name, value) };
  }
}

const quietLogger: Logger = {
  debug() {}, info() {}, warn() {}, error() {},
  child() {
    return quietLogger;
  },
};

export function testSettings(id = 'test_exporter', meter: Meter = new RecordingMeter(), storageDir = tmpdir(), statuses: string[] = []): Settings {
  return { id, kind: 'exporter', logger: quietLogger, meter, storageDir, resource: {}, reportStatus: (status) => statuses.push(status) };
}

export function record(seq: number, severityNumber = 9, body = `line ${seq}`): LogRecord {
  const now = msToUnixNano(Date.now());
  return { timeUnixNano: now, observedTimeUnixNano: now, severityNumber, severityText: '', body, attributes: { seq } };
}

export function batchOf(from: number, count: number, severityNumber = 9, resource: LogBatch['resource'] = { 'device.id': 'vm-1' }): LogBatch {
  return { resource, records: Array.from({ length: count }, (_, i) => record(from + i, severityNumber)) };
}

/** The `seq` attribute of every record of the batches, in order. */
export function seqsOf(batches: readonly LogBatch[]): number[] {
  return batches.flatMap((b) => b.records.map((r) => r.attributes.seq as number));
}

/** An exporter whose outcome per call comes from `script` (default ok); it records what it accepted. */
export class ScriptedExporter implements Exporter {
  readonly accepted: LogBatch[] = [];
  readonly attempts: { atMs: number; records: number }[] = [];
  started = 0;
  stopped = 0;
  script: (batch: LogBatch, attempt: number, signal: AbortSignal) => SendResult | Promise<SendResult>;

  constructor(script?: ScriptedExporter['script']) {
    this.script = script ?? (() => ({ outcome: 'ok' }));
  }
  async start(): Promise<void> {
    this.started += 1;
  }
  async shutdown(): Promise<void> {
    this.stopped += 1;
  }
  async send(batch: LogBatch, signal: AbortSignal): Promise<SendResult> {
    this.attempts.push({ atMs: Date.now(), records: batch.records.length });
    const result = await this.script(batch, this.attempts.length - 1, signal);
    if (result.outcome === 'ok') this.accepted.push(structuredClone(batch));
    return result;
  }
}

export function fastConfig(yaml: DeliveryYaml = {}): DeliveryConfig {
  return toDeliveryConfig({
    ...yaml,
    retry: { initial_interval: 10, max_interval: 50, jitter: 0, ...yaml.retry },
    batch: { max_age: 5, ...yaml.batch },
  });
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'fleetlog-delivery-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Polls `condition` every 5 ms until true; fails after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * The records of the format fixtures in testdata/ (queue segments written by earlier versions): 40 records in
 * batches of 4 over two resources, every severity class, non-ASCII text, structured bodies and optional fields.
 * Deterministic, so a test can compare what it reads with what was written.
 */
export function fixtureBatches(): LogBatch[] {
  const severities = [5, 9, 13, 17, 21, 0];
  const batches: LogBatch[] = [];
  for (let b = 0; b < 10; b += 1) {
    const resource = { 'device.id': b % 3 === 2 ? 'vm-2' : 'vm-1', site: 'lab' };
    const records: LogRecord[] = [];
    for (let i = b * 4; i < b * 4 + 4; i += 1) {
      const time = msToUnixNano(Date.UTC(2026, 0, 22, 14, 30, 15) + i);
      const r: LogRecord = {
        timeUnixNano: time, observedTimeUnixNano: time, severityNumber: severities[i % severities.length]!, severityText: ['DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', ''][i % 6]!,
        body: i % 5 === 4 ? { event: 'vend', slot: i, ok: i % 2 === 0, tags: ['a', 'ß', null] } : `Zahlung ${i}: Karte abgelehnt — €${i}.50 "quoted" \\ ${'x'.repeat(i * 7)}`,
        attributes: { seq: i, component: ['payment', 'motor', 'door'][i % 3]! },
      };
      if (i % 2 === 0) r.recordId = `f00dfeed:${i * 120}`;
      if (i % 4 === 1) r.bootId = '5b1f0e7c-4a43-4f0e-9d55-7a3c0c6d2b1e';
      if (i % 8 === 3) r.flags = 1;
      records.push(r);
    }
    batches.push({ resource, records });
  }
  return batches;
}
