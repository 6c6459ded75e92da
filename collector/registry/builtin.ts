// The plugins bundled with fleetlog, registered by a static list (explicit beats discovery). To add one: import
// its factory (the plugin folder's index.ts default export) and add it to the list.
import type { AnyFactory } from '../component/contract.js';
import fileLogReceiver from '../../plugins/receivers/file_log/index.js';
import fileExporter from '../../plugins/exporters/file/index.js';
import debugExporter from '../../plugins/exporters/debug/index.js';
import otlpHttpExporter from '../../plugins/exporters/otlp_http/index.js';
import eportExporter from '../../plugins/exporters/eport/index.js';

export const BUILTIN_FACTORIES: readonly AnyFactory[] = [
  fileLogReceiver,
  fileExporter,
  debugExporter,
  otlpHttpExporter,
  eportExporter,
];
