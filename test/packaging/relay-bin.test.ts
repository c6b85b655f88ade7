/**
 * In a checkout, right after `npm ci` and before any build, npm has linked `flagline-relay`
 * (its bin is a JS shim that runs src/ here and dist/ from a package; the tarball side is in
 * pack.test.ts). It answers --help and starts, and Ctrl-C stops it cleanly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'node_modules/.bin/flagline-relay');

test('the linked flagline-relay bin prints its help from another directory', async () => {
  const { stdout } = await promisify(execFile)(bin, ['--help'], { cwd: tmpdir() });
  assert.match(stdout, /Usage: flagline-relay/);
});

test('the linked flagline-relay bin starts the relay from source and stops on SIGINT with exit 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flagline-bin-'));
  try {
    const relay = spawn(bin, ['--port', '0', '--store', `sqlite:${join(dir, 'relay.db')}`, '--log-level', 'info'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    await new Promise<void>((ok, fail) => {
      relay.stderr.on('data', (d) => {
        log += d;
        if (log.includes('"msg":"listening"')) ok();
      });
      relay.once('exit', (code) => fail(new Error(`exited ${code}: ${log}`)));
    });
    const exited = new Promise((r) => relay.once('exit', (code) => r(code)));
    relay.kill('SIGINT');
    assert.equal(await exited, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
