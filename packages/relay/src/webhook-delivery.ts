/**
 * Webhook delivery, whatever the store: at least once, in order per flag (only the oldest
 * queued event of a flag is ever in flight, so event N+1 waits until N was acknowledged),
 * signed with the Standard Webhooks headers (the `standardwebhooks` package); failures are
 * retried with exponential backoff and full jitter; an endpoint that keeps failing is paused
 * (persisted, logged, on /metrics) until an admin resumes it — nothing is dropped.
 *
 * Where the queue lives is an `Outbox`: the SQLite file (webhook-outbox-sqlite.ts, rows written
 * in the commit that records the events) or the Redis log itself (webhook-outbox-redis.ts, one
 * process delivers at a time under a lease).
 */
import { Webhook } from 'standardwebhooks';
import { toTranscriptEntry, type FlagEvent } from '@flagline/core';
import type { Logger } from './log.js';
import type { WebhookConfig, WebhookEndpoint } from './webhook-config.js';

/** A queued event: the oldest one of its flag for an endpoint. */
export interface Head {
  pos: number;
  flagId: string;
  attempts: number;
  /** The event and its interaction, or null when it was deleted since (privacy request). */
  load(): { event: FlagEvent; interactionId: string } | null;
}

export interface Paused {
  at: number;
  reason: string;
}

/** Where the queue lives. */
export interface Outbox {
  /** Heads due by `now`, oldest first, at most `limit`, none of the flags in `busy`. */
  heads(endpointId: string, now: number, limit: number, busy: ReadonlySet<string>): Head[] | Promise<Head[]>;
  done(endpointId: string, head: Head): void | Promise<void>;
  retry(endpointId: string, head: Head, nextAt: number, error: string): void | Promise<void>;
  /** Events still queued for the endpoint. */
  queued(endpointId: string): number | Promise<number>;
  /** The endpoint's pause state as stored (paused by any process, resumed by any process). */
  paused(endpointId: string): Paused | null | Promise<Paused | null>;
  setPaused(endpointId: string, paused: Paused | null): void | Promise<void>;
  /** Queue again the events from..to the endpoint wants; how many. */
  replay(endpointId: string, from: number, to: number): number | Promise<number>;
  /** Whether this process delivers now (a shared store elects one); may do housekeeping. */
  active(): boolean | Promise<boolean>;
  close(): void | Promise<void>;
  /** A shared store: drop its connection now, so what waits on it fails at once. */
  disconnect?(): void;
}

export interface EndpointStatus {
  id: string;
  url: string;
  queued: number;
  paused: Paused | null;
  delivered: number;
  failed: number;
  retried: number;
}

export interface DeliveryOptions {
  /** The store's epoch: with the log position it makes each event's webhook-id. */
  epoch: string;
  log: Logger;
  now?: () => number;
  /** How often due retries (and, on Redis, new events and the lease) are looked at. */
  pollMs?: number;
}

export class WebhookDelivery {
  readonly #config: WebhookConfig;
  readonly #outbox: Outbox;
  readonly #opts: DeliveryOptions;
  readonly #now: () => number;
  readonly #signers = new Map<string, Webhook>();
  /** Per endpoint: flags with a delivery in flight (a flag's next event waits for it). */
  readonly #inflight = new Map<string, Set<string>>();
  readonly #running = new Set<Promise<void>>();
  readonly #aborts = new Set<AbortController>();
  readonly #counts = new Map<string, { delivered: number; failed: number; retried: number; consecutive: number }>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #pumping: Promise<void> | null = null;
  #again = false;
  #failing = false;
  #closed = false;

  constructor(config: WebhookConfig, outbox: Outbox, opts: DeliveryOptions) {
    this.#config = config;
    this.#outbox = outbox;
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    for (const e of config.endpoints) {
      this.#signers.set(e.id, new Webhook(e.secret));
      this.#inflight.set(e.id, new Set());
      this.#counts.set(e.id, { delivered: 0, failed: 0, retried: 0, consecutive: 0 });
    }
  }

  start(): void {
    this.#timer ??= setInterval(() => this.wake(), this.#opts.pollMs ?? 250);
    this.wake();
  }

  /** Look for deliveries to start now (one pass at a time; a wake during a pass runs another). */
  wake(): void {
    if (this.#closed) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = this.#pump()
      .then(() => {
        if (this.#failing) this.#opts.log.warn('webhook delivery reads its outbox again');
        this.#failing = false;
      })
      .catch((err: unknown) => {
        // A store error (e.g. Redis restarting): logged once; the timer tries again (events stay queued).
        if (!this.#failing) this.#opts.log.error('webhook delivery could not read its outbox', { error: String(err) });
        this.#failing = true;
      })
      .finally(() => {
        this.#pumping = null;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  async replay(endpointId: string, from: number, to: number): Promise<number> {
    this.#endpoint(endpointId);
    const queued = await this.#outbox.replay(endpointId, from, to);
    this.wake();
    return queued;
  }

  /** An admin resumes a paused endpoint: everything queued for it is due now. */
  async resume(endpointId: string): Promise<void> {
    this.#endpoint(endpointId);
    await this.#outbox.setPaused(endpointId, null);
    this.#counts.get(endpointId)!.consecutive = 0;
    this.#opts.log.warn('webhook endpoint resumed', { endpoint: endpointId });
    this.wake();
  }

  /** Counts are this process's since it started; queued and paused are the store's. */
  async status(): Promise<EndpointStatus[]> {
    return Promise.all(
      this.#config.endpoints.map(async (e) => {
        const { delivered, failed, retried } = this.#counts.get(e.id)!;
        return { id: e.id, url: e.url, queued: await this.#outbox.queued(e.id), paused: await this.#outbox.paused(e.id), delivered, failed, retried };
      }),
    );
  }

  /** Prometheus lines for /metrics. */
  async metrics(): Promise<string> {
    const status = await this.status();
    const out: string[] = [];
    const family = (name: string, type: string, help: string, value: (s: EndpointStatus) => number) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const s of status) out.push(`${name}{endpoint="${s.id}"} ${value(s)}`);
    };
    family('flagline_webhook_queued', 'gauge', 'Events waiting in the outbox for delivery.', (s) => s.queued);
    family('flagline_webhook_delivered_total', 'counter', 'Events delivered (2xx) by this process.', (s) => s.delivered);
    family('flagline_webhook_failed_total', 'counter', 'Failed delivery attempts (non-2xx, timeout, network error); each is retried.', (s) => s.failed);
    family('flagline_webhook_retried_total', 'counter', 'Delivery attempts that were retries.', (s) => s.retried);
    family('flagline_webhook_paused', 'gauge', '1 while an endpoint is paused after failing too often.', (s) => (s.paused ? 1 : 0));
    return out.join('\n') + '\n';
  }

  /** Stops delivering; deliveries in flight are abandoned (they stay queued and are sent again). */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    for (const abort of this.#aborts) abort.abort();
    await Promise.allSettled([...this.#running, this.#pumping]);
    await this.#outbox.close();
  }

  /** Drop the outbox's store connection now (a stop that cannot wait for a store cut off): what waits on it fails. */
  disconnect(): void {
    this.#outbox.disconnect?.();
  }

  #endpoint(id: string): WebhookEndpoint {
    const endpoint = this.#config.endpoints.find((e) => e.id === id);
    if (!endpoint) throw new Error(`No webhook endpoint ${id}.`);
    return endpoint;
  }

  async #pump(): Promise<void> {
    if (this.#closed || !(await this.#outbox.active())) return;
    const now = this.#now();
    for (const endpoint of this.#config.endpoints) {
      if (await this.#outbox.paused(endpoint.id)) continue;
      const busy = this.#inflight.get(endpoint.id)!;
      const room = this.#config.concurrency - busy.size;
      if (room <= 0) continue;
      for (const head of await this.#outbox.heads(endpoint.id, now, room, busy)) {
        if (this.#closed) return;
        busy.add(head.flagId);
        const running = this.#deliver(endpoint, head).finally(() => {
          busy.delete(head.flagId);
          this.#running.delete(running);
          this.wake();
        });
        this.#running.add(running);
      }
    }
  }

  async #deliver(endpoint: WebhookEndpoint, head: Head): Promise<void> {
    const loaded = head.load();
    if (!loaded) return this.#outbox.done(endpoint.id, head); // deleted since it was queued: nothing to send
    const { event, interactionId } = loaded;
    const payload = JSON.stringify({ type: `flag.${event.type}`, timestamp: new Date(event.at).toISOString(), data: { pos: head.pos, interactionId, event, entry: toTranscriptEntry(event, interactionId) } });
    const id = `msg_${this.#opts.epoch}_${head.pos}`;
    const sentAt = new Date(this.#now());
    const counts = this.#counts.get(endpoint.id)!;
    if (head.attempts > 0) counts.retried++;
    const abort = new AbortController();
    this.#aborts.add(abort);
    let failure: string | null = null;
    try {
      const res = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          'webhook-signature': this.#signers.get(endpoint.id)!.sign(id, sentAt, payload),
        },
        body: payload,
        signal: AbortSignal.any([abort.signal, AbortSignal.timeout(this.#config.timeoutMs)]),
      });
      await res.arrayBuffer().catch(() => undefined); // the body is not needed, only the status
      if (!res.ok) failure = `HTTP ${res.status}`;
    } catch (err) {
      failure = (err as Error).name === 'TimeoutError' ? `no answer within ${this.#config.timeoutMs} ms` : String((err as Error).message);
    } finally {
      this.#aborts.delete(abort);
    }
    if (this.#closed) return; // shutting down: it stays queued and is sent after the restart
    if (failure === null) {
      await this.#outbox.done(endpoint.id, head);
      counts.delivered++;
      counts.consecutive = 0;
      return;
    }
    counts.failed++;
    counts.consecutive++;
    await this.#outbox.retry(endpoint.id, head, this.#now() + this.#backoff(head.attempts + 1), failure.slice(0, 500));
    this.#opts.log.info('webhook delivery failed; will retry', { endpoint: endpoint.id, pos: head.pos, attempt: head.attempts + 1, error: failure });
    if (counts.consecutive >= this.#config.pauseAfterFailures && !(await this.#outbox.paused(endpoint.id))) {
      const paused = { at: this.#now(), reason: `${counts.consecutive} failed attempts in a row; last: ${failure}`.slice(0, 500) };
      await this.#outbox.setPaused(endpoint.id, paused);
      this.#opts.log.error('webhook endpoint paused: its events stay queued until an admin resumes it', { endpoint: endpoint.id, url: endpoint.url, reason: paused.reason });
    }
  }

  /** Exponential backoff with full jitter: uniformly up to initial × 2^(attempt-1), capped. */
  #backoff(attempt: number): number {
    const ceiling = Math.min(this.#config.maxBackoffMs, this.#config.initialBackoffMs * 2 ** Math.min(attempt - 1, 30));
    return Math.ceil(Math.random() * ceiling);
  }
}

/** Whether an endpoint subscribes to an event (its types and teams filters). */
export function wants(endpoint: WebhookEndpoint, event: FlagEvent, teamOf: (flagId: string) => string | undefined): boolean {
  if (endpoint.types && !endpoint.types.includes(event.type)) return false;
  if (!endpoint.teams) return true;
  const team = event.type === 'raised' || event.type === 'assigned' ? event.team : teamOf(event.flagId);
  return team !== undefined && endpoint.teams.includes(team);
}
