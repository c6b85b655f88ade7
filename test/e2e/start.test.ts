/** `npm start` as a newcomer meets it: the banner means "ready", and a busy port is one clear line. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { freePort } from './stack.js';

const root = resolve(import.meta.dirname, '../..');

test('npm start on a busy port prints no banner and exits non-zero with one line naming PORT', async () => {
  const port = await freePort();
  const squatter = createServer().listen(port, '127.0.0.1');
  await new Promise((r) => squatter.once('listening', r));
  try {
    const proc = spawn(process.execPath, [resolve(root, 'scripts/start.mjs')], {
      cwd: root,
      env: { ...process.env, PORT: String(port), FLAGLINE_SKIP_BUILD: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => (stdout += d));
    proc.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((r) => proc.once('exit', r));
    assert.notEqual(code, 0);
    assert.doesNotMatch(stdout, /Flagline is running/);
    const lines = stderr.trim().split('\n');
    assert.equal(lines.length, 1, stderr);
    assert.match(lines[0]!, new RegExp(`Port ${port} is already in use.*PORT=${port + 1} npm start`));
  } finally {
    squatter.close();
  }
});
