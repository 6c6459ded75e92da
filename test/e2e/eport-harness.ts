// A site with an eport exporter for the end-to-end tests, as on a device: a vending application's PRD JSON log
// file → file_log → durable queue → eport in a real `fleetlog collector` process → a real pty pair → the device
// simulator's drop folder. The tests differ only in the exporter's options and what they write to the log.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollectorProcess, type CollectorProcess } from '../../demo/collector-process.js';
import { entryFromEvent, type PrdEntry } from '../../eport/packer/event.js';
import { unpack } from '../../eport/packer/unpack.js';
import type { FaultOptions } from '../../eport/sim/faults.js';
import { openPtyPair } from '../../eport/sim/pty-pair.js';
import { runSimulator } from '../../eport/sim/simulator.js';

export interface EportSiteOptions {
  /** Names the temporary folder. */
  readonly name: string;
  readonly machineId: string;
  /** Written to the log file before the collector starts. */
  readonly entries: readonly PrdEntry[];
  /** YAML lines added under `exporters.eport` (indented by 4), after its path and baud rate. */
  readonly eportYaml: string;
  /** YAML lines added under `service` (indented by 2). */
  readonly serviceYaml?: string;
  readonly faults?: FaultOptions;
}

export interface EportSite {
  readonly dir: string;
  /** The application's log file, for appending more entries. */
  readonly log: string;
  readonly collector: CollectorProcess;
  /** What the simulator has written to its drop folder so far. */
  dropped(): Promise<Dropped>;
  /** Stops the collector (if still running), the simulator and the pty pair; removes the folder. */
  close(): Promise<void>;
}

export interface Dropped {
  readonly files: number;
  readonly entries: PrdEntry[];
  readonly lossless: boolean;
}

export const prdLines = (entries: readonly PrdEntry[]): string => entries.map((e) => `${JSON.stringify(e)}\n`).join('');
/** An entry as the eport link carries it (machine id aside), for comparing what arrived with what was written. */
export const prdKey = (e: PrdEntry): string => JSON.stringify([e.timestamp, e.level, e.component, e.message, e.context]);
/** What the eport exporter sends with its default schedule. */
export const warnAndAbove = (entries: readonly PrdEntry[]): PrdEntry[] => entries.filter((e) => ['WARN', 'ERROR', 'CRITICAL'].includes(e.level));

export async function startEportSite(options: EportSiteOptions): Promise<EportSite> {
  const dir = mkdtempSync(join(tmpdir(), `fleetlog-${options.name}-`));
  const pty = await openPtyPair(dir);
  const stopSim = new AbortController();
  const drop = join(dir, 'drop');
  const sim = runSimulator({ portPath: pty.b, baudRate: 115200, outDir: drop, signal: stopSim.signal, faults: options.faults });
  const log = join(dir, 'app.log');
  writeFileSync(log, prdLines(options.entries));
  writeFileSync(join(dir, 'site.yaml'), `
receivers:
  file_log:
    include: ["${dir}/*.log"]
    start_at: beginning
    parser: auto
exporters:
  eport:
    path: ${pty.a}
    baud_rate: 115200
${options.eportYaml.trim().split('\n').map((l) => `    ${l.trim()}`).join('\n')}
service:
  resource: { device.id: ${options.machineId} }
  storage: { directory: ${join(dir, 'state')} }
${(options.serviceYaml ?? '').trim().split('\n').filter((l) => l.trim() !== '').map((l) => `  ${l.trim()}`).join('\n')}
  pipelines:
    logs: { receivers: [file_log], exporters: [eport] }
`);
  const collector = startCollectorProcess({ configFile: join(dir, 'site.yaml'), cwd: dir, env: { UV_USE_IO_URING: '0' } });
  const close = async (): Promise<void> => {
    await collector.stop();
    stopSim.abort();
    await sim;
    await pty.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await collector.started();
  } catch (error) {
    await close();
    throw error;
  }
  return { dir, log, collector, dropped: () => droppedIn(drop), close };
}

async function droppedIn(drop: string): Promise<Dropped> {
  const names = (await readdir(drop).catch(() => [] as string[])).filter((n) => n.endsWith('.eport')).sort();
  const entries: PrdEntry[] = [];
  let lossless = true;
  for (const name of names) {
    const r = unpack(await readFile(join(drop, name)));
    assert.ok(r.ok, r.ok ? '' : r.reason);
    lossless &&= r.meta.lossless;
    entries.push(...r.events.map(entryFromEvent));
  }
  return { files: names.length, entries, lossless };
}
