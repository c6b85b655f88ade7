/**
 * Real relay processes for tests: `flagline-relay` from source (tsx) on a free loopback port
 * (port 0, read back from the "listening" log line) with a temp SQLite file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Participant } from '@flagline/core';
import { signToken } from '../../src/auth.js';

const root = resolve(import.meta.dirname, '../../../..');
export const SECRET = 'test-secret-that-is-long-enough-0123456789';
export const ISSUER = 'flagline-test';
export const AUDIENCE = 'flagline-test-aud';

export interface StartOptions {
  /** Reuse a database file (restart); default: a new temp file. */
  db?: string;
  /** Another store instead of the SQLite file, e.g. `redis://127.0.0.1:6390`. */
  store?: string;
  /** Reuse a port (restart); default: any free one. */
  port?: number;
  /** Extra CLI arguments. */
  args?: string[];
  /** Leave out the test secret/issuer/audience (dev mode, other key types). */
  noAuthArgs?: boolean;
  env?: Record<string, string>;
  /** Run inside this network namespace (`ip netns exec`, root only). */
  netns?: string;
  /** Interface to bind (`--host`) and to reach it by; default loopback. */
  host?: string;
  /** Resolve once it listens and loads its state (the "loading" line), not once it is loaded ("listening"). */
  loading?: boolean;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class RelayProcess {
  readonly logs: Record<string, unknown>[] = [];
  readonly #logWaiters: { msg: string; resolve: (entry: Record<string, unknown>) => void }[] = [];
  readonly exited: Promise<Exit>;
  output = '';

  private constructor(
    readonly proc: ChildProcess,
    readonly db: string,
    readonly dir: string | null,
  ) {
    this.exited = new Promise((done) => proc.once('exit', (code, signal) => done({ code, signal })));
  }

  port = 0;
  host = '127.0.0.1';
  get url(): string {
    return `http://${this.host}:${this.port}`;
  }
  get wsUrl(): string {
    return `ws://${this.host}:${this.port}/ws`;
  }

  static async start(opts: StartOptions = {}): Promise<RelayProcess> {
    const dir = opts.db ? null : mkdtempSync(join(tmpdir(), 'flagline-relay-'));
    const db = opts.db ?? join(dir!, 'relay.db');
    const auth = opts.noAuthArgs ? [] : ['--jwt-secret', SECRET, '--jwt-issuer', ISSUER, '--jwt-audience', AUDIENCE];
    const args = ['--port', String(opts.port ?? 0), '--store', opts.store ?? `sqlite:${db}`, '--log-level', 'info', ...auth, ...(opts.host ? ['--host', opts.host] : []), ...(opts.args ?? [])];
    const node = [process.execPath, '--conditions=source', '--import', 'tsx', resolve(root, 'packages/relay/src/cli.ts'), ...args];
    // `ip netns exec` execs node itself: the child is the relay, and the IPC channel still works.
    const [command, ...argv] = opts.netns ? ['ip', 'netns', 'exec', opts.netns, ...node] : node;
    const proc = spawn(command!, argv, {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'test', ...opts.env },
      // The IPC channel makes the relay stop if this test process dies without cleaning up.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const relay = new RelayProcess(proc, db, dir);
    if (opts.host) relay.host = opts.host;
    await relay.#listening(opts.loading ? 'loading' : 'listening');
    return relay;
  }

  /** Start a relay that is expected to refuse to start; resolves with its exit and output. */
  static async refuse(opts: StartOptions): Promise<Exit & { output: string }> {
    const relay = new RelayProcess(
      spawn(process.execPath, ['--conditions=source', '--import', 'tsx', resolve(root, 'packages/relay/src/cli.ts'), ...(opts.args ?? [])], {
        cwd: root,
        env: { ...process.env, NODE_ENV: 'test', ...opts.env },
        // The IPC channel makes the relay stop if this test process dies without cleaning up.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      }),
      '',
      null,
    );
    relay.#collect();
    const exit = await relay.exited;
    return { ...exit, output: relay.output };
  }

  #collect(onLine?: (line: Record<string, unknown>) => void): void {
    let buffer = '';
    const read = (chunk: Buffer) => {
      this.output += chunk;
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as Record<string, unknown>;
        this.logs.push(entry);
        onLine?.(entry);
        for (const w of this.#logWaiters.filter((w) => w.msg === entry.msg)) {
          this.#logWaiters.splice(this.#logWaiters.indexOf(w), 1);
          w.resolve(entry);
        }
      }
    };
    this.proc.stdout!.on('data', read);
    this.proc.stderr!.on('data', read);
  }

  #listening(msg: 'loading' | 'listening'): Promise<void> {
    return new Promise((ok, fail) => {
      this.#collect((entry) => {
        if (entry.msg === msg) {
          this.port = entry.port as number;
          ok();
        }
      });
      void this.exited.then((e) => fail(new Error(`relay exited before listening (${e.code ?? e.signal}):\n${this.output}`)));
    });
  }

  /** The `nth` log entry with this msg (already logged or still to come). */
  waitForLog(msg: string, nth = 1): Promise<Record<string, unknown>> {
    const seen = this.logs.filter((e) => e.msg === msg);
    if (seen.length >= nth) return Promise.resolve(seen[nth - 1]!);
    const more = nth - seen.length;
    return new Promise((resolve) => {
      let left = more;
      const waiter = {
        msg,
        resolve: (entry: Record<string, unknown>) => {
          if (--left === 0) return resolve(entry);
          this.#logWaiters.push(waiter);
        },
      };
      this.#logWaiters.push(waiter);
    });
  }

  /** Graceful stop (SIGTERM): resolves with the exit. */
  async stop(): Promise<Exit> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGTERM');
    return this.exited;
  }

  /** kill -9: no chance to flush anything. */
  async kill9(): Promise<Exit> {
    this.proc.kill('SIGKILL');
    return this.exited;
  }

  /** Stop and delete the temp directory. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

export function tokenFor(p: Participant, expiresIn: string | number = '10m', claims?: Record<string, unknown>): Promise<string> {
  return signToken(p, { secret: SECRET, issuer: ISSUER, audience: AUDIENCE, expiresIn, ...(claims ? { claims } : {}) });
}
