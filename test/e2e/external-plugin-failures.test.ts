// Failures after start never crash the collector: a plugin whose timer throws and whose promise rejects unhandled
// keeps the process running; the failures are counted (fleetlog_internal_errors_total) and logged with a code, a
// recoverable error shows in the status metric, and SIGTERM still drains and exits 0.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const root = join(import.meta.dirname, '..', '..');
const folder = mkdtempSync(join(tmpdir(), 'fleetlog-failing-plugin-'));
after(() => rmSync(folder, { recursive: true, force: true }));

writeFileSync(join(folder, 'flaky.mjs'), `
export default {
  kind: 'receiver', type: 'flaky', stability: 'development',
  configSchema: { type: 'object', additionalProperties: false, properties: {} },
  create(settings, config, next) {
    let timer;
    return {
      async start() {
        timer = setTimeout(() => {
          settings.reportStatus('recoverable_error', new Error('sensor bus reset'));
          void Promise.reject(new Error('forgotten promise'));
          setTimeout(() => { throw new Error('thrown in a timer'); }, 5);
          void next.consume({ resource: {}, records: [{ timeUnixNano: '0', observedTimeUnixNano: '0', severityNumber: 9, severityText: 'INFO', body: 'still alive', attributes: {} }] });
        }, 20);
      },
      async shutdown() { clearTimeout(timer); },
    };
  },
};
`);
writeFileSync(join(folder, 'site.yaml'), `
plugins: ["./flaky.mjs"]
receivers: { flaky: }
exporters: { debug: { verbosity: normal } }
service:
  storage: { directory: ./data }
  heartbeat: { enabled: false }
  telemetry: { metrics: { address: "127.0.0.1:0" } }
  pipelines: { logs: { receivers: [flaky], exporters: [debug] } }
`);

test('a plugin that throws after start is counted and reported; the collector keeps running and exits 0 on SIGTERM', async () => {
  const child = spawn(process.execPath, [join(root, 'bin', 'fleetlog.js'), 'collector', '--config', 'site.yaml'], {
    cwd: folder, env: { ...process.env, FLEETLOG_FROM_SOURCE: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 20_000;
    const logs = (): { msg: string; metricsPort?: number; code?: string; origin?: string }[] =>
      stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string });
    while (logs().filter((l) => l.code === 'FLEETLOG_ERR_INTERNAL').length < 2 || !stdout.includes('still alive')) {
      assert.ok(Date.now() < deadline, `timed out; stderr:\n${stderr}\nstdout:\n${stdout}`);
      assert.equal(child.exitCode, null, `the collector exited: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.deepEqual(logs().filter((l) => l.code === 'FLEETLOG_ERR_INTERNAL').map((l) => l.origin).sort(), ['uncaughtException', 'unhandledRejection']);
    assert.ok(logs().some((l) => l.msg === 'Component reports a recoverable error.'), stderr);
    const port = logs().find((l) => l.msg === 'Collector started.')?.metricsPort;
    assert.ok(port !== undefined && port > 0, stderr);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(metrics, /^fleetlog_internal_errors_total 2$/m);
    assert.match(metrics, /^fleetlog_component_status\{id="flaky",kind="receiver",status="recoverable_error"\} 1$/m);
    assert.match(metrics, /^fleetlog_receiver_accepted_records_total\{receiver="flaky"\} 1$/m);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, stderr);
});
