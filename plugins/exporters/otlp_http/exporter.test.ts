import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { decodeOtlpLogsJson } from '../../../backend/ingest/otlp-json-decode.js';
import { decodeOtlpLogsProto } from '../../../backend/ingest/otlp-proto-decode.js';
import { encodeExportResponseProto, encodeStatusProto } from '../../../backend/ingest/otlp-response.js';
import type { Exporter, LogBatch } from '../../../collector/component/index.js';
import { configFor, createNopSettings, describeComponentContract, makeBatch, validateComponentConfig, type TestSettings } from '../../../collector/testkit/index.js';
import type { OtlpHttpConfig } from './config.js';
import factory from './index.js';
import { parseRetryAfterMs } from './response.js';

// The server: decodes what it got (with the backend's own OTLP decoders, an independent implementation) and
// answers what the current test scripted.
interface Received {
  headers: IncomingMessage['headers'];
  raw: Buffer;
  batches: LogBatch[];
}
type Answer = (res: ServerResponse) => void;
const received: Received[] = [];
let answer: Answer = (res) => { res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(); };

function handler(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const wire = Buffer.concat(chunks);
    const raw = req.headers['content-encoding'] === 'gzip' ? gunzipSync(wire) : wire;
    const batches = req.headers['content-type'] === 'application/json' ? decodeOtlpLogsJson(raw.toString('utf8')) : decodeOtlpLogsProto(raw);
    received.push({ headers: req.headers, raw, batches });
    answer(res);
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const httpServer = createHttpServer(handler);
const httpHost = await listen(httpServer);
const endpoint = `http://${httpHost}`;
after(() => { httpServer.closeAllConnections(); httpServer.close(); });

describeComponentContract(factory, { folder: import.meta.dirname, config: { endpoint }, typoKey: 'encoding', expectSendOutcome: 'ok' });

const created: Array<{ exporter: Exporter; settings: TestSettings }> = [];
after(async () => {
  for (const { exporter, settings } of created) {
    await exporter.shutdown();
    settings.cleanup();
  }
});

async function exporterFor(raw: Partial<OtlpHttpConfig>): Promise<{ exporter: Exporter; settings: TestSettings }> {
  const settings = createNopSettings('exporter', 'otlp_http/test');
  const exporter = factory.create(settings, configFor<OtlpHttpConfig>(factory, { endpoint, ...raw }));
  await exporter.start();
  created.push({ exporter, settings });
  return { exporter, settings };
}

const signal = new AbortController().signal;

function richBatch(): LogBatch {
  const batch = makeBatch(5, { 'device.id': 'VM001', site: 'lobby' });
  const r = batch.records[2]!;
  r.attributes = { component: 'payment', txn: 'abc123', amount_cents: 2000, ratio: 0.5, ok: true, tags: ['a', 'b'], nested: { k: 'v' } };
  r.bootId = 'boot-1';
  r.timeUnixNano = '1769092215123456789';
  r.traceId = '0af7651916cd43dd8448eb211c80319c';
  r.spanId = 'b7ad6b7169203331';
  r.flags = 1;
  r.eventName = 'payment.declined';
  return batch;
}

describe('otlp_http exporter', () => {
  before(() => { received.length = 0; });

  test('testdata: valid configs pass; the typo and the cross-field rules are each reported', () => {
    const load = (name: string): unknown => parse(readFileSync(join(import.meta.dirname, 'testdata', name), 'utf8'));
    assert.deepEqual(validateComponentConfig(factory, load('valid-minimal.yaml')).issues, []);
    assert.deepEqual(validateComponentConfig(factory, load('valid-full.yaml')).issues, []);
    assert.match(validateComponentConfig(factory, load('invalid-unknown-key.yaml')).issues[0]!.message, /did you mean 'encoding'/);
    const rules = factory.validate!(load('invalid-rules.yaml') as OtlpHttpConfig);
    assert.deepEqual(rules, [
      'tls: cert_file and key_file go together',
      'tls: options are set but the endpoint is not https://',
      "headers: 'content-type' is set by the exporter",
    ]);
  });

  test('protobuf + gzip (the defaults): the server decodes every field of every record, and gets the headers', async () => {
    received.length = 0;
    answer = (res) => { res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(); };
    const { exporter } = await exporterFor({ headers: { authorization: 'Bearer k1' } });
    const batch = richBatch();
    assert.deepEqual(await exporter.send(batch, signal), { outcome: 'ok', acceptedRecords: 5 });
    const [got] = received;
    assert.equal(got?.headers['content-type'], 'application/x-protobuf');
    assert.equal(got?.headers['content-encoding'], 'gzip');
    assert.equal(got?.headers.authorization, 'Bearer k1');
    const [decoded] = got!.batches;
    assert.deepEqual(decoded?.resource, { 'device.id': 'VM001', site: 'lobby' });
    assert.equal(decoded?.records.length, 5);
    const r = decoded!.records[2]!;
    assert.equal(r.timeUnixNano, '1769092215123456789');
    assert.equal(r.observedTimeUnixNano, batch.records[2]!.observedTimeUnixNano);
    assert.equal(r.severityNumber, batch.records[2]!.severityNumber);
    assert.equal(r.severityText, batch.records[2]!.severityText);
    assert.equal(r.body, 'test record 2');
    assert.equal(r.traceId, '0af7651916cd43dd8448eb211c80319c');
    assert.equal(r.spanId, 'b7ad6b7169203331');
    assert.equal(r.eventName, 'payment.declined');
    assert.deepEqual(
      { ...r.attributes, 'otel.scope.name': undefined },
      { component: 'payment', txn: 'abc123', amount_cents: 2000, ratio: 0.5, ok: true, tags: ['a', 'b'], nested: { k: 'v' }, 'log.record.uid': 'test:2', 'fleetlog.boot.id': 'boot-1', 'otel.scope.name': undefined },
    );
  });

  test('json without compression: OTLP/JSON the backend decodes to the same records', async () => {
    received.length = 0;
    answer = (res) => { res.writeHead(200, { 'content-type': 'application/json' }).end('{}'); };
    const { exporter } = await exporterFor({ encoding: 'json', compression: 'none' });
    const batch = richBatch();
    assert.equal((await exporter.send(batch, signal)).outcome, 'ok');
    const [got] = received;
    assert.equal(got?.headers['content-type'], 'application/json');
    assert.equal(got?.headers['content-encoding'], undefined);
    const json = JSON.parse(got!.raw.toString('utf8')) as { resourceLogs: Array<{ scopeLogs: Array<{ logRecords: Array<{ timeUnixNano: string; traceId: string }> }> }> };
    const wire = json.resourceLogs[0]!.scopeLogs[0]!.logRecords[2]!;
    assert.equal(wire.timeUnixNano, '1769092215123456789');
    assert.equal(wire.traceId, '0af7651916cd43dd8448eb211c80319c');
    assert.equal(got?.batches[0]?.records[2]?.attributes['log.record.uid'], 'test:2');
    assert.equal(got?.batches[0]?.records.length, 5);
  });

  test('partial_success: ok with the rejected count, counted, logged once for the batch', async () => {
    for (const encoding of ['protobuf', 'json'] as const) {
      answer = encoding === 'protobuf'
        ? (res) => { res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(encodeExportResponseProto(2, 'two too old')); }
        : (res) => { res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ partialSuccess: { rejectedLogRecords: '2', errorMessage: 'two too old' } })); };
      const { exporter, settings } = await exporterFor({ encoding });
      const result = await exporter.send(makeBatch(5), signal);
      assert.deepEqual(result, { outcome: 'ok', acceptedRecords: 3, rejectedRecords: 2, message: 'two too old' }, encoding);
      assert.equal(settings.meter.values.get('fleetlog_exporter_otlp_http_rejected_records_total'), 2);
      assert.equal(settings.logger.entries.filter((e) => e.level === 'warn').length, 1);
    }
  });

  test('answers: 429/502/503/504/408 retry (Retry-After in seconds or as a date); other statuses drop with the server\'s message', async () => {
    const { exporter, settings } = await exporterFor({});
    const cases: Array<{ status: number; headers?: Record<string, string>; body?: Buffer; expect: Record<string, unknown> }> = [
      { status: 429, headers: { 'retry-after': '7' }, expect: { outcome: 'retry', reason: 'HTTP 429', retryAfterMs: 7000 } },
      { status: 503, headers: { 'retry-after': new Date(Date.now() + 60_000).toUTCString() }, expect: { outcome: 'retry', reason: 'HTTP 503' } },
      { status: 502, expect: { outcome: 'retry', reason: 'HTTP 502' } },
      { status: 504, expect: { outcome: 'retry', reason: 'HTTP 504' } },
      { status: 408, expect: { outcome: 'retry', reason: 'HTTP 408' } },
      { status: 400, headers: { 'content-type': 'application/x-protobuf' }, body: encodeStatusProto(3, 'bad severity'), expect: { outcome: 'drop', reason: 'HTTP 400: bad severity' } },
      { status: 401, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"code":16,"message":"unknown device key"}'), expect: { outcome: 'drop', reason: 'HTTP 401: unknown device key' } },
      { status: 413, expect: { outcome: 'drop', reason: 'HTTP 413' } },
      { status: 404, headers: { 'content-type': 'text/plain' }, body: Buffer.from('no such route'), expect: { outcome: 'drop', reason: 'HTTP 404: no such route' } },
      { status: 500, expect: { outcome: 'drop', reason: 'HTTP 500' } },
    ];
    for (const c of cases) {
      answer = (res) => { res.writeHead(c.status, c.headers ?? {}).end(c.body ?? ''); };
      const result = await exporter.send(makeBatch(1), signal) as unknown as Record<string, unknown>;
      if (c.status === 503) {
        const wait = result.retryAfterMs as number;
        assert.ok(wait > 55_000 && wait <= 60_000, `503 Retry-After date → ${wait} ms`);
        delete result.retryAfterMs;
      }
      assert.deepEqual(result, c.expect, `HTTP ${c.status}`);
    }
    answer = (res) => { res.writeHead(200).end(); };
    assert.equal((await exporter.send(makeBatch(1), signal)).outcome, 'ok');
    assert.deepEqual(settings.statuses, ['recoverable_error', 'ok'], 'one status change per failure run');
    assert.equal(settings.logger.entries.filter((e) => e.message.startsWith('Sending to the OTLP endpoint failed')).length, 1);
  });

  test('Retry-After parsing: seconds, dates, past dates, garbage, a cap', () => {
    const now = Date.parse('2026-01-22T14:30:00Z');
    assert.equal(parseRetryAfterMs('120', now), 120_000);
    assert.equal(parseRetryAfterMs('Thu, 22 Jan 2026 14:30:30 GMT', now), 30_000);
    assert.equal(parseRetryAfterMs('Thu, 22 Jan 2026 14:00:00 GMT', now), 0);
    assert.equal(parseRetryAfterMs('soon', now), undefined);
    assert.equal(parseRetryAfterMs(undefined, now), undefined);
    assert.equal(parseRetryAfterMs('999999', now), 15 * 60_000);
  });

  test('network failures retry: connection refused, no answer within the timeout, aborted by the host', async () => {
    const closed = createHttpServer();
    const closedHost = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await exporterFor({ endpoint: `http://${closedHost}` });
    const r1 = await refused.exporter.send(makeBatch(1), signal);
    assert.equal(r1.outcome, 'retry');
    assert.match((r1 as { reason: string }).reason, /ECONNREFUSED/);

    answer = () => { /* never answers */ };
    const slow = await exporterFor({ timeout: '150ms' });
    const r2 = await slow.exporter.send(makeBatch(1), signal);
    assert.deepEqual(r2, { outcome: 'retry', reason: `${endpoint}: no answer within 150 ms` });

    const controller = new AbortController();
    const sending = slow.exporter.send(makeBatch(1), controller.signal);
    setTimeout(() => controller.abort(), 20);
    assert.deepEqual(await sending, { outcome: 'retry', reason: `${endpoint}: aborted` });
    httpServer.closeAllConnections();
  });

  test('a kept-alive connection the server dropped is replaced: the batch goes out on a new one', async () => {
    // A raw TCP server: answers the first request of each connection and then, on the second request of the
    // first connection, closes it without answering (the race with a server's idle timeout, made certain).
    let connections = 0;
    const raw = createNetServer((socket) => {
      connections += 1;
      const connection = connections;
      let requests = 0;
      let buffered = '';
      socket.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('latin1');
        for (;;) {
          const headerEnd = buffered.indexOf('\r\n\r\n');
          if (headerEnd === -1) return;
          const length = Number(/content-length: (\d+)/i.exec(buffered.slice(0, headerEnd))?.[1] ?? 0);
          if (buffered.length < headerEnd + 4 + length) return;
          buffered = buffered.slice(headerEnd + 4 + length);
          requests += 1;
          if (connection === 1 && requests === 2) {
            socket.destroy();
            return;
          }
          socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\nconnection: keep-alive\r\n\r\n');
        }
      });
    });
    const rawHost = await listen(raw as unknown as Server);
    try {
      const { exporter } = await exporterFor({ endpoint: `http://${rawHost}` });
      assert.equal((await exporter.send(makeBatch(1), signal)).outcome, 'ok');
      assert.equal((await exporter.send(makeBatch(1), signal)).outcome, 'ok', 'sent again on a new connection');
      assert.equal(connections, 2);
    } finally {
      raw.close();
    }
  });

  test('after shutdown send() answers retry, and shutdown is idempotent', async () => {
    const { exporter } = await exporterFor({});
    await exporter.shutdown();
    await exporter.shutdown();
    assert.equal((await exporter.send(makeBatch(1), signal)).outcome, 'retry');
  });
});

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
describe('otlp_http exporter over TLS', { skip: hasOpenssl ? false : 'openssl is not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlog-otlp-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  let tlsEndpoint = '';
  let server: Server | undefined;
  before(async () => {
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    assert.equal(made.status, 0, 'openssl made a certificate');
    // The same certificate is the server's and, for mutual TLS, the only client certificate the server trusts.
    server = createHttpsServer({ cert: readFileSync(cert), key: readFileSync(key), ca: readFileSync(cert), requestCert: true, rejectUnauthorized: true }, handler);
    tlsEndpoint = `https://${await listen(server)}`;
  });
  after(() => {
    server?.closeAllConnections();
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('ca_file + client certificate: delivered; no client certificate or an untrusted server: retried', async () => {
    answer = (res) => { res.writeHead(200).end(); };
    received.length = 0;
    const mutual = await exporterFor({ endpoint: tlsEndpoint, tls: { ca_file: cert, cert_file: cert, key_file: key } });
    assert.equal((await mutual.exporter.send(makeBatch(3), signal)).outcome, 'ok');
    assert.equal(received[0]?.batches[0]?.records.length, 3);

    const noClientCert = await exporterFor({ endpoint: tlsEndpoint, tls: { ca_file: cert } });
    assert.equal((await noClientCert.exporter.send(makeBatch(1), signal)).outcome, 'retry');

    const untrusted = await exporterFor({ endpoint: tlsEndpoint, tls: { cert_file: cert, key_file: key } });
    const r = await untrusted.exporter.send(makeBatch(1), signal);
    assert.equal(r.outcome, 'retry');
    assert.match((r as { reason: string }).reason, /self.signed|SELF_SIGNED/i);

    const skipVerify = await exporterFor({ endpoint: tlsEndpoint, tls: { cert_file: cert, key_file: key, insecure_skip_verify: true } });
    assert.equal((await skipVerify.exporter.send(makeBatch(1), signal)).outcome, 'ok');
  });

  test('a missing TLS file fails start()', async () => {
    const settings = createNopSettings('exporter', 'otlp_http/missing');
    const exporter = factory.create(settings, configFor<OtlpHttpConfig>(factory, { endpoint: tlsEndpoint, tls: { ca_file: join(dir, 'nope.pem') } }));
    await assert.rejects(exporter.start(), /ENOENT/);
    await exporter.shutdown();
    settings.cleanup();
  });
});
