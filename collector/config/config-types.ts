// The validated, frozen config: the only input of the graph builder.
import type { AnyFactory, ExporterFactory, Kind, ProcessorFactory, ReceiverFactory } from '../component/contract.js';
import type { Attributes } from '../component/log-record.js';

export interface ComponentEntry<F extends AnyFactory = AnyFactory> {
  readonly id: string;
  readonly kind: Kind;
  readonly type: string;
  readonly name?: string;
  readonly factory: F;
  /** Where the factory came from: `built-in` or the `plugins:` entry. */
  readonly source: string;
  /** The component's options, defaults filled in (for exporters incl. `queue`, `retry`, `batch`). */
  readonly config: Readonly<Record<string, unknown>>;
}

export interface PipelineConfig {
  readonly name: string;
  readonly receivers: readonly string[];
  readonly processors: readonly string[];
  readonly exporters: readonly string[];
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface ServiceConfig {
  /** The config file and its folder. */
  readonly file: string;
  readonly directory: string;
  /** Components used by at least one pipeline (unused ones are reported and left out). */
  readonly receivers: Readonly<Record<string, ComponentEntry<ReceiverFactory>>>;
  readonly processors: Readonly<Record<string, ComponentEntry<ProcessorFactory>>>;
  readonly exporters: Readonly<Record<string, ComponentEntry<ExporterFactory>>>;
  readonly pipelines: readonly PipelineConfig[];
  readonly resource: Readonly<Attributes>;
  readonly telemetry: {
    readonly logs: { readonly level: LogLevel; readonly file?: string };
    readonly metrics: { readonly address?: string };
  };
  /** Absolute path of the state folder. */
  readonly storageDirectory: string;
  readonly heartbeat: { readonly enabled: boolean; readonly intervalMs: number };
  readonly shutdownTimeoutMs: number;
  readonly plugins: readonly string[];
}
