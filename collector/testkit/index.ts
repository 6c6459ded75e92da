// `fleetlog/testkit`: test doubles and the shared contract suite for plugin authors (and fleetlog's own plugins).
export { LogsSink } from './logs-sink.js';
export { createMemoryLogger, createMemoryMeter, createNopSettings } from './nop-settings.js';
export type { LogEntry, TestSettings } from './nop-settings.js';
export { makeBatch, makeRecords } from './make-batch.js';
export { configFor, validateComponentConfig } from './config-for.js';
export { describeComponentContract, misspell } from './contract-suite.js';
export { seededRandom } from './seeded-random.js';
export { freePort } from './free-port.js';
export type { ContractOptions } from './contract-suite.js';
