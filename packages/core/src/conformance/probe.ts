/**
 * A minimal client for the conformance suite: it connects a Transport, records everything the
 * transport reports, keeps a resume point like a real client and lets a test wait for a
 * condition. Waiting is event-driven; the timeout only turns "never happened" into a failure.
 */
import type { FlagError } from '../errors.js';
import type { FlagEvent, Participant, PositionedEvent, ResumePoint } from '../model.js';
import type { ConnectionStatus, Transport } from '../transport.js';
import { equal, fail, ok, show } from './check.js';

export interface Welcome {
  me: Participant;
  epoch: string;
  pos: number;
  resumed: boolean;
}

export class Probe {
  readonly welcomes: Welcome[] = [];
  /** Every event as delivered, duplicates included. */
  readonly delivered: PositionedEvent[] = [];
  readonly statuses: ConnectionStatus[] = [];
  readonly errors: FlagError[] = [];
  /** Contradictions seen while recording (reported by assertConsistent, never thrown into the transport). */
  readonly violations: string[] = [];
  /** What the client knows per flag, by seq (from live events, replays and snapshots). */
  readonly #known = new Map<string, Map<number, FlagEvent>>();
  readonly #waiters = new Set<() => void>();
  #resume: ResumePoint | null;
  readonly #timeoutMs: number;

  constructor(
    readonly name: string,
    readonly transport: Transport,
    opts: { resume?: ResumePoint | null; timeoutMs: number; knows?: readonly FlagEvent[] },
  ) {
    this.#resume = opts.resume ?? null;
    this.#timeoutMs = opts.timeoutMs;
    // A client resuming from a point already knows what came before it.
    for (const event of opts.knows ?? []) this.#know(event);
    transport.connect({
      resumePoint: () => this.#resume,
      welcome: (info) => {
        this.welcomes.push(info);
        // Not resumed: the client starts over from where the source of truth stands now.
        if (!info.resumed) this.#resume = { epoch: info.epoch, pos: info.pos };
        this.#changed();
      },
      event: (pe) => {
        this.#record(pe);
        this.#changed();
      },
      status: (s) => {
        this.statuses.push(s);
        this.#changed();
      },
      error: (e) => {
        this.errors.push(e);
        this.#changed();
      },
    });
  }

  get resumePoint(): ResumePoint | null {
    return this.#resume;
  }

  /** Every event this client knows, per flag in seq order. */
  allEvents(): FlagEvent[] {
    return [...this.#known.keys()].flatMap((id) => this.events(id));
  }

  /** The flag's events this client knows, in seq order. */
  events(flagId: string): FlagEvent[] {
    return [...(this.#known.get(flagId)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
  }

  /** Live deliveries of one flag, duplicates included. */
  deliveredFor(flagId: string): PositionedEvent[] {
    return this.delivered.filter((pe) => pe.event.flagId === flagId);
  }

  lastSeq(flagId: string): number {
    return this.events(flagId).at(-1)?.seq ?? 0;
  }

  /** Take a snapshot and merge it, as a client does when the source of truth could not resume it. */
  async catchUp(): Promise<void> {
    const snap = await this.transport.snapshot();
    for (const event of snap.events) this.#know(event);
    this.#resume = { epoch: snap.epoch, pos: Math.max(snap.pos, this.#resume?.epoch === snap.epoch ? this.#resume.pos : 0) };
    this.#changed();
  }

  /** Resolve once `condition()` holds; fail after the timeout with `what` and the probe's state. */
  until(condition: () => boolean, what: string): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`${this.name} waited ${this.#timeoutMs} ms for ${what}; it saw ${this.welcomes.length} welcome(s), ${this.delivered.length} event(s), errors ${show(this.errors.map((e) => e.code))}`));
      }, this.#timeoutMs);
      this.#waiters.add(check);
    });
  }

  /** Wait until the client knows this flag up to `seq`. */
  untilSeq(flagId: string, seq: number): Promise<void> {
    return this.until(() => this.lastSeq(flagId) >= seq, `flag ${flagId} to reach seq ${seq}`);
  }

  untilWelcomes(count: number): Promise<void> {
    return this.until(() => this.welcomes.length >= count, `welcome #${count}`);
  }

  /**
   * What every client may rely on: for each flag, the known events are exactly 1..last with no
   * gap; a repeated delivery is identical to the first; distinct live events arrive in
   * increasing log position.
   */
  assertConsistent(): void {
    if (this.violations.length) fail(this.violations.join('\n'));
    const byPos = new Map<number, string>();
    let lastPos = 0;
    for (const pe of this.delivered) {
      const key = show(pe.event);
      const earlier = byPos.get(pe.pos);
      if (earlier !== undefined) {
        equal(key, earlier, `${this.name}: redelivery of log position ${pe.pos}`);
        continue;
      }
      ok(pe.pos > lastPos, `${this.name}: event at position ${pe.pos} arrived after position ${lastPos}`);
      lastPos = pe.pos;
      byPos.set(pe.pos, key);
    }
    for (const [flagId, events] of this.#known) {
      const seqs = [...events.keys()].sort((a, b) => a - b);
      seqs.forEach((seq, i) => ok(seq === i + 1, `${this.name}: flag ${flagId} has a gap, seqs ${show(seqs)}`));
    }
  }

  close(): void {
    this.transport.close();
  }

  #record(pe: PositionedEvent): void {
    this.delivered.push(pe);
    this.#know(pe.event);
    if (this.#resume && pe.pos > this.#resume.pos) this.#resume = { epoch: this.#resume.epoch, pos: pe.pos };
  }

  #know(event: FlagEvent): void {
    let flag = this.#known.get(event.flagId);
    if (!flag) this.#known.set(event.flagId, (flag = new Map()));
    const earlier = flag.get(event.seq);
    if (earlier && show(earlier) !== show(event))
      this.violations.push(`${this.name}: two different events with seq ${event.seq} on flag ${event.flagId}: ${show(earlier)} and ${show(event)}`);
    else flag.set(event.seq, event);
  }

  #changed(): void {
    for (const check of [...this.#waiters]) check();
  }
}
