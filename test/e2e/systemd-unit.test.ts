// deploy/systemd/fleetlog-collector.service is what a site installs: its ExecStart command line (node flags, entry
// point, command, config) is run here as a real process, with the unit's own Environment= and the /opt/fleetlog and
// /etc/fleetlog paths mapped to this checkout and a temp folder. It must start, deliver to its local tier, and stop
// on the unit's KillSignal with exit 0 well within TimeoutStopSec.
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startCollectorProcess } from '../../demo/collector-process.js';
import { freePort } from '../../collector/testkit/free-port.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const UNIT = join(ROOT, 'deploy', 'systemd', 'fleetlog-collector.service');
const dir = mkdtempSync(join(tmpdir(), 'fleetlog-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** `Key=value` lines of the unit's [Service] section (a key may repeat). */
function serviceSection(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let section = '';
  for (const raw of readFileSync(UNIT, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    if (section !== 'Service') continue;
    const eq = line.indexOf('=');
    assert.ok(eq > 0, `not Key=value: ${line}`);
    const key = line.slice(0, eq);
    out.set(key, [...(out.get(key) ?? []), line.slice(eq + 1)]);
  }
  return out;
}

function one(service: Map<string, string[]>, key: string): string {
  const values = service.get(key) ?? [];
  assert.equal(values.length, 1, `exactly one ${key}=`);
  return values[0]!;
}


test('the systemd unit\'s ExecStart starts a collector with its node flags, delivers, and stops on KillSignal within TimeoutStopSec', async () => {
  const service = serviceSection();
  const argv = one(service, 'ExecStart').split(/\s+/);
  assert.match(argv[0]!, /^\/usr\/bin\/node$/, 'Debian\'s and NodeSource\'s node path');
  const entryAt = argv.findIndex((a) => a.endsWith('/bin/fleetlog.js'));
  assert.ok(entryAt > 0, 'runs bin/fleetlog.js');
  const nodeFlags = argv.slice(1, entryAt);
  assert.ok(nodeFlags.every((f) => f.startsWith('--')), `node flags only before the entry point: ${nodeFlags.join(' ')}`);
  assert.equal(argv[entryAt], '/opt/fleetlog/bin/fleetlog.js');
  const [command, configFlag, configPath, ...rest] = argv.slice(entryAt + 1);
  assert.deepEqual([command, configFlag, rest], ['collector', '--config', []]);
  const configName = basename(configPath!);
  assert.ok(existsSync(join(ROOT, 'configs', configName)), `configs/${configName} is shipped`);

  assert.equal(one(service, 'KillSignal'), 'SIGTERM');
  const stopSeconds = Number(one(service, 'TimeoutStopSec'));
  assert.ok(stopSeconds >= 10, 'room for the drain (service.shutdown_timeout, 5 s by default)');

  // The unit's Environment= (paths moved under the temp folder) plus a site's .env values.
  const env: Record<string, string> = {};
  for (const assignment of (service.get('Environment') ?? []).join(' ').split(/\s+/)) {
    const [key, value] = assignment.split('=') as [string, string];
    env[key] = join(dir, value);
  }
  assert.ok(env.FLEETLOG_STATE_DIR?.endsWith('/var/lib/fleetlog'), 'the state directory is StateDirectory=fleetlog');
  assert.equal(one(service, 'StateDirectory'), 'fleetlog');
  assert.equal(one(service, 'LogsDirectory'), 'fleetlog');
  const logs = join(dir, 'var', 'log', 'vending');
  mkdirSync(logs, { recursive: true });
  mkdirSync(env.FLEETLOG_STATE_DIR!, { recursive: true });
  mkdirSync(env.FLEETLOG_LOCAL_DIR!, { recursive: true });
  Object.assign(env, {
    MACHINE_ID: 'VM-UNIT-1', VENDING_LOG_DIR: logs, VENDING_LOG_TIME_ZONE: 'utc',
    FLEETLOG_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
    FLEETLOG_API_KEY: 'flk_0000000000000000_not-a-real-key-not-a-real-key-not-a-real-k',
  });
  const etc = join(dir, 'etc', 'fleetlog');
  mkdirSync(etc, { recursive: true });
  copyFileSync(join(ROOT, 'configs', configName), join(etc, configName));
  appendFileSync(join(logs, 'app.log'), '2026-01-22 14:30:15,123 - payment - ERROR - Authorization timeout after 30s\n');

  const collector = startCollectorProcess({ configFile: join(etc, configName), cwd: dir, env, execArgv: nodeFlags });
  let code: number | null;
  try {
    await collector.started();
    const cmdline = readFileSync(`/proc/${collector.pid}/cmdline`, 'utf8').split('\0');
    for (const flag of nodeFlags) assert.ok(cmdline.includes(flag), `${flag} reaches node`);
    const local = join(env.FLEETLOG_LOCAL_DIR!, 'logs.jsonl');
    const deadline = Date.now() + 20_000;
    while (!(existsSync(local) && readFileSync(local, 'utf8').includes('Authorization timeout after 30s'))) {
      assert.ok(Date.now() < deadline, 'the line reached the local tier');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    const stopStarted = performance.now();
    code = await collector.stop(stopSeconds * 1000);
    assert.ok(performance.now() - stopStarted < stopSeconds * 1000, 'stopped within TimeoutStopSec');
  }
  assert.equal(code, 0, collector.output());
});
