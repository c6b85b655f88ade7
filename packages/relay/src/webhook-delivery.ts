/**
 * Webhook delivery from the durable outbox (SQLite, migration 3). Every committed event an
 * endpoint wants is queued in the same transaction that records it (`enqueue`, run inside the
 * store's commit), so a crash loses nothing: a row leaves the outbox only once the endpoint
 * answered 2xx. At least once, in order per flag (only the oldest queued event of a flag is
 * ever sent, so event N+1 waits for N), signed with Standard Webhooks headers; failures are
 * retried with exponential backoff and full jitter; an endpoint that keeps failing is paused
 * (persisted, logged, on /metrics) until an admin resumes it — nothing is dropped.
 */
import type Database from 'better-sqlite3';
import { Webhook } from 'standardwebhooks';
import { toTranscriptEntry, type FlagEvent, type PositionedEvent } from '@flagline/core';
import type { Logger } from './log.js';
import type { WebhookConfig, WebhookEndpoint } from './webhook-config.js';

export interface DeliveryOptions {
  /** The store's epoch: with the log position it makes each event's webhook-id. */
  epoch: string;
  log: Logger;
  /** A flag's team now (for events that do not carry one). */
  teamOf(flagId: string): string | undefined;
  now?: () => number;
  /** How often due retries are looked for (new events wake delivery at once). */
  pollMs?: number;
}

export interface EndpointStatus {
  id: string;
  url: string;
  queued: number;
  paused: { at: number; reason: string } | null;
  delivered: number;
  failed: number;
  retried: number;
}

interface Row {
  pos: number;
  flag_id: string;
  attempts: number;
}

export class WebhookDelivery {
  readonly #config: WebhookConfig;
  readonly #opts: DeliveryOptions;
  readonly #now: () => number;
  readonly #signers = new Map<string, Webhook>();
  /** Per endpoint: flags with a delivery in flight (a flag's next event waits for it). */
  readonly #inflight = new Map<string, Set<string>>();
  readonly #running = new Set<Promise<void>>();
  readonly #aborts = new Set<AbortController>();
  readonly #counts = new Map<string, { delivered: number; failed: number; retried: number; consecutive: number }>();
  readonly #paused = new Map<string, { at: number; reason: string }>();
  readonly #stmt: Record<'insert' | 'heads' | 'event' | 'done' | 'retry' | 'pause' | 'resume' | 'due' | 'queued' | 'range', Database.Statement>;
  #timer: ReturnType<typeof setInterval> | undefined;
  #woken = false;
  #closed = false;

  constructor(db: Database.Database, config: WebhookConfig, opts: DeliveryOptions) {
    this.#config = config;
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    for (const e of config.endpoints) {
      this.#signers.set(e.id, new Webhook(e.secret));
      this.#inflight.set(e.id, new Set());
      this.#counts.set(e.id, { delivered: 0, failed: 0, retried: 0, consecutive: 0 });
    }
    this.#stmt = {
      insert: db.prepare('INSERT OR IGNORE INTO webhook_outbox (endpoint_id, pos, flag_id, next_at) VALUES (?, ?, ?, ?)'),
      // The oldest queued event of each flag, if due: only heads are sent, so a flag's order holds.
      heads: db.prepare(`
        SELECT o.pos, o.flag_id, o.attempts FROM webhook_outbox o
        JOIN (SELECT flag_id, MIN(pos) AS pos FROM webhook_outbox WHERE endpoint_id = @endpoint GROUP BY flag_id) h ON h.pos = o.pos
        WHERE o.endpoint_id = @endpoint AND o.next_at <= @now ORDER BY o.pos LIMIT @limit`),
      event: db.prepare('SELECT body, interaction_id FROM events WHERE pos = ?'),
      done: db.prepare('DELETE FROM webhook_outbox WHERE endpoint_id = ? AND pos = ?'),
      retry: db.prepare('UPDATE webhook_outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE endpoint_id = ? AND pos = ?'),
      pause: db.prepare('INSERT INTO webhook_endpoints (id, paused_at, reason) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET paused_at = excluded.paused_at, reason = excluded.reason'),
      resume: db.prepare('UPDATE webhook_endpoints SET paused_at = NULL, reason = NULL WHERE id = ?'),
      due: db.prepare('UPDATE webhook_outbox SET next_at = ? WHERE endpoint_id = ?'),
      queued: db.prepare('SELECT COUNT(*) AS n FROM webhook_outbox WHERE endpoint_id = ?'),
      range: db.prepare('SELECT pos, body FROM events WHERE pos BETWEEN ? AND ? ORDER BY pos'),
    };
    for (const row of db.prepare('SELECT id, paused_at, reason FROM webhook_endpoints WHERE paused_at IS NOT NULL').all() as { id: string; paused_at: number; reason: string }[])
      if (this.#signers.has(row.id)) this.#paused.set(row.id, { at: row.paused_at, reason: row.reason });
  }

  /** Queue committed events for the endpoints that want them. Runs inside the store's commit transaction. */
  enqueue(events: readonly PositionedEvent[]): void {
    if (events.length === 0) return;
    const now = this.#now();
    for (const { pos, event } of events) {
      for (const endpoint of this.#config.endpoints) if (this.#wants(endpoint, event)) this.#stmt.insert.run(endpoint.id, pos, event.flagId, now);
    }
    // After the transaction commits (it is synchronous), not inside it.
    setImmediate(() => this.wake());
  }

  start(): void {
    this.#timer ??= setInterval(() => this.wake(), this.#opts.pollMs ?? 250);
    this.wake();
  }

  /** Look for deliveries to start now. */
  wake(): void {
    if (this.#closed || this.#woken) return;
    this.#woken = true;
    queueMicrotask(() => {
      this.#woken = false;
      try {
        this.#pump();
      } catch (err) {
        // A store error: logged; the timer tries again (rows stay queued, nothing is lost).
        this.#opts.log.error('webhook delivery could not read the outbox', { error: String(err) });
      }
    });
  }

  /** Queue again the events with positions from..to (inclusive) that the endpoint wants; returns how many. */
  replay(endpointId: string, from: number, to: number): number {
    const endpoint = this.#endpoint(endpointId);
    const now = this.#now();
    let queued = 0;
    for (const row of this.#stmt.range.all(from, to) as { pos: number; body: string }[]) {
      const event = JSON.parse(row.body) as FlagEvent;
      if (this.#wants(endpoint, event)) queued += this.#stmt.insert.run(endpoint.id, row.pos, event.flagId, now).changes;
    }
    this.wake();
    return queued;
  }

  /** An admin resumes a paused endpoint: everything queued for it is due now. */
  resume(endpointId: string): void {
    this.#endpoint(endpointId);
    this.#stmt.resume.run(endpointId);
    this.#stmt.due.run(this.#now(), endpointId);
    this.#paused.delete(endpointId);
    this.#counts.get(endpointId)!.consecutive = 0;
    this.#opts.log.warn('webhook endpoint resumed', { endpoint: endpointId });
    this.wake();
  }

  status(): EndpointStatus[] {
    return this.#config.endpoints.map((e) => {
      const { delivered, failed, retried } = this.#counts.get(e.id)!;
      return { id: e.id, url: e.url, queued: (this.#stmt.queued.get(e.id) as { n: number }).n, paused: this.#paused.get(e.id) ?? null, delivered, failed, retried };
    });
  }

  /** Prometheus lines for /metrics. */
  metrics(): string {
    const out: string[] = [];
    const family = (name: string, type: string, help: string, value: (s: EndpointStatus) => number) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const s of this.status()) out.push(`${name}{endpoint="${s.id}"} ${value(s)}`);
    };
    family('flagline_webhook_queued', 'gauge', 'Events waiting in the outbox for delivery.', (s) => s.queued);
    family('flagline_webhook_delivered_total', 'counter', 'Events delivered (2xx).', (s) => s.delivered);
    family('flagline_webhook_failed_total', 'counter', 'Failed delivery attempts (non-2xx, timeout, network error); each is retried.', (s) => s.failed);
    family('flagline_webhook_retried_total', 'counter', 'Delivery attempts that were retries.', (s) => s.retried);
    family('flagline_webhook_paused', 'gauge', '1 while an endpoint is paused after failing too often.', (s) => (s.paused ? 1 : 0));
    return out.join('\n') + '\n';
  }

  /** Stops delivering; deliveries in flight are abandoned (their rows stay queued). */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    for (const abort of this.#aborts) abort.abort();
    await Promise.allSettled([...this.#running]);
  }

  #wants(endpoint: WebhookEndpoint, event: FlagEvent): boolean {
    if (endpoint.types && !endpoint.types.includes(event.type)) return false;
    if (!endpoint.teams) return true;
    const team = event.type === 'raised' || event.type === 'assigned' ? event.team : this.#opts.teamOf(event.flagId);
    return team !== undefined && endpoint.teams.includes(team);
  }

  #endpoint(id: string): WebhookEndpoint {
    const endpoint = this.#config.endpoints.find((e) => e.id === id);
    if (!endpoint) throw new Error(`No webhook endpoint ${id}.`);
    return endpoint;
  }

  #pump(): void {
    if (this.#closed) return;
    const now = this.#now();
    for (const endpoint of this.#config.endpoints) {
      if (this.#paused.has(endpoint.id)) continue;
      const busy = this.#inflight.get(endpoint.id)!;
      const room = this.#config.concurrency - busy.size;
      if (room <= 0) continue;
      const rows = this.#stmt.heads.all({ endpoint: endpoint.id, now, limit: room + busy.size }) as Row[];
      for (const row of rows.filter((r) => !busy.has(r.flag_id)).slice(0, room)) {
        busy.add(row.flag_id);
        const running = this.#deliver(endpoint, row).finally(() => {
          busy.delete(row.flag_id);
          this.#running.delete(running);
          this.wake();
        });
        this.#running.add(running);
      }
    }
  }

  async #deliver(endpoint: WebhookEndpoint, row: Row): Promise<void> {
    const stored = this.#stmt.event.get(row.pos) as { body: string; interaction_id: string } | undefined;
    if (!stored) {
      // Its interaction was deleted (privacy request) after it was queued: nothing to send.
      this.#stmt.done.run(endpoint.id, row.pos);
      return;
    }
    const event = JSON.parse(stored.body) as FlagEvent;
    const interactionId = stored.interaction_id;
    const payload = JSON.stringify({ type: `flag.${event.type}`, timestamp: new Date(event.at).toISOString(), data: { pos: row.pos, interactionId, event, entry: toTranscriptEntry(event, interactionId) } });
    const id = `msg_${this.#opts.epoch}_${row.pos}`;
    const sentAt = new Date(this.#now());
    const counts = this.#counts.get(endpoint.id)!;
    if (row.attempts > 0) counts.retried++;
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
    if (this.#closed) return; // shutting down: the row stays queued and is sent after the restart
    if (failure === null) {
      this.#stmt.done.run(endpoint.id, row.pos);
      counts.delivered++;
      counts.consecutive = 0;
      return;
    }
    counts.failed++;
    counts.consecutive++;
    this.#stmt.retry.run(this.#now() + this.#backoff(row.attempts + 1), failure.slice(0, 500), endpoint.id, row.pos);
    this.#opts.log.info('webhook delivery failed; will retry', { endpoint: endpoint.id, pos: row.pos, attempt: row.attempts + 1, error: failure });
    if (counts.consecutive >= this.#config.pauseAfterFailures && !this.#paused.has(endpoint.id)) {
      const paused = { at: this.#now(), reason: `${counts.consecutive} failed attempts in a row; last: ${failure}`.slice(0, 500) };
      this.#stmt.pause.run(endpoint.id, paused.at, paused.reason);
      this.#paused.set(endpoint.id, paused);
      this.#opts.log.error('webhook endpoint paused: its events stay queued until an admin resumes it', { endpoint: endpoint.id, url: endpoint.url, reason: paused.reason });
    }
  }

  /** Exponential backoff with full jitter: uniformly up to initial × 2^(attempt-1), capped. */
  #backoff(attempt: number): number {
    const ceiling = Math.min(this.#config.maxBackoffMs, this.#config.initialBackoffMs * 2 ** Math.min(attempt - 1, 30));
    return Math.ceil(Math.random() * ceiling);
  }
}
