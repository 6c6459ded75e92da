// The bad-input table: each malformed request gets its documented status and code, and the server keeps serving.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { otlpBodies } from '../testing/otlp-fixtures.js';
import { startTempBackend, type TempBackend } from '../testing/temp-backend.js';

let b: TempBackend;
let key: string;
let proto: Buffer;
let json: Buffer;

before(async () => {
  b = await startTempBackend();
  key = await b.key('BAD01');
  ({ proto, json } = await otlpBodies({ 'device.id': 'BAD01' }, [{ body: 'fine record', attributes: { component: 'x' } }]));
});
after(async () => { await b.stop(); });

interface Case {
  readonly name: string;
  readonly path: string;
  readonly type: string;
  readonly body: () => Buffer | string;
  readonly encoding?: string;
  readonly status: number;
  readonly code: string | undefined;
}

const PROTO = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

const CASES: Case[] = [
  { name: 'truncated protobuf', path: '/v1/logs', type: PROTO, body: () => proto.subarray(0, proto.length - 5), status: 400, code: 'FLEETLOG_ERR_BAD_REQUEST' },
  { name: 'protobuf with an impossible wire type', path: '/v1/logs', type: PROTO, body: () => Buffer.from([0x0f, 0x01]), status: 400, code: 'FLEETLOG_ERR_BAD_REQUEST' },
  { name: 'wrong content type', path: '/v1/logs', type: 'text/plain', body: () => 'hello', status: 415, code: 'FLEETLOG_ERR_UNSUPPORTED_MEDIA_TYPE' },
  { name: 'no content type', path: '/v1/logs', type: '', body: () => proto, status: 415, code: 'FLEETLOG_ERR_UNSUPPORTED_MEDIA_TYPE' },
  { name: 'unsupported content encoding', path: '/v1/logs', type: PROTO, encoding: 'br', body: () => proto, status: 415, code: 'FLEETLOG_ERR_UNSUPPORTED_MEDIA_TYPE' },
  { name: 'gzip bomb (100 MiB of zeros)', path: '/v1/logs', type: PROTO, encoding: 'gzip', body: () => gzipSync(Buffer.alloc(100 * 1024 * 1024)), status: 413, code: 'FLEETLOG_ERR_PAYLOAD_TOO_LARGE' },
  { name: 'corrupt gzip', path: '/v1/logs', type: PROTO, encoding: 'gzip', body: () => Buffer.from('not gzip at all'), status: 400, code: 'FLEETLOG_ERR_BAD_REQUEST' },
  { name: '10 MB body', path: '/v1/logs', type: PROTO, body: () => Buffer.alloc(10 * 1024 * 1024, 1), status: 413, code: 'FLEETLOG_ERR_PAYLOAD_TOO_LARGE' },
  { name: 'not JSON', path: '/v1/logs', type: JSON_TYPE, body: () => '{"resourceLogs": [', status: 400, code: 'FLEETLOG_ERR_BAD_REQUEST' },
  { name: 'OTLP JSON with wrong types', path: '/v1/logs', type: JSON_TYPE, body: () => JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ severityNumber: 'loud', timeUnixNano: true }] }] }] }), status: 400, code: 'FLEETLOG_ERR_BAD_REQUEST' },
  { name: 'OTLP JSON with unknown fields (ignored, as the OTLP spec requires)', path: '/v1/logs', type: JSON_TYPE, body: () => JSON.stringify({ ...JSON.parse(json.toString()), futureField: 1 }), status: 200, code: undefined },
  { name: 'PRD JSON with wrong types', path: '/api/logs', type: JSON_TYPE, body: () => JSON.stringify({ machine_id: 'BAD01', logs: [{ message: 42 }] }), status: 400, code: 'FLEETLOG_ERR_BAD_REQUEST' },
  { name: 'PRD JSON with an unknown field', path: '/api/logs', type: JSON_TYPE, body: () => JSON.stringify({ machine_id: 'BAD01', logs: [{ message: 'x', colour: 'red' }] }), status: 400, code: 'FLEETLOG_ERR_BAD_REQUEST' },
  { name: 'PRD JSON with a bad level', path: '/api/logs', type: JSON_TYPE, body: () => JSON.stringify({ machine_id: 'BAD01', logs: [{ message: 'x', level: 'LOUD' }] }), status: 400, code: 'FLEETLOG_ERR_BAD_REQUEST' },
  { name: 'PRD JSON, 10 MB body', path: '/api/logs', type: JSON_TYPE, body: () => JSON.stringify({ machine_id: 'BAD01', logs: [{ message: 'x'.repeat(10 * 1024 * 1024) }] }), status: 413, code: 'FLEETLOG_ERR_PAYLOAD_TOO_LARGE' },
];

test('bad-input table: documented status and code for each, and the server keeps serving', async () => {
  for (const c of CASES) {
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (c.type) headers['content-type'] = c.type;
    if (c.encoding) headers['content-encoding'] = c.encoding;
    const res = await fetch(`${b.url}${c.path}`, { method: 'POST', headers, body: c.body() });
    assert.equal(res.status, c.status, c.name);
    if (c.code !== undefined) {
      if (c.path === '/v1/logs') assert.equal(res.headers.get('x-fleetlog-error-code'), c.code, c.name);
      if (res.headers.get('content-type')?.startsWith('application/json')) {
        const body = await res.json() as { error: { code: string; message: string } };
        assert.equal(body.error.code, c.code, c.name);
        assert.ok(body.error.message.length > 0, c.name);
      } else {
        const bytes = Buffer.from(await res.arrayBuffer());
        assert.ok(bytes.toString('utf8').includes(c.code), `${c.name}: Status message names the code`);
      }
    } else {
      await res.arrayBuffer();
    }
    const health = await fetch(`${b.url}/healthz`);
    assert.equal(health.status, 200, `still serving after: ${c.name}`);
    await health.arrayBuffer();
  }
  const ok = await fetch(`${b.url}/v1/logs`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': PROTO }, body: proto });
  assert.equal(ok.status, 200);
});
