// Versioned schema migrations: the same DDL for the embedded engine and a ClickHouse server; on a cluster the
// statements get `ON CLUSTER` and the Replicated* engines. A migration is never edited once released: add a new
// one at the end. Applied versions are recorded in `<db>.schema_migrations`. docs/sql.md documents every column.

export interface DdlContext {
  /** Database name (checked: an identifier). */
  readonly db: string;
  /** Cluster name for `ON CLUSTER` + replicated engines; undefined on one node / embedded. */
  readonly cluster: string | undefined;
  /** `text` (ClickHouse ≥ 26.2, an inverted index) or `tokenbf` (a token bloom filter) for the body. */
  readonly fullTextIndex: 'text' | 'tokenbf';
  /** Days a log row is kept before the TTL drops its day partition. */
  readonly retentionDays: number;
}

export interface Migration {
  readonly version: number;
  readonly name: string;
  statements(ctx: DdlContext): string[];
}

function onCluster(ctx: DdlContext): string {
  return ctx.cluster === undefined ? '' : ` ON CLUSTER \`${ctx.cluster}\``;
}

/** `ReplacingMergeTree(updated_at)` → `ReplicatedReplacingMergeTree(updated_at)` on a cluster (default replica path macros). */
function engine(ctx: DdlContext, name: string, args = ''): string {
  if (ctx.cluster === undefined) return `${name}(${args})`;
  const replicated = `Replicated${name}`;
  return args === '' ? `${replicated}()` : `${replicated}('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', ${args})`;
}

function bodyIndex(ctx: DdlContext): string {
  return ctx.fullTextIndex === 'text'
    ? "INDEX idx_body lower(body) TYPE text(tokenizer = 'splitByNonAlpha')"
    : 'INDEX idx_body lower(body) TYPE tokenbf_v1(8192, 3, 0) GRANULARITY 1';
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'logs, machines, activity rollups, device keys',
    statements: (ctx) => {
      const db = ctx.db;
      const oc = onCluster(ctx);
      return [
        `CREATE TABLE IF NOT EXISTS ${db}.logs${oc}
(
    ts               DateTime64(9, 'UTC') CODEC(Delta(8), ZSTD(1)),
    received_at      DateTime64(3, 'UTC') CODEC(Delta(8), ZSTD(1)),
    machine_id       LowCardinality(String),
    site             LowCardinality(String),
    component        LowCardinality(String),
    source           LowCardinality(String),
    severity_number  UInt8,
    severity_text    LowCardinality(String),
    event_name       LowCardinality(String),
    body             String CODEC(ZSTD(3)),
    attributes       Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    resource         Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    record_id        String CODEC(ZSTD(1)),
    boot_id          LowCardinality(String),
    seq              UInt64 CODEC(Delta(8), ZSTD(1)),
    trace_id         String CODEC(ZSTD(1)),
    span_id          String CODEC(ZSTD(1)),
    clock_flags      UInt8,
    -- ReplacingMergeTree keeps the highest version: the first stored copy of a re-sent record wins, so a
    -- row's received_at never changes (cursor snapshots stay exact).
    keep_first       UInt64 MATERIALIZED toUInt64(4102444800000) - toUInt64(toUnixTimestamp64Milli(received_at)),
    record_key       UInt64 MATERIALIZED if(record_id != '', sipHash64(machine_id, record_id),
                                            sipHash64(machine_id, ts, severity_number, body, attributes, trace_id, span_id)),
    ${bodyIndex(ctx)},
    INDEX idx_sev severity_number TYPE minmax GRANULARITY 1,
    INDEX idx_component component TYPE set(512) GRANULARITY 2,
    INDEX idx_site site TYPE set(512) GRANULARITY 2,
    INDEX idx_event event_name TYPE set(256) GRANULARITY 2,
    INDEX idx_received received_at TYPE minmax GRANULARITY 1
)
ENGINE = ${engine(ctx, 'ReplacingMergeTree', 'keep_first')}
PARTITION BY toDate(ts)
ORDER BY (machine_id, ts, record_key)
TTL toDateTime(ts) + INTERVAL ${ctx.retentionDays} DAY DELETE
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`,
        `CREATE TABLE IF NOT EXISTS ${db}.machines${oc}
(
    machine_id  String,
    name        String,
    site        LowCardinality(String),
    location    String,
    created_at  DateTime64(3, 'UTC'),
    updated_at  DateTime64(3, 'UTC'),
    is_deleted  UInt8 DEFAULT 0
)
ENGINE = ${engine(ctx, 'ReplacingMergeTree', 'updated_at, is_deleted')}
ORDER BY machine_id`,
        `CREATE TABLE IF NOT EXISTS ${db}.machine_activity${oc}
(
    machine_id         String,
    last_received_at   SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    last_event_at      SimpleAggregateFunction(max, DateTime64(9, 'UTC')),
    last_heartbeat_at  SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
ENGINE = ${engine(ctx, 'AggregatingMergeTree')}
ORDER BY machine_id`,
        `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.machine_activity_mv${oc} TO ${db}.machine_activity AS
SELECT machine_id,
       max(received_at) AS last_received_at,
       max(ts) AS last_event_at,
       maxIf(received_at, event_name = 'fleetlog.heartbeat') AS last_heartbeat_at
FROM ${db}.logs
GROUP BY machine_id`,
        `CREATE TABLE IF NOT EXISTS ${db}.machine_errors_1m${oc}
(
    machine_id  String,
    minute      DateTime('UTC'),
    errors      AggregateFunction(uniqExact, UInt64),
    criticals   AggregateFunction(uniqExact, UInt64)
)
ENGINE = ${engine(ctx, 'AggregatingMergeTree')}
PARTITION BY toYYYYMM(minute)
ORDER BY (machine_id, minute)
TTL minute + INTERVAL ${ctx.retentionDays} DAY`,
        `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.machine_errors_1m_mv${oc} TO ${db}.machine_errors_1m AS
SELECT machine_id,
       toStartOfMinute(ts) AS minute,
       uniqExactState(record_key) AS errors,
       uniqExactIfState(record_key, severity_number >= 21) AS criticals
FROM ${db}.logs
WHERE severity_number >= 17
GROUP BY machine_id, minute`,
        `CREATE TABLE IF NOT EXISTS ${db}.api_keys${oc}
(
    key_id      String,
    key_hash    String,
    machine_id  String,
    site        LowCardinality(String),
    created_at  DateTime64(3, 'UTC'),
    revoked_at  DateTime64(3, 'UTC') DEFAULT 0,
    updated_at  DateTime64(3, 'UTC')
)
ENGINE = ${engine(ctx, 'ReplacingMergeTree', 'updated_at')}
ORDER BY key_id`,
      ];
    },
  },
  {
    version: 2,
    name: 'first clamped time of each future-dated record (re-sends stored once)',
    statements: (ctx) => [
      `CREATE TABLE IF NOT EXISTS ${ctx.db}.clamped_times${onCluster(ctx)}
(
    machine_id    String,
    record_ident  String,
    ts            DateTime64(9, 'UTC'),
    original_ts   DateTime64(9, 'UTC'),
    received_at   DateTime64(3, 'UTC'),
    keep_first    UInt64 MATERIALIZED toUInt64(4102444800000) - toUInt64(toUnixTimestamp64Milli(received_at))
)
ENGINE = ${engine(ctx, 'ReplacingMergeTree', 'keep_first')}
ORDER BY (machine_id, record_ident)
TTL toDateTime(received_at) + INTERVAL ${ctx.retentionDays} DAY`,
    ],
  },
];
