/**
 * A real redis-server (Debian's package) for tests: a free loopback port (free-port.ts), a temp directory,
 * the append-only file with fsync on every write; stop() is kill -9, start() again restarts
 * it on the same data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export class RedisServer {
  readonly dir = mkdtempSync(join(tmpdir(), 'flagline-redis-'));
  port = 0;
  #proc: ChildProcess | null = null;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(persistence: 'always' | 'none' = 'always'): Promise<void> {
    this.port ||= await freePort();
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--protected-mode', 'yes'];
    args.push(...(persistence === 'always' ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#proc = proc;
    let out = '';
    proc.stdout!.on('data', (d) => (out += d));
    await new Promise<void>((resolve, reject) => {
      const onData = () => out.includes('Ready to accept connections') && (proc.stdout!.off('data', onData), resolve());
      proc.stdout!.on('data', onData);
      proc.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
    });
  }

  /**
   * SIGSTOP: what a network partition looks like to a client: its connections stay open, new
   * ones are accepted by the kernel, and nothing is ever answered. Undo with `resume()`.
   */
  pause(): void {
    this.#proc?.kill('SIGSTOP');
  }

  resume(): void {
    this.#proc?.kill('SIGCONT');
  }

  /** kill -9: no chance to flush anything it had not already written. */
  async kill(): Promise<void> {
    const proc = this.#proc;
    if (!proc || proc.exitCode !== null) return;
    const gone = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGCONT'); // a stopped process cannot die until it runs
    proc.kill('SIGKILL');
    await gone;
    this.#proc = null;
  }

  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
