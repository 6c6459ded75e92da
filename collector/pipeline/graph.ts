// buildGraph: the frozen config → component instances wired together (DESIGN §2, pipeline/).
//
//   receiver ─► ReceiverOutput ─► FanOut(pipelines) ─► ProcessorInput ─► processor ─► ProcessorOutput ─► …
//                                                         … ─► FanOut(exporters) ─► DeliveryNode ─► exporter.send()
//
// Exporters are one DeliveryNode each, shared by every pipeline that lists them; processors are one instance per
// pipeline (their state is per pipeline); a receiver is one instance feeding every pipeline that lists it.
// Instances are created downstream-first, so each `next` exists when its upstream is created.
import type { Exporter, ExporterFactory, Logger, LogsConsumer, ProcessorFactory, Receiver, ReceiverFactory } from '../component/contract.js';
import { FleetlogError, errorMessage } from '../component/errors.js';
import type { ComponentEntry, ServiceConfig } from '../config/config-types.js';
import { HOST_EXPORTER_KEYS, toDeliveryConfig, type DeliveryYaml } from '../delivery/config.js';
import { createDeliveryNode as defaultCreateDeliveryNode } from '../delivery/delivery-node.js';
import { queueDirectoryFor } from '../delivery/queue-paths.js';
import type { DeliveryNode, DeliveryNodeOptions, DeliveryStats } from '../delivery/types.js';
import type { StatusBoard, StatusEntry } from '../telemetry/component-status.js';
import type { MetricsRegistry } from '../telemetry/metrics-registry.js';
import { componentSettings, type SettingsHost } from './component-settings.js';
import { BOOT_ID } from './boot-id.js';
import { FanOut, type FanOutTarget } from './fan-out.js';
import { ProcessorInput, ProcessorOutput, ReceiverOutput } from './instrument.js';
import { shutdownLayers, startLayers, type LifecycleMember, type ShutdownReport } from './lifecycle.js';

export interface GraphHost {
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  readonly status: StatusBoard;
  /** Wraps an exporter in its delivery node (default: createDeliveryNode from collector/delivery). */
  readonly createDeliveryNode?: (options: DeliveryNodeOptions) => DeliveryNode;
}

export interface GraphStats {
  readonly exporters: Readonly<Record<string, DeliveryStats>>;
  readonly components: readonly StatusEntry[];
}

export interface PipelineGraph {
  /** Delivery nodes by exporter id. */
  readonly exporters: ReadonlyMap<string, DeliveryNode>;
  readonly receivers: ReadonlyMap<string, Receiver>;
  /** Per pipeline: the exporter ids it ends in (for the heartbeat). */
  readonly pipelineExporters: ReadonlyMap<string, readonly string[]>;
  start(): Promise<void>;
  /** Upstream-first, within the config's shutdown_timeout (or `deadlineMs`). Never throws. */
  shutdown(deadlineMs?: number): Promise<ShutdownReport>;
  stats(): GraphStats;
}

/** Part of shutdown_timeout a delivery node may spend draining; the rest is for the exporter's own shutdown. */
export function deliveryDrainMs(shutdownTimeoutMs: number): number {
  return Math.max(100, Math.floor(shutdownTimeoutMs * 0.8));
}

function ownConfig(entry: ComponentEntry): Readonly<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry.config)) if (!(HOST_EXPORTER_KEYS as readonly string[]).includes(key)) out[key] = value;
  return Object.freeze(out);
}

function created<T>(what: string, create: () => T): T {
  try {
    return create();
  } catch (error) {
    throw new FleetlogError('FLEETLOG_ERR_PIPELINE_START', `cannot create ${what}: ${errorMessage(error)}`, { cause: error });
  }
}

export function buildGraph(config: ServiceConfig, host: GraphHost): PipelineGraph {
  const settingsHost: SettingsHost = { ...host, storageDirectory: config.storageDirectory, resource: config.resource };
  const makeNode = host.createDeliveryNode ?? defaultCreateDeliveryNode;
  const member = (kind: 'receiver' | 'processor' | 'exporter', statusId: string, label: string, component: LifecycleMember['component']): LifecycleMember => ({
    label,
    component,
    onStarted: () => { if (host.status.get(kind, statusId)?.status === 'starting') host.status.report(kind, statusId, 'ok'); },
    onStopping: () => { host.status.report(kind, statusId, 'stopping'); },
    onStopped: () => { host.status.report(kind, statusId, 'stopped'); },
    onFailed: (error) => { host.status.report(kind, statusId, 'permanent_error', error); },
  });

  // 1. exporters, each behind its delivery node
  const exporters = new Map<string, DeliveryNode>();
  const exporterLayer: LifecycleMember[] = [];
  for (const entry of Object.values(config.exporters) as ComponentEntry<ExporterFactory>[]) {
    const settings = componentSettings(settingsHost, 'exporter', entry.id);
    const exporter: Exporter = created(`exporter '${entry.id}'`, () => entry.factory.create(settings, ownConfig(entry)));
    const node = created(`the delivery node of '${entry.id}'`, () => makeNode({
      settings,
      exporter,
      config: toDeliveryConfig(entry.config as DeliveryYaml),
      directory: queueDirectoryFor(config.storageDirectory, entry.id),
      shutdownTimeoutMs: deliveryDrainMs(config.shutdownTimeoutMs),
    }));
    exporters.set(entry.id, node);
    exporterLayer.push(member('exporter', entry.id, `exporter ${entry.id}`, node));
  }

  // 2. each pipeline's processor chain, last processor first
  const pipelineHeads = new Map<string, FanOutTarget>();
  const pipelineExporters = new Map<string, readonly string[]>();
  const processorLayers: LifecycleMember[][] = [];
  for (const pipeline of config.pipelines) {
    pipelineExporters.set(pipeline.name, pipeline.exporters);
    let head: FanOutTarget = { consumer: new FanOut(pipeline.exporters.map((id) => ({ consumer: exporters.get(id)!, mutates: false }))), mutates: false };
    pipeline.processors.forEach((_, i) => { processorLayers[pipeline.processors.length - 1 - i] ??= []; });
    for (let i = pipeline.processors.length - 1; i >= 0; i -= 1) {
      const entry = config.processors[pipeline.processors[i]!] as ComponentEntry<ProcessorFactory>;
      const settings = componentSettings(settingsHost, 'processor', entry.id, { pipeline: pipeline.name });
      const output = new ProcessorOutput(head.consumer, settings.meter);
      const processor = created(`processor '${entry.id}' in pipeline '${pipeline.name}'`, () => entry.factory.create(settings, entry.config, output));
      head = { consumer: new ProcessorInput(processor, settings.meter), mutates: processor.mutatesData };
      processorLayers[pipeline.processors.length - 1 - i]!.push(member('processor', `${entry.id}@${pipeline.name}`, `processor ${entry.id} (pipeline ${pipeline.name})`, processor));
    }
    pipelineHeads.set(pipeline.name, head);
  }

  // 3. receivers, each feeding every pipeline that lists it
  const receivers = new Map<string, Receiver>();
  const receiverLayer: LifecycleMember[] = [];
  for (const entry of Object.values(config.receivers) as ComponentEntry<ReceiverFactory>[]) {
    const targets = config.pipelines.filter((p) => p.receivers.includes(entry.id)).map((p) => pipelineHeads.get(p.name)!);
    const settings = componentSettings(settingsHost, 'receiver', entry.id);
    const next: LogsConsumer = new ReceiverOutput(new FanOut(targets), config.resource, settings.meter, BOOT_ID);
    const receiver = created(`receiver '${entry.id}'`, () => entry.factory.create(settings, entry.config, next));
    receivers.set(entry.id, receiver);
    receiverLayer.push(member('receiver', entry.id, `receiver ${entry.id}`, receiver));
  }

  const layers = [exporterLayer, ...processorLayers, receiverLayer].filter((layer) => layer.length > 0);
  let started = false;
  let stopping: Promise<ShutdownReport> | undefined;
  return {
    exporters,
    receivers,
    pipelineExporters,
    start: async () => {
      if (started) return;
      started = true;
      await startLayers(layers, config.shutdownTimeoutMs);
    },
    shutdown: (deadlineMs = config.shutdownTimeoutMs) => {
      stopping ??= (async () => {
        const report = await shutdownLayers(layers, deadlineMs);
        if (report.timedOut.length > 0) {
          host.logger.error('Components did not stop within the shutdown deadline.', { code: 'FLEETLOG_ERR_SHUTDOWN_TIMEOUT', deadlineMs, components: report.timedOut });
        }
        for (const failure of report.failed) host.logger.error('Component failed to shut down.', { component: failure.label, error: failure.error });
        return report;
      })();
      return stopping;
    },
    stats: () => ({
      exporters: Object.fromEntries([...exporters].map(([id, node]) => [id, node.stats()])),
      components: host.status.snapshot(),
    }),
  };
}
