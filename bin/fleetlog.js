#!/usr/bin/env node
// Entry point of the `fleetlog` command. A built tree (`npm run build` → dist/) runs as plain
// JavaScript; a source checkout runs the TypeScript through tsx, so `npm ci && npm start` needs no build step.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'collector', 'cli', 'main.js');
if (existsSync(built) && !process.env.FLEETLOG_FROM_SOURCE) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'collector', 'cli', 'main.ts')).href);
}
