// Device keys over a real embedded store: concurrent requests that miss the cache share one store lookup, and a
// revocation is not undone by a lookup that was running when it happened.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openTempStore, type TempStore } from '../testing/temp-store.js';
import { DeviceKeys } from './device-keys.js';

let temp: TempStore;
before(async () => { temp = await openTempStore(); });
after(async () => { await temp.close(); });

function countKeyLookups(): { readonly count: number } {
  const store = temp.store;
  const keys = store.keys.bind(store);
  const counter = { count: 0 };
  store.keys = (filter) => {
    if (filter?.keyId !== undefined) counter.count += 1;
    return keys(filter);
  };
  return counter;
}

test('50 concurrent requests with one uncached key: one store lookup, all verified', async () => {
  const keys = new DeviceKeys(temp.store);
  const created = await keys.create('DK1', 'north');
  const lookups = countKeyLookups();
  const identities = await Promise.all(Array.from({ length: 50 }, () => keys.verify(`Bearer ${created.key}`)));
  assert.ok(identities.every((i) => i.machineId === 'DK1' && i.site === 'north'));
  assert.equal(lookups.count, 1);
  await assert.rejects(keys.verify(`Bearer ${created.key.slice(0, -2)}xx`), { code: 'FLEETLOG_ERR_UNAUTHENTICATED' });
});

test('a key revoked while a lookup of it runs is refused at once afterwards', async () => {
  const keys = new DeviceKeys(temp.store, { cacheMs: 60_000 });
  const created = await keys.create('DK2');
  const running = keys.verify(`Bearer ${created.key}`);
  assert.equal(await keys.revoke(created.keyId), true);
  await running.catch(() => undefined); // either answer is right for a request racing the revocation
  await assert.rejects(keys.verify(`Bearer ${created.key}`), /revoked/);
});
