// Identity helpers so that a plugin's index.ts reads `export default defineExporter<Config>({ … })` and the
// compiler checks the factory against the contract.
import type { ExporterFactory, ProcessorFactory, ReceiverFactory } from './contract.js';

export function defineReceiver<C>(factory: Omit<ReceiverFactory<C>, 'kind'>): ReceiverFactory<C> {
  return Object.freeze({ ...factory, kind: 'receiver' as const });
}

export function defineProcessor<C>(factory: Omit<ProcessorFactory<C>, 'kind'>): ProcessorFactory<C> {
  return Object.freeze({ ...factory, kind: 'processor' as const });
}

export function defineExporter<C>(factory: Omit<ExporterFactory<C>, 'kind'>): ExporterFactory<C> {
  return Object.freeze({ ...factory, kind: 'exporter' as const });
}
