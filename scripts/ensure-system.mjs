// The system packages the tests need (Debian's Chromium; redis-server for the scale-out tests):
// installed with apt when missing and running as root, otherwise the exact command is printed.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const wanted = [
  { bin: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', pkg: 'chromium' },
  { bin: '/usr/bin/redis-server', pkg: 'redis-server' },
];

export function ensureSystemPackages(extra = []) {
  const missing = [...wanted, ...extra].filter((w) => !existsSync(w.bin)).map((w) => w.pkg);
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(`Missing system packages: ${missing.join(' ')}.\nInstall them with:\n  sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`);
    process.exit(1);
  }
  console.log(`Installing ${missing.join(' ')} with apt-get…`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}
