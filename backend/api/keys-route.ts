// Device keys over HTTP (admin token): what `fleetlog keys …` does when the embedded store is held by the running
// backend (chDB allows one process per data folder), and what a provisioning script can call.
//   POST   /api/keys      {"machine_id": "VM001", "site": "north"} → 201 {"id", "machine_id", "site", "key"}
//   GET    /api/keys      → {"keys": [{"id", "machine_id", "site", "created_at", "revoked_at"}]}
//   DELETE /api/keys/:id  → {"id", "revoked": true}
import type { Request, Response } from 'express';
import type { ValidateFunction } from 'ajv';
import { createAjv } from '../../collector/config/ajv.js';
import type { DeviceKeys } from '../auth/device-keys.js';
import { ApiError } from '../errors.js';
import { mediaType, readBody } from '../ingest/read-body.js';
import type { KeyRow } from '../store/store.js';

const CREATE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['machine_id'],
  properties: { machine_id: { type: 'string', minLength: 1, maxLength: 128 }, site: { type: 'string', maxLength: 128 } },
} as const;
let validateCreate: ValidateFunction | undefined;

export function keyView(k: KeyRow): Record<string, unknown> {
  return {
    id: k.key_id, machine_id: k.machine_id, site: k.site, created_at: k.created_at,
    revoked_at: k.revoked_at_ms === '0' ? null : new Date(Number(k.revoked_at_ms)).toISOString(),
  };
}

export function createKeyHandler(keys: DeviceKeys): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    if (mediaType(req) !== 'application/json') {
      req.resume();
      throw new ApiError('FLEETLOG_ERR_UNSUPPORTED_MEDIA_TYPE', 'send application/json');
    }
    const body = await readBody(req, { maxBodyBytes: 64 * 1024, maxDecompressedBytes: 64 * 1024 });
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new ApiError('FLEETLOG_ERR_BAD_REQUEST', 'the body is not JSON');
    }
    validateCreate ??= createAjv().compile(CREATE_SCHEMA as unknown as Record<string, unknown>);
    if (!validateCreate(parsed)) {
      const e = validateCreate.errors?.[0];
      throw new ApiError('FLEETLOG_ERR_BAD_REQUEST', `invalid body: ${e?.instancePath || '(body)'} ${e?.message ?? 'is invalid'}`);
    }
    const { machine_id: machineId, site } = parsed as { machine_id: string; site?: string };
    const created = await keys.create(machineId, site);
    res.status(201).json({ id: created.keyId, machine_id: created.machineId, site: created.site, key: created.key });
  };
}

export function listKeysHandler(keys: DeviceKeys): (req: Request, res: Response) => Promise<void> {
  return async (_req, res) => {
    res.json({ keys: (await keys.list()).map(keyView) });
  };
}

export function revokeKeyHandler(keys: DeviceKeys): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    const id = String(req.params.id ?? '');
    if (!(await keys.revoke(id))) throw new ApiError('FLEETLOG_ERR_NOT_FOUND', `no key with id ${id}`);
    res.json({ id, revoked: true });
  };
}
