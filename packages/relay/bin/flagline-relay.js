#!/usr/bin/env node
// The `flagline-relay` command. npm links a package's bin when it is installed, so this file
// exists before any build: an installed package runs dist/flagline-relay.js (the command bundled
// into one file, scripts/bundle-cli.mjs); a checkout of the repository (it has
// tsconfig.build.json, which is not published) runs src/cli.ts through tsx with the `source`
// condition (docs/source-condition.md), exactly as `npm start` does.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const checkout = existsSync(fileURLToPath(new URL('../tsconfig.build.json', import.meta.url)));

if (!checkout) {
  await import('../dist/flagline-relay.js');
} else {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', import.meta.resolve('tsx'), fileURLToPath(new URL('../src/cli.ts', import.meta.url)), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
