// fleetlog's version, from the package.json above this file (source tree or dist/).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageVersion(): string {
  let dir = fileURLToPath(new URL('.', import.meta.url));
  for (let i = 0; i < 5; i += 1) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'fleetlog') return pkg.version ?? '0.0.0';
    } catch { /* keep looking upwards */ }
    dir = join(dir, '..');
  }
  return '0.0.0';
}

export const VERSION = packageVersion();
