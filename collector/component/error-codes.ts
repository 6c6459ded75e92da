// The catalogue of stable error codes of the collector side. Each has a one-line meaning here and a section in
// docs/errors.md (a test checks both directions). Codes are never renamed or reused; add new ones at the end of
// their group. The backend's API codes live in backend/errors.ts and share the same docs page.

export const COLLECTOR_ERROR_CODES = {
  // generic
  FLEETLOG_ERR_PERMANENT: 'A consumer refused a batch for good; it is counted and not retried.',
  FLEETLOG_ERR_INTERNAL: 'An unexpected internal failure; the component reports it and keeps running.',
  // config
  FLEETLOG_ERR_CONFIG_INVALID: 'The configuration has one or more errors (each printed with file:line:col).',
  FLEETLOG_ERR_CONFIG_READ: 'The configuration file could not be read.',
  FLEETLOG_ERR_CONFIG_YAML: 'The configuration file is not valid YAML.',
  FLEETLOG_ERR_CONFIG_UNKNOWN_KEY: 'A key that the schema does not know (a typo, usually; the closest known key is suggested).',
  FLEETLOG_ERR_CONFIG_TYPE: 'A value of the wrong type or out of range.',
  FLEETLOG_ERR_CONFIG_UNKNOWN_TYPE: 'A component id whose type no registered plugin provides.',
  FLEETLOG_ERR_CONFIG_UNDECLARED: 'A pipeline names a component that is not declared.',
  FLEETLOG_ERR_CONFIG_ENV: 'A ${env:NAME} reference to an unset variable with no default.',
  FLEETLOG_ERR_CONFIG_CONFLICT: 'Two components claim the same resource (a port, a file).',
  FLEETLOG_ERR_CONFIG_RULE: 'A cross-field rule of a plugin failed.',
  FLEETLOG_ERR_CONFIG_REQUIRED: 'A required key is missing.',
  FLEETLOG_ERR_CONFIG_UNUSED: 'A declared component is used by no pipeline (a warning; it is not started).',
  FLEETLOG_ERR_CONFIG_DURABILITY: 'A setting that could lose data (a warning from the durability lint).',
  // plugins
  FLEETLOG_ERR_PLUGIN_LOAD: 'An external plugin module could not be loaded or does not export a factory.',
  FLEETLOG_ERR_PLUGIN_DUPLICATE: 'Two plugins register the same type.',
  // pipeline
  FLEETLOG_ERR_PIPELINE_START: 'A component failed to start.',
  FLEETLOG_ERR_SHUTDOWN_TIMEOUT: 'Components did not stop within the shutdown deadline.',
  // delivery
  FLEETLOG_ERR_QUEUE_FULL: 'An exporter queue is at its byte cap (or the disk at its headroom) and the policy is block.',
  FLEETLOG_ERR_QUEUE_CORRUPT: 'A queue segment failed its checksum; the good records are kept, the bad ones counted.',
  FLEETLOG_ERR_QUEUE_IO: 'The disk queue could not be read or written.',
  FLEETLOG_ERR_DIRECT_SEND: 'With queue.mode: direct, the exporter could not take a batch now; the receiver keeps it and retries.',
  FLEETLOG_ERR_CHECKPOINT_IO: 'A receiver checkpoint could not be read or written.',
  // ePort
  FLEETLOG_ERR_EPORT_FRAME: 'An ePort frame failed to decode (COBS, CRC or header).',
  FLEETLOG_ERR_EPORT_PAYLOAD: 'An ePort payload could not be unpacked into records.',
  FLEETLOG_ERR_EPORT_LINK: 'The serial link to the ePort is down or not answering.',
} as const;

export type CollectorErrorCode = keyof typeof COLLECTOR_ERROR_CODES;
/** Any fleetlog error code; backend codes are added by backend/errors.ts with the same prefix. */
export type ErrorCode = CollectorErrorCode | `FLEETLOG_ERR_${string}`;
