// `fleetlog keys create|list|revoke --config FILE …`: device API keys in the configured store. The embedded
// store is locked while a backend runs on it (FLEETLOG_ERR_STORE_LOCKED): stop it first.
import type { Command, CommandIo } from '../../collector/cli/command.js';
import { errorMessage } from '../../collector/component/errors.js';
import { DeviceKeys } from '../auth/device-keys.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { parseArgs } from './args.js';
import { loadConfigFor } from './load-config.js';

async function withStore(name: string, args: readonly string[], io: CommandIo, valueOptions: string[], work: (store: Store, options: Record<string, string | true>) => Promise<number>): Promise<number> {
  const parsed = parseArgs(args, ['config', ...valueOptions], ['json']);
  if (typeof parsed === 'string' || typeof parsed.options.config !== 'string') {
    io.stderr.write(`fleetlog ${name}: ${typeof parsed === 'string' ? parsed : '--config FILE is required'}\n`);
    return 2;
  }
  const config = loadConfigFor(parsed.options.config, io);
  if (!config) return 1;
  let store: Store | undefined;
  try {
    store = await openStore(config.storage);
    return await work(store, parsed.options);
  } catch (error) {
    const code = (error as { code?: string }).code;
    io.stderr.write(`fleetlog ${name}: ${errorMessage(error)}${code ? ` [${code}]` : ''}\n`);
    return 1;
  } finally {
    await store?.close();
  }
}

export const keysCreateCommand: Command = {
  name: 'keys create',
  summary: 'Create a device API key for a machine (registers the machine); prints the key on its last line',
  help: [
    'Usage: fleetlog keys create --config FILE --machine ID [--site SITE]',
    '',
    'A machine may have two active keys (rotate: create, deploy, then revoke the old one). The key is shown',
    'once, alone on the last line of the output; only its hash is stored.',
    '',
    'Example: KEY=$(fleetlog keys create --config configs/backend.yaml --machine VM001 --site north | tail -n 1)',
  ].join('\n'),
  run: (args, io) => withStore('keys create', args, io, ['machine', 'site'], async (store, options) => {
    if (typeof options.machine !== 'string') {
      io.stderr.write('fleetlog keys create: --machine ID is required\n');
      return 2;
    }
    const created = await new DeviceKeys(store).create(options.machine, typeof options.site === 'string' ? options.site : undefined);
    io.stdout.write(`created key ${created.keyId} for machine ${created.machineId}${created.site ? ` (site ${created.site})` : ''}\n`);
    io.stdout.write('store it on the device now (Authorization: Bearer <key>); it is not shown again:\n');
    io.stdout.write(`${created.key}\n`);
    return 0;
  }),
};

export const keysListCommand: Command = {
  name: 'keys list',
  summary: 'List device API keys (id, machine, site, created, revoked)',
  help: 'Usage: fleetlog keys list --config FILE [--json]\n\nSecrets are never shown (only their hashes are stored).',
  run: (args, io) => withStore('keys list', args, io, [], async (store, options) => {
    const keys = await new DeviceKeys(store).list();
    if (options.json === true) {
      for (const k of keys) {
        io.stdout.write(`${JSON.stringify({ id: k.key_id, machine_id: k.machine_id, site: k.site, created_at: k.created_at, revoked_at: k.revoked_at_ms === '0' ? null : new Date(Number(k.revoked_at_ms)).toISOString() })}\n`);
      }
      return 0;
    }
    io.stdout.write(`${'ID'.padEnd(18)}${'MACHINE'.padEnd(16)}${'SITE'.padEnd(12)}${'CREATED'.padEnd(26)}STATE\n`);
    for (const k of keys) {
      const state = k.revoked_at_ms === '0' ? 'active' : `revoked ${new Date(Number(k.revoked_at_ms)).toISOString()}`;
      io.stdout.write(`${k.key_id.padEnd(18)}${k.machine_id.padEnd(16)}${(k.site || '-').padEnd(12)}${k.created_at.padEnd(26)}${state}\n`);
    }
    return 0;
  }),
};

export const keysRevokeCommand: Command = {
  name: 'keys revoke',
  summary: 'Revoke a device API key by id',
  help: 'Usage: fleetlog keys revoke --config FILE --id ID\n\nA running backend stops accepting the key within 5 seconds.',
  run: (args, io) => withStore('keys revoke', args, io, ['id'], async (store, options) => {
    if (typeof options.id !== 'string') {
      io.stderr.write('fleetlog keys revoke: --id ID is required\n');
      return 2;
    }
    if (!(await new DeviceKeys(store).revoke(options.id))) {
      io.stderr.write(`fleetlog keys revoke: no key with id ${options.id}\n`);
      return 1;
    }
    io.stdout.write(`revoked key ${options.id}\n`);
    return 0;
  }),
};
