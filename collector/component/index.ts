// `fleetlog/plugin`: everything a plugin author needs from the host, and nothing else.
export type {
  AnyFactory, Component, ComponentStatus, ConfigSchema, Counter, Exporter, ExporterFactory, Gauge, HostKeyDefaults, Kind, LogFields,
  Logger, LogsConsumer, Meter, MetricLabels, Processor, ProcessorFactory, Receiver, ReceiverFactory, Settings, Stability,
} from './contract.js';
export type { AttributeValue, Attributes, LevelName, LogBatch, LogRecord } from './log-record.js';
export {
  ATTRIBUTE_COMPONENT, LEVEL_NAMES, RESOURCE_DEVICE_ID, RESOURCE_SITE, SEVERITY, bodyText, componentOf, levelFromText,
  levelLetter, levelOfSeverity, msToUnixNano, nowUnixNano, unixNanoToMs,
} from './log-record.js';
export type { SendResult } from './send-result.js';
export { sendDrop, sendOk, sendRetry } from './send-result.js';
export { FleetlogError, PermanentError, errorMessage, isPermanentError } from './errors.js';
export type { CollectorErrorCode, ErrorCode } from './error-codes.js';
export { COLLECTOR_ERROR_CODES } from './error-codes.js';
export { defineExporter, defineProcessor, defineReceiver } from './define.js';
export { JsonBytes } from './json-bytes.js';
