import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { encodeExportResponseProto } from '../../../backend/ingest/otlp-response.js';
import { makeBatch } from '../../../collector/testkit/index.js';
import { decodeResponse } from './decode-response.js';
import { BodyEncoder, bodyHeaders } from './encode.js';
import { encodeLogsRequestProto } from './protobuf-encoder.js';

// A child process, because this test's own imports may load otlp-transformer. An ES import of a CommonJS package
// goes through require's cache, which therefore shows whether the package was loaded.
function transformerLoadedAfter(encoding: 'protobuf' | 'json'): boolean {
  const script = `
    import { createRequire } from 'node:module';
    import { BodyEncoder } from './encode.ts';
    import { makeBatch } from '../../../collector/testkit/index.ts';
    await new BodyEncoder({ encoding: '${encoding}', compression: 'gzip', compressionLevel: 1 }).encode(makeBatch(3));
    const loaded = Object.keys(createRequire(import.meta.url).cache).some((p) => p.includes('otlp-transformer'));
    process.stdout.write(String(loaded));`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: import.meta.dirname, encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  return child.stdout.trim() === 'true';
}

test('a protobuf request does not load @opentelemetry/otlp-transformer; a JSON one loads it on first use', () => {
  assert.equal(transformerLoadedAfter('protobuf'), false);
  assert.equal(transformerLoadedAfter('json'), true);
});

test('decodeResponse: protobuf and JSON partial_success; empty or unreadable bodies give {}', () => {
  assert.deepEqual(decodeResponse(encodeExportResponseProto(2, 'two too old'), 'application/x-protobuf'),
    { partialSuccess: { rejectedLogRecords: 2, errorMessage: 'two too old' } });
  assert.deepEqual(decodeResponse(encodeExportResponseProto(300, ''), 'application/x-protobuf'), { partialSuccess: { rejectedLogRecords: 300 } });
  assert.deepEqual(decodeResponse(Buffer.from('{"partialSuccess":{"rejectedLogRecords":"4","errorMessage":"x"}}'), 'application/json'),
    { partialSuccess: { rejectedLogRecords: '4', errorMessage: 'x' } });
  assert.deepEqual(decodeResponse(Buffer.alloc(0), 'application/x-protobuf'), {});
  assert.deepEqual(decodeResponse(Buffer.from([0x0a, 0x05, 0x08]), 'application/x-protobuf'), {}, 'truncated');
  assert.deepEqual(decodeResponse(Buffer.from('{oops'), 'application/json'), {});
});

test('gzip at compression_level: every level gives the same request back; a higher one fewer bytes here', async () => {
  const batch = makeBatch(500);
  const raw = await new BodyEncoder({ encoding: 'protobuf', compression: 'none', compressionLevel: 1 }).encode(batch);
  const sizes: number[] = [];
  for (const compressionLevel of [1, 6, 9]) {
    const body = await new BodyEncoder({ encoding: 'protobuf', compression: 'gzip', compressionLevel }).encode(batch);
    assert.deepEqual(gunzipSync(body), raw);
    sizes.push(body.length);
  }
  assert.ok(sizes[0]! > sizes[1]! && sizes[1]! >= sizes[2]!, `sizes at levels 1, 6, 9: ${sizes.join(', ')}`);
});

test('content headers: protobuf or JSON, content-encoding only with gzip', () => {
  assert.deepEqual(bodyHeaders({ encoding: 'protobuf', compression: 'gzip', compressionLevel: 1 }), { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
  assert.deepEqual(bodyHeaders({ encoding: 'json', compression: 'none', compressionLevel: 1 }), { 'content-type': 'application/json' });
});

test('one encoder, request after request (its protobuf buffer reused): each body is its own batch\'s', async () => {
  const encoder = new BodyEncoder({ encoding: 'protobuf', compression: 'gzip', compressionLevel: 1 });
  const batches = [makeBatch(2000), makeBatch(3), { resource: {}, records: [] }, makeBatch(40)];
  const bodies = [];
  for (const batch of batches) bodies.push(await encoder.encode(batch));
  bodies.forEach((body, i) => assert.deepEqual(gunzipSync(body), encodeLogsRequestProto(batches[i]!)));
});
