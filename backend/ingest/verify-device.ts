// The device key check of the ingest routes. A refused request's body is drained, not read, so that the 401
// answer goes out and the connection stays usable.
import type { IncomingMessage } from 'node:http';
import type { DeviceIdentity, DeviceKeys } from '../auth/device-keys.js';

export async function verifyDevice(req: IncomingMessage, keys: DeviceKeys): Promise<DeviceIdentity> {
  try {
    return await keys.verify(req.headers.authorization);
  } catch (error) {
    req.resume();
    throw error;
  }
}
