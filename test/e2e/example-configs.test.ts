// Every collector config in configs/ validates with the environment a site would give it and STARTS as a real
// `fleetlog collector` process: paths point into a temp folder and the backend is a closed port, so each
// otlp_http queue keeps what it cannot send (checked with `fleetlog queue inspect`), the local tier gets every
// line, and SIGTERM stops it with exit 0. (configs/pi-vending.yaml also runs against a real backend in
// whole-system.test.ts.) Without its required variables a config fails with their line numbers.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { FLEETLOG_BIN, startCollectorProcess } from '../../demo/collector-process.js';
import { freePort } from '../../collector/testkit/free-port.js';
import { runFleetlog, type CommandRun } from './fleetlog-cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fleetlog-configs-'));
after(() => rmSync(dir, { recursive: true, force: true }));


function collectorConfigs(): string[] {
  return readdirSync(join(ROOT, 'configs')).filter((f) => /\.ya?ml$/.test(f)).filter((f) => {
    const value = parse(readFileSync(join(ROOT, 'configs', f), 'utf8')) as Record<string, unknown>;
    return 'service' in value; // backend configs have listen/storage instead
  }).sort();
}

function siteEnv(base: string, endpoint: string): Record<string, string> {
  const logs = join(base, 'logs');
  mkdirSync(logs, { recursive: true });
  return {
    // pi-vending.yaml
    MACHINE_ID: 'VM-CFG-1', VENDING_LOG_DIR: logs, VENDING_LOG_TIME_ZONE: 'utc',
    // pi-camera.yaml
    CAMERA_ID: 'cam-cfg-1', LOGS_DIR: logs,
    // local-demo.yaml
    FLEETLOG_LOG_DIR: logs, FLEETLOG_OUT_DIR: join(base, 'local'), FLEETLOG_DATA_DIR: join(base, 'state'), FLEETLOG_DEVICE_ID: 'vm-cfg-1',
    // shared
    FLEETLOG_ENDPOINT: endpoint, FLEETLOG_API_KEY: 'flk_0000000000000000_not-a-real-key-not-a-real-key-not-a-real-k',
    FLEETLOG_LOCAL_DIR: join(base, 'local'), FLEETLOG_STATE_DIR: join(base, 'state'),
  };
}

const fleetlog = (args: string[], env: Record<string, string>): Promise<CommandRun> => runFleetlog(args, { cwd: dir, env });

async function waitFor(what: string, probe: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('configs/ holds the Pi examples', () => {
  const configs = collectorConfigs();
  for (const name of ['pi-vending.yaml', 'pi-camera.yaml', 'local-demo.yaml']) assert.ok(configs.includes(name), name);
});

for (const name of collectorConfigs()) {
  test(`configs/${name}: validates, starts, keeps the local tier and queues what the closed backend port refuses, stops with 0`, async () => {
    const base = join(dir, name.replace(/\.ya?ml$/, ''));
    const env = siteEnv(base, `http://127.0.0.1:${await freePort()}`);
    const file = join(ROOT, 'configs', name);
    const validated = await fleetlog(['validate', '--config', file], env);
    assert.equal(validated.code, 0, validated.stderr);

    appendFileSync(join(base, 'logs', 'app.log'), [
      '2026-01-22 14:30:15,123 - payment - ERROR - Authorization timeout after 30s',
      '{"timestamp":"2026-01-22T14:32:20.000Z","machine_id":"VM-CFG-1","level":"ERROR","component":"motor","message":"GPIO conflict on pin 17, retry attempt 2","context":{"product":"soap_hand"}}',
      '2026-01-22 14:35:10,000 - flowmeter - WARN - Pulse count mismatch, recalibrating sensor',
      '',
    ].join('\n'));
    const collector = startCollectorProcess({ configFile: file, cwd: dir, env });
    try {
      await collector.started();
      const exporters = Object.keys((parse(readFileSync(file, 'utf8')) as { exporters?: Record<string, unknown> }).exporters ?? {});
      assert.ok(exporters.includes('file'), 'every example keeps a local tier');
      const local = join(base, 'local', 'logs.jsonl');
      const localLines = (): string[] => (existsSync(local) ? readFileSync(local, 'utf8').split('\n').filter((l) => l !== '' && !l.includes('fleetlog.heartbeat')) : []);
      await waitFor('three lines in the local tier', () => localLines().length === 3);
      assert.deepEqual(localLines().map((l) => (JSON.parse(l) as { message: string }).message), [
        'Authorization timeout after 30s', 'GPIO conflict on pin 17, retry attempt 2', 'Pulse count mismatch, recalibrating sensor',
      ]);
      if (exporters.includes('otlp_http')) {
        let queued = 0;
        const deadline = Date.now() + 20_000;
        while (queued < 3 && Date.now() < deadline) {
          const inspected = await fleetlog(['queue', 'inspect', '--config', file, '--exporter', 'otlp_http', '--json'], env);
          assert.equal(inspected.code, 0, inspected.stderr);
          queued = (JSON.parse(inspected.stdout) as { queuedRecords: number }).queuedRecords;
          if (queued < 3) await new Promise((resolve) => setTimeout(resolve, 250));
        }
        assert.equal(queued, 3, 'the otlp_http queue keeps the three records the closed port refused');
      }
    } finally {
      assert.equal(await collector.stop(), 0, collector.output());
    }
  });
}

test('configs/pi-vending.yaml without MACHINE_ID, FLEETLOG_ENDPOINT and FLEETLOG_API_KEY: three errors with their lines, exit 1', async () => {
  const env = { MACHINE_ID: '', FLEETLOG_ENDPOINT: '', FLEETLOG_API_KEY: '' };
  const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const clean = { ...process.env };
    for (const k of Object.keys(env)) delete clean[k];
    // A copy without the example `.env` of configs/: what an operator who copied only the YAML to a device has.
    const copy = join(mkdtempSync(join(dir, 'no-env-')), 'pi-vending.yaml');
    copyFileSync(join(ROOT, 'configs', 'pi-vending.yaml'), copy);
    const child = spawn(process.execPath, [FLEETLOG_BIN, 'collector', '--config', copy], { cwd: dir, env: clean, stdio: ['ignore', 'ignore', 'pipe'] });
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000); // it must fail at start-up, never run
    child.once('exit', () => clearTimeout(guard));
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.once('exit', (code) => resolve({ code, stderr }));
  });
  assert.equal(result.code, 1);
  for (const name of ['FLEETLOG_ENDPOINT', 'FLEETLOG_API_KEY', 'MACHINE_ID']) {
    assert.match(result.stderr, new RegExp(`pi-vending\\.yaml:\\d+:\\d+ .*environment variable ${name} is not set`), result.stderr);
  }
});
