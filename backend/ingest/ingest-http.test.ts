// OTLP/HTTP and PRD JSON ingest over real HTTP into a real embedded store, then read back through /api/logs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../app.js';
import { HttpEngine } from '../store/http-engine.js';
import { Store } from '../store/store.js';
import { otlpBodies } from '../testing/otlp-fixtures.js';
import { startTempBackend, type TempBackend } from '../testing/temp-backend.js';

let b: TempBackend;
let keyA: string;

before(async () => {
  b = await startTempBackend();
  keyA = await b.key('VM001', 'north');
});
after(async () => { await b.stop(); });

async function post(path: string, body: Buffer | string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${b.url}${path}`, { method: 'POST', body, headers });
}

const now = Date.now();

describe('POST /v1/logs', () => {
  test('protobuf records are stored and queryable with their fields', async () => {
    const { proto } = await otlpBodies({ 'device.id': 'VM001', 'service.name': 'vend-app' }, [
      { body: 'Authorization timeout after 30s', severityNumber: 17, severityText: 'ERROR', timeMs: now - 2000, attributes: { component: 'payment', 'payment.txn_id': 'abc123', amount_cents: 2000 } },
      { body: 'Vend complete slot 12', severityNumber: 9, timeMs: now - 1000, attributes: { component: 'motor' } },
    ]);
    const res = await post('/v1/logs', proto, { 'content-type': 'application/x-protobuf', authorization: `Bearer ${keyA}` });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/x-protobuf');
    assert.equal((await res.arrayBuffer()).byteLength, 0);
    const { status, body } = await b.admin('/api/logs?machine_id=VM001&component=payment');
    assert.equal(status, 200);
    assert.equal(body.logs.length, 1);
    const log = body.logs[0];
    assert.equal(log.body, 'Authorization timeout after 30s');
    assert.equal(log.level, 'ERROR');
    assert.equal(log.site, 'north');
    assert.equal(log.source, 'otlp_proto');
    assert.equal(log.attributes['payment.txn_id'], 'abc123');
    assert.equal(log.attributes.amount_cents, '2000');
    assert.equal(log.attributes['otel.scope.name'], 'fixture');
    assert.equal(log.resource['service.name'], 'vend-app');
    assert.equal(log.time, new Date(now - 2000).toISOString().replace('Z', '000000Z'));
  });

  test('JSON with gzip is stored; a re-sent request is stored once', async () => {
    const { json } = await otlpBodies({ 'device.id': 'VM001' }, [{ body: 'door opened by technician', timeMs: now - 500, attributes: { component: 'door' } }]);
    for (let i = 0; i < 2; i += 1) {
      const res = await post('/v1/logs', gzipSync(json), { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${keyA}` });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), {});
    }
    const { body } = await b.admin('/api/logs?machine_id=VM001&component=door');
    assert.equal(body.logs.length, 1);
    assert.equal(body.logs[0].source, 'otlp_json');
  });

  test('records claiming another device.id are refused and counted in partial_success', async () => {
    const forged = await otlpBodies({ 'device.id': 'VM999' }, [{ body: 'pretending', timeMs: now }, { body: 'pretending 2', timeMs: now }]);
    const res = await post('/v1/logs', forged.json, { 'content-type': 'application/json', authorization: `Bearer ${keyA}` });
    assert.equal(res.status, 200);
    const answer = await res.json() as { partialSuccess: { rejectedLogRecords: string; errorMessage: string } };
    assert.equal(answer.partialSuccess.rejectedLogRecords, '2');
    assert.match(answer.partialSuccess.errorMessage, /VM999/);
    const protoRes = await post('/v1/logs', forged.proto, { 'content-type': 'application/x-protobuf', authorization: `Bearer ${keyA}` });
    assert.equal(protoRes.status, 200);
    const bytes = Buffer.from(await protoRes.arrayBuffer());
    assert.ok(bytes.length > 0, 'partial_success encoded');
    assert.equal(bytes[0], 0x0a); // field 1, length-delimited: partial_success
    assert.equal((await b.admin('/api/logs?machine_id=VM999')).body.logs.length, 0);
    assert.equal(b.backend.metrics.value('fleetlog_backend_refused_records_total', { reason: 'forged_device_id' }), 4);
  });

  test('keys: none → 401, unknown → 401, revoked → 401; two active keys per machine', async () => {
    const { proto } = await otlpBodies({}, [{ body: 'x' }]);
    const headers = { 'content-type': 'application/x-protobuf' };
    assert.equal((await post('/v1/logs', proto, headers)).status, 401);
    const unknown = await post('/v1/logs', proto, { ...headers, authorization: `Bearer flk_0123456789abcdef_${'a'.repeat(43)}` });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.headers.get('x-fleetlog-error-code'), 'FLEETLOG_ERR_UNAUTHENTICATED');
    const second = await b.backend.keys.create('VM001');
    await assert.rejects(b.backend.keys.create('VM001'), { code: 'FLEETLOG_ERR_KEY_LIMIT' });
    assert.equal((await post('/v1/logs', proto, { ...headers, authorization: `Bearer ${second.key}` })).status, 200);
    await b.backend.keys.revoke(second.keyId);
    assert.equal((await post('/v1/logs', proto, { ...headers, authorization: `Bearer ${second.key}` })).status, 401);
    const third = await b.backend.keys.create('VM001');
    assert.ok(third.key.startsWith('flk_'));
  });
});

describe('POST /api/logs (PRD JSON)', () => {
  test('stores the PRD format and maps level, component and context', async () => {
    const key = await b.key('VM002', 'south');
    const body = JSON.stringify({
      machine_id: 'VM002',
      logs: [{ timestamp: new Date(now - 3000).toISOString(), level: 'ERROR', component: 'payment', message: 'Authorization timeout', context: { transaction_id: 'abc123', retry_count: 3 } }],
    });
    const res = await post('/api/logs', body, { 'content-type': 'application/json', authorization: `Bearer ${key}` });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { accepted: 1, rejected: 0 });
    const { body: page } = await b.admin('/api/logs?machine_id=VM002');
    assert.equal(page.logs[0].body, 'Authorization timeout');
    assert.equal(page.logs[0].severity_number, 17);
    assert.equal(page.logs[0].component, 'payment');
    assert.equal(page.logs[0].attributes.retry_count, '3');
    assert.equal(page.logs[0].site, 'south');
  });

  test('a body for another machine is 403', async () => {
    const res = await post('/api/logs', JSON.stringify({ machine_id: 'VM777', logs: [{ message: 'x' }] }), { 'content-type': 'application/json', authorization: `Bearer ${keyA}` });
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'FLEETLOG_ERR_FORBIDDEN');
  });
});

describe('keys over HTTP (admin token)', () => {
  test('create, list, revoke; bad bodies and unknown ids are refused', async () => {
    const admin = { authorization: 'Bearer test-admin-token-0123456789' };
    const created = await fetch(`${b.url}/api/keys`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ machine_id: 'VMK1', site: 'east' }) });
    assert.equal(created.status, 201);
    const key = await created.json() as { id: string; key: string; site: string };
    assert.equal(key.site, 'east');
    const listed = (await b.admin('/api/keys')).body as { keys: { id: string; machine_id: string; revoked_at: string | null }[] };
    assert.deepEqual(listed.keys.filter((k) => k.machine_id === 'VMK1').map((k) => [k.id, k.revoked_at]), [[key.id, null]]);
    assert.ok(!JSON.stringify(listed).includes(key.key.slice(22)), 'secrets are never listed');
    const bad = await fetch(`${b.url}/api/keys`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ machine: 'x' }) });
    assert.equal(bad.status, 400);
    assert.equal((await fetch(`${b.url}/api/keys`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status, 401);
    assert.equal((await fetch(`${b.url}/api/keys/${key.id}`, { method: 'DELETE', headers: admin })).status, 200);
    assert.equal((await fetch(`${b.url}/api/keys/0000000000000000`, { method: 'DELETE', headers: admin })).status, 404);
  });
});

describe('storage back-pressure over HTTP', () => {
  async function listen(app: ReturnType<typeof createApp>['app']): Promise<{ url: string; server: Server }> {
    const server = await new Promise<Server>((resolve) => { const srv = app.listen(0, '127.0.0.1', () => resolve(srv)); });
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
  }

  test('too many rows waiting → 429 with Retry-After, and the request is not stored', async () => {
    const small = createApp({ store: b.backend.store, config: { ...b.config, ingest: { ...b.config.ingest, maxPendingRows: 1, batchMaxDelayMs: 300 } } });
    const { url, server } = await listen(small.app);
    try {
      const one = await otlpBodies({ 'device.id': 'VM001' }, [{ body: 'first in line', timeMs: now }]);
      const two = await otlpBodies({ 'device.id': 'VM001' }, [{ body: 'one too many', timeMs: now }]);
      const headers = { 'content-type': 'application/x-protobuf', authorization: `Bearer ${keyA}` };
      const first = fetch(`${url}/v1/logs`, { method: 'POST', body: one.proto, headers });
      // Until the first request waits in the batcher (its batch goes out after 300 ms); bounded.
      for (let i = 0; i < 200 && small.batcher.pendingRows === 0; i += 1) await new Promise((r) => setTimeout(r, 5));
      assert.equal(small.batcher.pendingRows, 1);
      const second = await fetch(`${url}/v1/logs`, { method: 'POST', body: two.proto, headers });
      assert.equal(second.status, 429);
      assert.equal(second.headers.get('retry-after'), '1');
      assert.equal(second.headers.get('x-fleetlog-error-code'), 'FLEETLOG_ERR_RATE_LIMITED');
      assert.equal((await first).status, 200);
      assert.equal((await b.admin('/api/logs?machine_id=VM001&q=many')).body.logs.length, 0);
      assert.equal((await b.admin('/api/logs?machine_id=VM001&q=first')).body.logs.length, 1);
    } finally {
      await small.close();
      server.close();
    }
  });

  test('storage unreachable → 503 with Retry-After', async () => {
    const engine = await HttpEngine.open({ url: 'http://127.0.0.1:1', username: 'default', password: '', database: 'default', requestTimeoutMs: 2000 });
    const down = createApp({ store: new Store(engine, { db: 'fleet', cluster: undefined, fullTextIndex: 'text', retentionDays: 90 }), config: b.config });
    const { url, server } = await listen(down.app);
    try {
      const { json } = await otlpBodies({}, [{ body: 'nowhere to go' }]);
      const res = await fetch(`${url}/v1/logs`, { method: 'POST', body: json, headers: { 'content-type': 'application/json', authorization: `Bearer ${keyA}` } });
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), '5');
      const body = await res.json() as { code: number; error: { code: string } };
      assert.equal(body.code, 14);
      assert.equal(body.error.code, 'FLEETLOG_ERR_BACKPRESSURE');
      assert.equal((await fetch(`${url}/healthz`)).status, 503);
    } finally {
      await down.close();
      server.close();
      await engine.close();
    }
  });
});

describe('health and metrics', () => {
  test('/healthz answers ok and /metrics is Prometheus text with the ingest counters', async () => {
    const health = await fetch(`${b.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    assert.match(metrics, /# TYPE fleetlog_backend_accepted_records_total counter/);
    assert.match(metrics, /fleetlog_backend_accepted_records_total\{source="otlp_proto"\} \d+/);
  });
});
