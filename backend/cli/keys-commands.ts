// `fleetlog keys create|list|revoke --config FILE …`: device API keys. They work on the configured store; when the
// embedded store is held by a running backend (FLEETLOG_ERR_STORE_LOCKED) and an admin token is set
// (FLEETLOG_ADMIN_TOKEN or api.admin_token), they go through that backend's /api/keys instead.
import type { Command, CommandIo } from '../../collector/cli/command.js';
import { errorMessage } from '../../collector/component/errors.js';
import { isApiError } from '../errors.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { parseArgs } from './args.js';
import { backendUrl, httpKeyOps, storeKeyOps, type KeyOps } from './key-ops.js';
import { loadConfigFor } from './load-config.js';

async function withKeyOps(name: string, args: readonly string[], io: CommandIo, valueOptions: string[], work: (ops: KeyOps, options: Record<string, string | true>) => Promise<number>): Promise<number> {
  const parsed = parseArgs(args, ['config', ...valueOptions], ['json']);
  if (typeof parsed === 'string' || typeof parsed.options.config !== 'string') {
    io.stderr.write(`fleetlog ${name}: ${typeof parsed === 'string' ? parsed : '--config FILE is required'}\n`);
    return 2;
  }
  const config = loadConfigFor(parsed.options.config, io);
  if (!config) return 1;
  let store: Store | undefined;
  try {
    let ops: KeyOps;
    try {
      store = await openStore(config.storage);
      ops = storeKeyOps(store);
    } catch (error) {
      if (!(isApiError(error) && error.code === 'FLEETLOG_ERR_STORE_LOCKED' && config.adminToken)) throw error;
      ops = httpKeyOps(backendUrl(config), config.adminToken);
    }
    return await work(ops, parsed.options);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const hint = isApiError(error) && error.code === 'FLEETLOG_ERR_STORE_LOCKED' ? ' (set FLEETLOG_ADMIN_TOKEN to go through the running backend)' : '';
    io.stderr.write(`fleetlog ${name}: ${errorMessage(error)}${hint}${code ? ` [${code}]` : ''}\n`);
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
    'once, alone on the last line of the output; only its hash is stored. While a backend runs on an embedded',
    'store, set FLEETLOG_ADMIN_TOKEN and the command goes through that backend.',
    '',
    'Example: KEY=$(fleetlog keys create --config configs/backend.yaml --machine VM001 --site north | tail -n 1)',
  ].join('\n'),
  run: (args, io) => withKeyOps('keys create', args, io, ['machine', 'site'], async (ops, options) => {
    if (typeof options.machine !== 'string') {
      io.stderr.write('fleetlog keys create: --machine ID is required\n');
      return 2;
    }
    const created = await ops.create(options.machine, typeof options.site === 'string' ? options.site : undefined);
    io.stdout.write(`created key ${created.id} for machine ${created.machine_id}${created.site ? ` (site ${created.site})` : ''} in ${ops.where}\n`);
    io.stdout.write('store it on the device now (Authorization: Bearer <key>); it is not shown again:\n');
    io.stdout.write(`${created.key}\n`);
    return 0;
  }),
};

export const keysListCommand: Command = {
  name: 'keys list',
  summary: 'List device API keys (id, machine, site, created, revoked)',
  help: 'Usage: fleetlog keys list --config FILE [--json]\n\nSecrets are never shown (only their hashes are stored).',
  run: (args, io) => withKeyOps('keys list', args, io, [], async (ops, options) => {
    const keys = await ops.list();
    if (options.json === true) {
      for (const k of keys) io.stdout.write(`${JSON.stringify(k)}\n`);
      return 0;
    }
    io.stdout.write(`${'ID'.padEnd(18)}${'MACHINE'.padEnd(16)}${'SITE'.padEnd(12)}${'CREATED'.padEnd(30)}STATE\n`);
    for (const k of keys) {
      io.stdout.write(`${k.id.padEnd(18)}${k.machine_id.padEnd(16)}${(k.site || '-').padEnd(12)}${k.created_at.padEnd(30)}${k.revoked_at === null ? 'active' : `revoked ${k.revoked_at}`}\n`);
    }
    return 0;
  }),
};

export const keysRevokeCommand: Command = {
  name: 'keys revoke',
  summary: 'Revoke a device API key by id',
  help: 'Usage: fleetlog keys revoke --config FILE --id ID\n\nA running backend stops accepting the key within 5 seconds.',
  run: (args, io) => withKeyOps('keys revoke', args, io, ['id'], async (ops, options) => {
    if (typeof options.id !== 'string') {
      io.stderr.write('fleetlog keys revoke: --id ID is required\n');
      return 2;
    }
    if (!(await ops.revoke(options.id))) {
      io.stderr.write(`fleetlog keys revoke: no key with id ${options.id}\n`);
      return 1;
    }
    io.stdout.write(`revoked key ${options.id}\n`);
    return 0;
  }),
};
