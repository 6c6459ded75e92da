// POST /api/eport/payloads — for an FTP or e-mail bridge that forwards ePort payloads: the body is one payload as
// received (application/octet-stream, or text/plain for compact lines). Auth: a bridge key (any machine) or a
// device key (only its own machine's payloads). Optional query: `name` (the forwarded file's name, which carries
// boot id and sequence for compact payloads without a meta line) and `received` (ISO time, for the year of compact
// lines; default now). Answers 200 {outcome: stored|duplicate, machine, accepted}; a payload that cannot be read
// answers 400 FLEETLOG_ERR_BAD_REQUEST with the reason and is kept in the rejected folder when one is configured.
import { timingSafeEqual, createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Request, Response } from 'express';
import { ApiError } from '../errors.js';
import type { IngestDeps } from './ingest-deps.js';
import { mediaType, readBody } from './read-body.js';
import { parseDropFileName } from '../../eport/sim/drop-folder.js';
import type { EportIngest } from './eport-ingest.js';
import { verifyDevice } from './verify-device.js';

export interface EportRouteOptions {
  /** Keys of FTP/e-mail bridges, allowed to post payloads of any machine. */
  bridgeKeys: readonly string[];
  /** Where unreadable payloads are kept with their reason; undefined = not kept. */
  rejectedDir?: string;
}

function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function eportPayloadsHandler(deps: IngestDeps, ingest: EportIngest, options: EportRouteOptions): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    const type = mediaType(req);
    if (type !== 'application/octet-stream' && type !== 'text/plain') {
      req.resume();
      throw new ApiError('FLEETLOG_ERR_UNSUPPORTED_MEDIA_TYPE', `Content-Type '${type || '(none)'}' is not supported: use application/octet-stream (or text/plain for compact lines)`);
    }
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    let machine: string | undefined;
    if (bearer === undefined || !options.bridgeKeys.some((k) => sameSecret(k, bearer))) {
      machine = (await verifyDevice(req, deps.keys)).machineId;
    }
    const name = typeof req.query.name === 'string' ? req.query.name : undefined;
    const receivedText = typeof req.query.received === 'string' ? req.query.received : undefined;
    const receivedAtMs = receivedText === undefined ? deps.now() : Date.parse(receivedText);
    if (!Number.isFinite(receivedAtMs)) {
      req.resume();
      throw new ApiError('FLEETLOG_ERR_BAD_REQUEST', `received=${JSON.stringify(receivedText)} is not an ISO-8601 time`);
    }
    const body = await readBody(req, deps.ingest);
    const fromName = name === undefined ? undefined : parseDropFileName(name);
    const result = await ingest.ingest(body, {
      receivedAtMs,
      ...(machine !== undefined ? { machine } : {}),
      ...(fromName ? { fallbackId: { bootId: fromName.bootId, sequence: fromName.sequence } } : {}),
    });
    if (result.outcome === 'rejected') {
      deps.metrics.add('fleetlog_backend_refused_records_total', { reason: 'eport_payload' }, 1);
      if (options.rejectedDir !== undefined) {
        const file = `${new Date(receivedAtMs).toISOString().replace(/[:.]/g, '-')}_${randomBytes(4).toString('hex')}.eport`;
        await mkdir(options.rejectedDir, { recursive: true });
        await writeFile(join(options.rejectedDir, file), body);
        await writeFile(join(options.rejectedDir, `${file}.reason.txt`), `FLEETLOG_ERR_EPORT_PAYLOAD: ${result.reason}\n`);
      }
      if (machine !== undefined && result.reason.includes('the key belongs to')) throw new ApiError('FLEETLOG_ERR_FORBIDDEN', result.reason);
      throw new ApiError('FLEETLOG_ERR_BAD_REQUEST', `ePort payload rejected: ${result.reason}`);
    }
    if (result.outcome === 'stored') {
      deps.metrics.add('fleetlog_backend_received_records_total', { source: 'eport' }, result.accepted + result.rejected);
      deps.metrics.add('fleetlog_backend_accepted_records_total', { source: 'eport' }, result.accepted);
    }
    res.status(200).json({ outcome: result.outcome, machine: result.machine, accepted: result.outcome === 'stored' ? result.accepted : 0 });
  };
}
