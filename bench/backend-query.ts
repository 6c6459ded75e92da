// Bench: query latency over generated rows in the embedded store, and bytes on disk per row.
//   node --import tsx bench/backend-query.ts [--rows 10000000] [--machines 1000] [--days 30] [--runs 20]
// Rows are generated inside the engine (INSERT … SELECT FROM numbers(), through the same materialized views as
// real ingest): a fleet of vending machines over `days` up to now, 80 % INFO / 12 % WARN / 7 % ERROR / 1 % CRITICAL,
// bodies from vending templates, 3 attributes, heartbeats. Measures, warm, p50/p95 of `runs` runs:
//   Q1 one machine, last 24 h, newest 200 (Store.queryLogs, and GET /api/logs over HTTP)
//   Q2 the machines list with status (Store.machineActivity, and GET /api/machines)
//   Q3 full text: one machine 7 days; the fleet 24 h
//   Q1 without FINAL (what de-duplication at read costs)
//   export: 7 days, then all of the fleet streamed as CSV over HTTP (rows/s, growth of the server's RSS and JS heap)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { msToUnixNano } from '../collector/component/log-record.js';
import { defaultBackendConfig, type BackendConfig } from '../backend/config.js';
import { startBackend } from '../backend/server.js';
import { openStore } from '../backend/store/open-store.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

const ROWS = arg('rows', 10_000_000);
const MACHINES = arg('machines', 1000);
const DAYS = arg('days', 30);
const RUNS = arg('runs', 20);
const TOKEN = 'bench-admin-token-0123456789';

async function measure(label: string, work: () => Promise<unknown>): Promise<{ label: string; p50: number; p95: number; first: number }> {
  const times: number[] = [];
  for (let i = 0; i < RUNS + 1; i += 1) {
    const t = performance.now();
    await work();
    times.push(performance.now() - t);
  }
  const first = times.shift()!;
  times.sort((a, b) => a - b);
  const at = (p: number): number => +times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
  return { label, p50: at(0.5), p95: at(0.95), first: +first.toFixed(1) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlog-bench-query-'));
  const base = defaultBackendConfig({ path: join(dir, 'clickhouse'), adminToken: TOKEN });
  const config: BackendConfig = { ...base, port: 0, host: '127.0.0.1' };
  const store = await openStore(config.storage);
  const engine = store.engine;
  const endMs = Date.now();
  const spanMs = DAYS * 86_400_000;
  const startMs = endMs - spanMs;

  let t = performance.now();
  for (let m = 0; m < MACHINES; m += 1) {
    await store.upsertMachine({ machineId: `VM${String(m).padStart(5, '0')}`, site: `site-${m % 20}`, name: `Machine ${m}` });
  }
  const registryS = (performance.now() - t) / 1000;
  t = performance.now();
  const chunk = 1_000_000;
  for (let offset = 0; offset < ROWS; offset += chunk) {
    const n = Math.min(chunk, ROWS - offset);
    await engine.command(`INSERT INTO fleet.logs (ts, received_at, machine_id, site, component, source, severity_number, severity_text, event_name, body, attributes, resource, record_id, boot_id, seq, trace_id, span_id, clock_flags)
SELECT ts, ts + INTERVAL 2 SECOND, machine_id, concat('site-', toString(m % 20)), component, 'otlp_proto', sev,
       multiIf(sev = 9, 'INFO', sev = 13, 'WARN', sev = 17, 'ERROR', 'CRITICAL'),
       if(n % 97 = 0, 'fleetlog.heartbeat', ''),
       arrayElement([
         concat('Vend OK slot ', toString(n % 40), ' price ', toString(100 + n % 300), ' paid card'),
         concat('Payment declined code 51 txn T', toString(n)),
         concat('Coin mech jam detected, retry ', toString(n % 5)),
         concat('Door opened by technician ', toString(n % 30)),
         concat('Temperature ', toString(3 + n % 6), '.5C within limits'),
         concat('TXN|T', toString(n), '|APPROVED|00|amount=', toString(100 + n % 400), '|card=VISA'),
         concat('Bill validator rejected note, sensor ', toString(n % 4)),
         'Motor current spike on spiral 12'], (n % 8) + 1),
       map('component', component, 'slot', toString(n % 40), 'payment.txn_id', concat('T', toString(n))),
       map('device.id', machine_id, 'service.name', 'vend-controller'),
       concat(machine_id, ':', toString(n)), 'boot-1', n, '', '', 0
FROM (
  SELECT number + ${offset} AS n, n % ${MACHINES} AS m,
         concat('VM', leftPad(toString(m), 5, '0')) AS machine_id,
         fromUnixTimestamp64Milli(toInt64(${startMs} + intDiv(n * ${spanMs}, ${ROWS}))) AS ts,
         multiIf(n % 100 < 80, 9, n % 100 < 92, 13, n % 100 < 99, 17, 21) AS sev,
         arrayElement(['payment', 'motor', 'door', 'fridge', 'coin', 'bill'], (n % 6) + 1) AS component
  FROM numbers(${n})
)`);
  }
  const generateS = (performance.now() - t) / 1000;

  const running = await startBackend(config, { store });
  const machine = `VM${String(42).padStart(5, '0')}`;
  const dayAgo = msToUnixNano(endMs - 86_400_000);
  const weekAgo = msToUnixNano(endMs - 7 * 86_400_000);
  const auth = { authorization: `Bearer ${TOKEN}` };
  const get = async (path: string): Promise<unknown> => (await fetch(`${running.url}${path}`, { headers: auth })).json();

  const q1 = await store.queryLogs({ machineId: machine, fromNs: dayAgo }, 200);
  const results = [
    await measure('Q1 one machine, 24 h, newest 200 (store)', () => store.queryLogs({ machineId: machine, fromNs: dayAgo }, 200)),
    await measure('Q1 same via GET /api/logs', () => get(`/api/logs?machine_id=${machine}&from=${endMs - 86_400_000}&limit=200`)),
    await measure('Q1 same without FINAL (no read-time de-duplication)', () => engine.query(
      `SELECT * FROM fleet.logs WHERE machine_id = {m:String} AND ts >= fromUnixTimestamp64Nano({f:Int64}) ORDER BY ts DESC LIMIT 200`, { m: machine, f: dayAgo })),
    await measure(`Q2 machines list with status, ${MACHINES} machines (store)`, () => store.machineActivity(Date.now())),
    await measure('Q2 same via GET /api/machines', () => get('/api/machines')),
    await measure('Q3 full text "jam", one machine, 7 days', () => store.queryLogs({ machineId: machine, fromNs: weekAgo, words: ['jam'] }, 200)),
    await measure('Q3 full text "declined", fleet, 24 h, newest 100', () => store.queryLogs({ fromNs: dayAgo, words: ['declined'] }, 100)),
    await measure('Q4 fleet, ERROR+, 24 h, newest 100', () => store.queryLogs({ fromNs: dayAgo, minSeverity: 17 }, 100)),
    await measure('Q5 fleet, newest 100, no time bound', () => store.queryLogs({}, 100)),
    await measure('Q5 one machine, newest 100, no time bound', () => store.queryLogs({ machineId: machine }, 100)),
  ];

  // Export: stream the fleet as CSV over HTTP (7 days, then everything); rows/s and the server's memory meanwhile.
  const exportRun = async (fromMs: number): Promise<Record<string, number>> => {
    const rssBefore = process.memoryUsage().rss;
    const heapBefore = process.memoryUsage().heapUsed;
    let rssMax = rssBefore;
    let heapMax = heapBefore;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      rssMax = Math.max(rssMax, m.rss);
      heapMax = Math.max(heapMax, m.heapUsed);
    }, 50);
    const started = performance.now();
    const res = await fetch(`${running.url}/api/logs/export?format=csv&from=${fromMs}`, { headers: auth });
    let bytes = 0;
    let lines = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 10) lines += 1;
    }
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    return {
      rows: lines - 1, seconds: +seconds.toFixed(1), rowsPerS: Math.round((lines - 1) / seconds), mib: +(bytes / 2 ** 20).toFixed(1),
      serverRssGrowthMiB: +((rssMax - rssBefore) / 2 ** 20).toFixed(1), serverJsHeapGrowthMiB: +((heapMax - heapBefore) / 2 ** 20).toFixed(1),
    };
  };
  const exported = await exportRun(endMs - 7 * 86_400_000);
  const exportedAll = await exportRun(startMs - 1);

  const [parts] = await engine.query<Record<string, string>>(`SELECT sum(rows) AS rows, count() AS parts,
    sum(data_compressed_bytes) AS compressed, sum(data_uncompressed_bytes) AS uncompressed,
    sum(secondary_indices_compressed_bytes) AS skip_indexes, sum(primary_key_size) AS primary_key, sum(bytes_on_disk) AS on_disk
    FROM system.parts WHERE database = 'fleet' AND table = 'logs' AND active`);
  const [version] = await engine.query<{ v: string }>('SELECT version() AS v');
  const duBytes = Number(execFileSync('du', ['-sb', join(dir, 'clickhouse')]).toString().split('\t')[0]);
  const rows = Number(parts!.rows);
  console.log(JSON.stringify({
    engine: `chDB ${version!.v}`, node: process.version, rows: ROWS, machines: MACHINES, days: DAYS, runs: RUNS,
    generateSeconds: +generateS.toFixed(1), generateRowsPerS: Math.round(ROWS / generateS), registrySeconds: +registryS.toFixed(1),
    q1Rows: q1.rows.length,
    latencyMs: results,
    exportCsv7Days: exported,
    exportCsvAll: exportedAll,
    disk: {
      rows, parts: Number(parts!.parts),
      bytesPerRowOnDisk: +(Number(parts!.on_disk) / rows).toFixed(1),
      bytesPerRowColumns: +(Number(parts!.compressed) / rows).toFixed(1),
      bytesPerRowSkipIndexes: +(Number(parts!.skip_indexes) / rows).toFixed(1),
      uncompressedBytesPerRow: +(Number(parts!.uncompressed) / rows).toFixed(1),
      compressionRatio: +(Number(parts!.uncompressed) / Number(parts!.compressed)).toFixed(1),
      wholeDataFolderBytesPerRow: +(duBytes / rows).toFixed(1),
    },
  }, null, 2));
  await running.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
