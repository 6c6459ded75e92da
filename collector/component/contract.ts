// THE contract between the host and a plugin (DESIGN §2, §9). A plugin imports from `fleetlog/plugin`
// (this folder's index.ts) and nothing else of the host.
import type { DeliveryYaml } from '../delivery/config.js';
import type { LogBatch, Attributes } from './log-record.js';
import type { SendResult } from './send-result.js';

export type Kind = 'receiver' | 'processor' | 'exporter';
export type Stability = 'development' | 'alpha' | 'beta' | 'stable' | 'deprecated';

/**
 * start() returns quickly: background work gets its own AbortController. shutdown() stops intake, flushes
 * what it holds, releases resources; it is idempotent and safe without start().
 */
export interface Component {
  start(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * The next hop. consume() resolves once the batch is accepted downstream — with the durable queues, once it
 * is on disk in every exporter queue it fans out to (or a processor dropped it on purpose). A receiver moves its
 * checkpoint or answers its client only then. Rejecting with PermanentError means "never"; any other rejection
 * means "not now" (back-pressure): keep the data and try again. After consume() is called, the caller must not
 * change the batch.
 */
export interface LogsConsumer {
  consume(batch: LogBatch): Promise<void>;
}

export type Receiver = Component;

export interface Processor extends Component, LogsConsumer {
  /** True if the processor changes batches in place; fan-out then hands it a copy. */
  readonly mutatesData: boolean;
}

/**
 * An exporter speaks its protocol only. The host owns its durable queue, batching, retry, dead letters and
 * metrics, and calls send() with one batch at a time, in queue order.
 */
export interface Exporter extends Component {
  send(batch: LogBatch, signal: AbortSignal): Promise<SendResult>;
}

export type ComponentStatus = 'starting' | 'ok' | 'recoverable_error' | 'permanent_error' | 'stopping' | 'stopped';

export type LogFields = Record<string, unknown>;

/** Structured own logs; capitalised sentences with fields. Never once per record: count instead. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export type MetricLabels = Readonly<Record<string, string>>;
export interface Counter { add(value: number, labels?: MetricLabels): void }
export interface Gauge { set(value: number, labels?: MetricLabels): void }

/**
 * Self-metrics, already labelled with the component id. Names come from the fixed vocabulary in
 * collector/telemetry/metric-names.ts (`fleetlog_<kind>_<what>_<unit>`).
 */
export interface Meter {
  counter(name: string, help: string): Counter;
  gauge(name: string, help: string): Gauge;
}

/** Host-provided values (what the user wrote in YAML is the Config, kept apart). */
export interface Settings {
  /** The component id, `type` or `type/name`. */
  readonly id: string;
  readonly kind: Kind;
  /** Logger pre-tagged with kind and id. */
  readonly logger: Logger;
  readonly meter: Meter;
  /** A folder private to this component under `service.storage.directory`, created by the host. */
  readonly storageDir: string;
  /** `service.resource`: attributes of this device, stamped by the host on every batch. */
  readonly resource: Readonly<Attributes>;
  reportStatus(status: ComponentStatus, error?: Error): void;
}

/** JSON Schema (ajv, draft-07) with `additionalProperties: false` on every object, defaults and descriptions. */
export type ConfigSchema = Record<string, unknown>;

interface FactoryBase<K extends Kind, C> {
  readonly kind: K;
  /** lower_snake_case; the plugin folder's name and the YAML key. */
  readonly type: string;
  readonly stability: Stability;
  /** One-line description for docs and `fleetlog schema`. */
  readonly description?: string;
  readonly configSchema: ConfigSchema;
  /** Cross-field rules the schema cannot say. Returns every problem, each naming its fields. */
  validate?(config: Readonly<C>): string[];
  /** Resources the component claims (`tcp:0.0.0.0:4318`, `file:/var/log/x`); two claims of one resource is an error. */
  resources?(config: Readonly<C>): string[];
}

export interface ReceiverFactory<C = any> extends FactoryBase<'receiver', C> {
  create(settings: Settings, config: Readonly<C>, next: LogsConsumer): Receiver;
}
export interface ProcessorFactory<C = any> extends FactoryBase<'processor', C> {
  create(settings: Settings, config: Readonly<C>, next: LogsConsumer): Processor;
}
/**
 * An exporter's own defaults for the host-owned keys `queue`, `retry` and `batch` (collector/delivery/config.ts),
 * e.g. `{ batch: { max_age: '1h', flush_severity: 'CRITICAL' } }`: they replace the host's defaults for this type
 * (so they show in its schema and README), and the site's YAML still overrides each of them.
 */
export type HostKeyDefaults = Readonly<DeliveryYaml>;

export interface ExporterFactory<C = any> extends FactoryBase<'exporter', C> {
  /** Optional defaults for the host-owned keys; checked against the host's schema when the config schema is built. */
  readonly hostDefaults?: HostKeyDefaults;
  create(settings: Settings, config: Readonly<C>): Exporter;
}
export type AnyFactory = ReceiverFactory | ProcessorFactory | ExporterFactory;
