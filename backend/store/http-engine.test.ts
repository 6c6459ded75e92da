// The HTTP engine's transport behaviour against local HTTP servers (no ClickHouse here): connection refused →
// back-pressure (503 + Retry-After) and a retry that succeeds once the server is back; refused credentials → a clear
// FLEETLOG_ERR_STORE_AUTH at start-up. The full store suite runs against a real server via store.test.ts when
// FLEETLOG_TEST_CLICKHOUSE_URL is set.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultBackendConfig } from '../config.js';
import { ApiError } from '../errors.js';
import { InsertBatcher } from '../ingest/insert-batcher.js';
import { HttpEngine } from './http-engine.js';
import { openStore } from './open-store.js';

const servers: Server[] = [];
after(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); })));
});

function listen(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void, port = 0): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => { body += d.toString(); });
    req.on('end', () => handler(req, body, res));
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

async function freePort(): Promise<number> {
  const s = await listen(() => undefined);
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  servers.splice(servers.indexOf(s), 1);
  return port;
}

test('connection refused → back-pressure with Retry-After; the retried insert succeeds when the server is back', async () => {
  const port = await freePort();
  const engine = await HttpEngine.open({ url: `http://127.0.0.1:${port}`, username: 'default', password: '', database: 'default', requestTimeoutMs: 2000 });
  const row = Buffer.from('["VM1","hello"]\n');
  const refused = await engine.insertJsonRows('fleet.logs', ['machine_id', 'body'], row).then(() => undefined, (e: unknown) => e);
  assert.ok(refused instanceof ApiError);
  assert.equal(refused.code, 'FLEETLOG_ERR_BACKPRESSURE');
  assert.equal(refused.status, 503);
  assert.ok((refused.retryAfterSeconds ?? 0) > 0);

  // The ingest path turns it into a refusal of the request (nothing acknowledged), counted as a failed insert.
  const batcher = new InsertBatcher(async () => { await engine.insertJsonRows('fleet.logs', ['machine_id', 'body'], row); }, { maxRows: 1, maxDelayMs: 10, maxPendingRows: 100 });
  await assert.rejects(batcher.add([{} as never]), (e: unknown) => e instanceof ApiError && e.status === 503 && e.retryAfterSeconds !== undefined);
  assert.equal(batcher.stats.failedInserts, 1);

  // The server comes back on the same port: the client's retry of the same batch goes through.
  const received: string[] = [];
  await listen((req, body, res) => {
    received.push(`${decodeURIComponent(new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '')}|${body}`);
    res.writeHead(200, { 'X-ClickHouse-Summary': '{"written_rows":"1"}' }).end();
  }, port);
  await batcher.add([{} as never]);
  assert.equal(batcher.stats.insertedRows, 1);
  assert.equal(received.length, 1);
  assert.match(received[0]!, /^INSERT INTO fleet\.logs \(machine_id, body\) FORMAT JSONCompactEachRow\|\["VM1","hello"\]\n$/);
  await batcher.close();
  await engine.close();
});

test('refused credentials → FLEETLOG_ERR_STORE_AUTH with a clear message when the store opens', async () => {
  const server = await listen((_req, _body, res) => {
    res.writeHead(403, { 'X-ClickHouse-Exception-Code': '516', 'Content-Type': 'text/plain' })
      .end('Code: 516. DB::Exception: fleetlog: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED) (version 25.8.1.1)\n');
  });
  const port = (server.address() as AddressInfo).port;
  const base = defaultBackendConfig();
  await assert.rejects(
    openStore({ ...base.storage, engine: 'server', url: `http://127.0.0.1:${port}`, user: 'fleetlog', password: 'wrong' }),
    (e: unknown) => e instanceof ApiError && e.code === 'FLEETLOG_ERR_STORE_AUTH' && /refused the configured user/.test(e.message) && /Authentication failed/.test(e.message),
  );
});

test('an overloaded server (TOO_MANY_PARTS) is back-pressure, other errors are store errors', async () => {
  let answer = { status: 500, code: '252', text: 'Code: 252. DB::Exception: Too many parts (300). (TOO_MANY_PARTS)' };
  const server = await listen((_req, _body, res) => {
    res.writeHead(answer.status, { 'X-ClickHouse-Exception-Code': answer.code }).end(answer.text);
  });
  const engine = await HttpEngine.open({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, username: 'default', password: '', database: 'default', requestTimeoutMs: 2000 });
  await assert.rejects(engine.insertJsonRows('fleet.logs', ['body'], Buffer.from('["x"]\n')), { code: 'FLEETLOG_ERR_BACKPRESSURE' });
  answer = { status: 404, code: '60', text: 'Code: 60. DB::Exception: Unknown table expression identifier. (UNKNOWN_TABLE)' };
  await assert.rejects(engine.query('SELECT 1 FROM nope'), { code: 'FLEETLOG_ERR_STORE' });
  await engine.close();
});
