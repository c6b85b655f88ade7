/**
 * The reference webhook receiver (examples/crm-webhook) as a real process, and a fault proxy
 * in front of it that answers 500s, hangs, delays, or forwards and then loses the answer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../../..');
export const RECEIVER = resolve(root, 'examples/crm-webhook/receiver.mjs');
export const WEBHOOK_SECRET = 'whsec_' + Buffer.from('flagline-test-webhook-secret-32b').toString('base64');

export class ReceiverProcess {
  private constructor(
    readonly proc: ChildProcess,
    readonly port: number,
    readonly exited: Promise<void>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static start(dbFile: string, port = 0): Promise<ReceiverProcess> {
    const proc = spawn(process.execPath, [RECEIVER], {
      cwd: root,
      env: { ...process.env, WEBHOOK_SECRET, DB: dbFile, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const exited = new Promise<void>((done) => proc.once('exit', () => done()));
    let output = '';
    return new Promise((ok, fail) => {
      proc.stdout!.on('data', (chunk: Buffer) => {
        output += chunk;
        const line = output.split('\n').find((l) => l.includes('"listening"'));
        if (line) ok(new ReceiverProcess(proc, (JSON.parse(line) as { port: number }).port, exited));
      });
      proc.stderr!.on('data', (chunk: Buffer) => (output += chunk));
      void exited.then(() => fail(new Error(`receiver exited before listening:\n${output}`)));
    });
  }

  async kill9(): Promise<void> {
    this.proc.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGTERM');
    await this.exited;
  }
}

export type FaultMode = 'pass' | 'fail' | 'hang' | 'slow' | 'lose-answer';

/** An HTTP proxy whose next requests fail the way `decide` says. */
export class FaultProxy {
  mode: (n: number) => FaultMode = () => 'pass';
  target = 0;
  requests = 0;
  readonly #hanging = new Set<ServerResponse>();
  #onHang: (() => void) | null = null;

  private constructor(readonly server: Server) {}

  static async start(): Promise<FaultProxy> {
    const proxy: FaultProxy = new FaultProxy(createServer((req, res) => proxy.#handle(req, res)));
    await new Promise<void>((ok) => proxy.server.listen(0, '127.0.0.1', ok));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/flagline`;
  }

  /** Resolves once a request is being held unanswered. */
  hanging(): Promise<void> {
    return this.#hanging.size ? Promise.resolve() : new Promise((ok) => (this.#onHang = ok));
  }

  async close(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise((ok) => this.server.close(ok));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const mode = this.mode(++this.requests);
    if (mode === 'fail') return void res.writeHead(500).end('injected failure');
    if (mode === 'hang') {
      this.#hanging.add(res);
      res.on('close', () => this.#hanging.delete(res));
      this.#onHang?.();
      this.#onHang = null;
      return;
    }
    if (mode === 'slow') await new Promise((ok) => setTimeout(ok, 30));
    const forwarded = request({ host: '127.0.0.1', port: this.target, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      const body: Buffer[] = [];
      answer.on('data', (c: Buffer) => body.push(c));
      answer.on('end', () => {
        // The receiver wrote it, but the relay never hears so: it must send it again.
        if (mode === 'lose-answer') return void res.destroy();
        res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(body));
      });
    });
    forwarded.on('error', () => res.writeHead(502).end('receiver unreachable'));
    forwarded.end(Buffer.concat(chunks));
  }
}
