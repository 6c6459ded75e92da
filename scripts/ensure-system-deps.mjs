// Debian packages that integration tests use (real ptys, real journal files, real browser, ...).
// When running as root on Debian, missing ones are installed with apt-get; otherwise the tests that need
// them say so and skip. Each entry: a command whose presence shows the package is installed.
import { spawnSync } from 'node:child_process';

export const SYSTEM_DEPS = [
  { command: 'socat', pkg: 'socat', why: 'kernel pseudo-terminal pairs for the ePort serial tests' },
];

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

export function ensureSystemDeps() {
  const missing = SYSTEM_DEPS.filter((d) => !has(d.command));
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = has('apt-get');
  if (!isRoot || !hasApt) {
    console.warn(`npm test: missing ${missing.map((d) => d.pkg).join(', ')}; tests that need them will skip.`);
    return;
  }
  const pkgs = [...new Set(missing.map((d) => d.pkg))];
  console.log(`npm test: installing Debian packages: ${pkgs.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env });
  if (r.status !== 0) console.warn('npm test: apt-get install failed; tests that need these packages will skip.');
}
