// Applies the migrations in MIGRATIONS that the store has not recorded yet, in order.
import { ApiError } from '../errors.js';
import type { SqlEngine } from './engine.js';
import { MIGRATIONS, type DdlContext, type Migration } from './migrations.js';

export interface MigrateResult {
  readonly applied: readonly number[];
  readonly current: number;
}

export async function migrate(engine: SqlEngine, ctx: DdlContext, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrateResult> {
  const oc = ctx.cluster === undefined ? '' : ` ON CLUSTER \`${ctx.cluster}\``;
  const tableEngine = ctx.cluster === undefined ? 'MergeTree()' : 'ReplicatedMergeTree()';
  await engine.command(`CREATE DATABASE IF NOT EXISTS ${ctx.db}${oc}`);
  await engine.command(`CREATE TABLE IF NOT EXISTS ${ctx.db}.schema_migrations${oc}
(version UInt32, name String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
ENGINE = ${tableEngine} ORDER BY version`);
  const rows = await engine.query<{ version: number }>(`SELECT DISTINCT version FROM ${ctx.db}.schema_migrations`);
  const done = new Set(rows.map((r) => Number(r.version)));
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(migration.version)) continue;
    for (const statement of migration.statements(ctx)) {
      try {
        await engine.command(statement);
      } catch (error) {
        throw new ApiError('FLEETLOG_ERR_STORE_MIGRATION', `migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`, { cause: error });
      }
    }
    await engine.command(`INSERT INTO ${ctx.db}.schema_migrations (version, name) VALUES ({v:UInt32}, {n:String})`, { v: migration.version, n: migration.name });
    applied.push(migration.version);
  }
  const current = Math.max(0, ...done, ...applied);
  return { applied, current };
}
