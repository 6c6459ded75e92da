// Device API keys: `flk_<id>_<secret>`. The id is public (listed, revoked by), the secret is 256 random bits and
// only its SHA-256 is stored (a random secret needs no slow hash). One key belongs to one machine; a machine has
// at most two active keys, so a new key can be rolled out before the old one is revoked.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../errors.js';
import type { KeyRow, Store } from '../store/store.js';

export const MAX_ACTIVE_KEYS_PER_MACHINE = 2;
const KEY_PATTERN = /^flk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface DeviceIdentity {
  readonly keyId: string;
  readonly machineId: string;
  readonly site: string;
}

export interface CreatedKey {
  readonly keyId: string;
  readonly machineId: string;
  readonly site: string;
  /** The full key: shown once, never stored. */
  readonly key: string;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function parseKey(key: string): { keyId: string; secret: string } | undefined {
  const match = KEY_PATTERN.exec(key.trim());
  return match ? { keyId: match[1]!, secret: match[2]! } : undefined;
}

export class DeviceKeys {
  readonly #store: Store;
  readonly #cacheMs: number;
  readonly #cache = new Map<string, { row: KeyRow | undefined; until: number }>();
  readonly #lookups = new Map<string, Promise<KeyRow | undefined>>();

  /** `cacheMs`: how long a looked-up key is trusted without asking the store (revocation takes effect within it). */
  constructor(store: Store, options: { cacheMs?: number } = {}) {
    this.#store = store;
    this.#cacheMs = options.cacheMs ?? 5_000;
  }

  async create(machineId: string, site?: string): Promise<CreatedKey> {
    if (!/^[\w.:-]{1,128}$/.test(machineId)) {
      throw new ApiError('FLEETLOG_ERR_BAD_REQUEST', `machine id '${machineId}' must be 1–128 letters, digits, '_', '-', '.', ':'`);
    }
    const active = await this.#store.keys({ machineId, activeOnly: true });
    if (active.length >= MAX_ACTIVE_KEYS_PER_MACHINE) {
      throw new ApiError('FLEETLOG_ERR_KEY_LIMIT',
        `machine ${machineId} already has ${active.length} active keys (${active.map((k) => k.key_id).join(', ')}); revoke one first: fleetlog keys revoke --id ID`);
    }
    await this.#store.upsertMachine({ machineId, ...(site !== undefined ? { site } : {}) });
    const machine = await this.#store.machine(machineId);
    const keyId = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const effectiveSite = site ?? machine?.site ?? '';
    await this.#store.insertKey({ keyId, keyHash: hashSecret(secret), machineId, site: effectiveSite });
    return { keyId, machineId, site: effectiveSite, key: `flk_${keyId}_${secret}` };
  }

  list(): Promise<KeyRow[]> {
    return this.#store.keys();
  }

  async revoke(keyId: string): Promise<boolean> {
    this.#cache.delete(keyId);
    this.#lookups.delete(keyId); // a lookup running now must not cache the row from before the revocation
    const revoked = await this.#store.revokeKey(keyId);
    this.#cache.delete(keyId);
    return revoked;
  }

  /**
   * The key's row, from the cache or the store. Requests that miss the cache at the same moment (a fleet sending
   * after the backend restarted) share one store lookup instead of queueing one each in front of the inserts.
   */
  async #row(keyId: string): Promise<KeyRow | undefined> {
    const cached = this.#cache.get(keyId);
    if (cached && cached.until >= Date.now()) return cached.row;
    let lookup = this.#lookups.get(keyId);
    if (!lookup) {
      lookup = this.#store.keys({ keyId }).then(([row]) => {
        if (this.#lookups.get(keyId) === lookup) {
          if (this.#cache.size > 10_000) this.#cache.clear();
          this.#cache.set(keyId, { row, until: Date.now() + this.#cacheMs });
        }
        return row;
      }).finally(() => {
        if (this.#lookups.get(keyId) === lookup) this.#lookups.delete(keyId);
      });
      this.#lookups.set(keyId, lookup);
    }
    return lookup;
  }

  /** The machine a bearer key belongs to; throws 401 for a missing, malformed, unknown or revoked key. */
  async verify(authorization: string | undefined): Promise<DeviceIdentity> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) throw new ApiError('FLEETLOG_ERR_UNAUTHENTICATED', 'send the device key as Authorization: Bearer <key>');
    const parsed = parseKey(match[1]!);
    if (!parsed) throw new ApiError('FLEETLOG_ERR_UNAUTHENTICATED', 'the device key is malformed (expected flk_<id>_<secret>)');
    const row = await this.#row(parsed.keyId);
    const expected = Buffer.from(row?.key_hash ?? '0'.repeat(64), 'hex');
    const actual = Buffer.from(hashSecret(parsed.secret), 'hex');
    if (!row || expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
      throw new ApiError('FLEETLOG_ERR_UNAUTHENTICATED', 'unknown device key');
    }
    if (row.revoked_at_ms !== '0') throw new ApiError('FLEETLOG_ERR_UNAUTHENTICATED', `device key ${row.key_id} was revoked`);
    return { keyId: row.key_id, machineId: row.machine_id, site: row.site };
  }
}
