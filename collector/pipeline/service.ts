// startService: a validated config → a running collector: own logs, self-metrics (and their endpoint), the
// component status board, the pipeline graph, the heartbeat. shutdown() stops it upstream-first within the
// config's shutdown_timeout. The `collector` command is a thin shell around this.
import { mkdirSync } from 'node:fs';
import type { ServiceConfig } from '../config/config-types.js';
import type { DeliveryNode, DeliveryNodeOptions } from '../delivery/types.js';
import { StatusBoard } from '../telemetry/component-status.js';
import { createJsonLogger, type RootLogger } from '../telemetry/json-logger.js';
import { METRICS } from '../telemetry/metric-names.js';
import { MetricsRegistry } from '../telemetry/metrics-registry.js';
import { startMetricsServer, type MetricsServer } from '../telemetry/metrics-server.js';
import { buildGraph, type GraphStats, type PipelineGraph } from './graph.js';
import { Heartbeat } from './heartbeat.js';
import type { ShutdownReport } from './lifecycle.js';

export interface ServiceOptions {
  /** Where own logs go (default process.stderr; `service.telemetry.logs.file` is added). */
  readonly logStream?: NodeJS.WritableStream;
  /** Replaces the delivery node factory (tests). */
  readonly createDeliveryNode?: (options: DeliveryNodeOptions) => DeliveryNode;
  /** fleetlog's version, for the heartbeat. */
  readonly version?: string;
}

export interface ServiceStats extends GraphStats {
  readonly uptimeSeconds: number;
}

export interface RunningService {
  readonly logger: RootLogger;
  readonly metrics: MetricsRegistry;
  readonly status: StatusBoard;
  readonly graph: PipelineGraph;
  /** The bound port of the metrics endpoint, when one is configured. */
  readonly metricsPort?: number;
  stats(): ServiceStats;
  /** Counts a failure caught outside any component (an unhandled rejection) and logs it; never throws. */
  reportInternalError(error: unknown, origin: string): void;
  shutdown(): Promise<ShutdownReport>;
}

export async function startService(config: ServiceConfig, options: ServiceOptions = {}): Promise<RunningService> {
  const startedAtMs = Date.now();
  const logger = createJsonLogger({
    level: config.telemetry.logs.level,
    ...(options.logStream ? { stream: options.logStream } : {}),
    ...(config.telemetry.logs.file !== undefined ? { file: config.telemetry.logs.file } : {}),
  });
  const metrics = new MetricsRegistry();
  const hostMeter = metrics.meter();
  const status = new StatusBoard({ gauge: hostMeter.gauge(METRICS.componentStatus.name, METRICS.componentStatus.help) });
  const internalErrors = hostMeter.counter(METRICS.internalErrors.name, METRICS.internalErrors.help);
  const uptime = hostMeter.gauge(METRICS.uptimeSeconds.name, METRICS.uptimeSeconds.help);
  metrics.onCollect(() => uptime.set(Math.round((Date.now() - startedAtMs) / 1000)));
  mkdirSync(config.storageDirectory, { recursive: true });

  let graph: PipelineGraph;
  try {
    graph = buildGraph(config, { logger, metrics, status, ...(options.createDeliveryNode ? { createDeliveryNode: options.createDeliveryNode } : {}) });
  } catch (error) {
    await logger.close();
    throw error;
  }
  let server: MetricsServer | undefined;
  try {
    if (config.telemetry.metrics.address !== undefined) server = await startMetricsServer(config.telemetry.metrics.address, metrics);
    await graph.start();
  } catch (error) {
    await server?.close();
    await logger.close();
    throw error;
  }
  const stats = (): ServiceStats => ({ ...graph.stats(), uptimeSeconds: (Date.now() - startedAtMs) / 1000 });
  const heartbeat = config.heartbeat.enabled
    ? new Heartbeat({ config, graph, stats, logger, counter: hostMeter.counter(METRICS.heartbeats.name, METRICS.heartbeats.help), version: options.version ?? '0.0.0' })
    : undefined;
  heartbeat?.start();
  logger.info('Collector started.', {
    pipelines: config.pipelines.map((p) => p.name),
    storageDirectory: config.storageDirectory,
    ...(server ? { metricsPort: server.port } : {}),
  });

  let stopping: Promise<ShutdownReport> | undefined;
  return {
    logger, metrics, status, graph,
    ...(server ? { metricsPort: server.port } : {}),
    stats,
    reportInternalError: (error, origin) => {
      internalErrors.add(1);
      logger.error('Internal error caught; the collector keeps running.', { code: 'FLEETLOG_ERR_INTERNAL', origin, error: error instanceof Error ? error : String(error) });
    },
    shutdown: () => {
      stopping ??= (async () => {
        logger.info('Collector stopping.', { deadlineMs: config.shutdownTimeoutMs });
        heartbeat?.stop();
        const report = await graph.shutdown();
        await server?.close();
        logger.info('Collector stopped.', { timedOut: report.timedOut });
        await logger.close();
        return report;
      })();
      return stopping;
    },
  };
}
