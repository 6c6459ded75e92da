// Where an exporter's queue lives: <service.storage.directory>/queues/<exporter id, made file-safe>. The host
// (building the DeliveryNodeOptions) and `fleetlog queue …` use this one function so they agree.
import { join } from 'node:path';

export function queueDirectoryFor(storageDirectory: string, exporterId: string): string {
  return join(storageDirectory, 'queues', exporterId.replace(/[^A-Za-z0-9._-]/g, (c) => `%${c.charCodeAt(0).toString(16)}`));
}
