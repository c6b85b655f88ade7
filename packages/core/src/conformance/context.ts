/** What every conformance test gets: the harness, probes it closes afterwards, and helpers. */
import type { Command, CommandEnvelope, Outcome } from '../commands.js';
import type { FlagEvent, Participant, ResumePoint } from '../model.js';
import type { Transport } from '../transport.js';
import { fail, show } from './check.js';
import { Probe } from './probe.js';
import { randomId } from '../random-id.js';

/** The source of truth under test, as the suite drives it. See runTransportConformance. */
export interface TransportHarness {
  /**
   * A NEW, not yet connected Transport authenticated as `participant` (one of
   * CONFORMANCE_PARTICIPANTS). The suite calls `connect` on it and closes it when done.
   */
  transportFor(participant: Participant): Transport;
  /**
   * Optional: drop every open connection as a network failure would. Transports must then
   * reconnect by themselves and resume; offering this enables the "dropped connection" tests.
   */
  dropConnections?(): void | Promise<void>;
  /**
   * Optional: stop the source of truth and start it again on the same durable data (same
   * epoch). Connected transports must reconnect by themselves. Enables the "restart" tests.
   */
  restart?(): Promise<void>;
  /** Release everything the harness created. Called after every test, even a failed one. */
  close(): Promise<void>;
}

export type OkOutcome = Extract<Outcome, { ok: true }>;

export class TestContext {
  readonly #probes: Probe[] = [];
  constructor(
    readonly harness: TransportHarness,
    readonly timeoutMs: number,
  ) {}

  /** A connected client for `participant`. */
  probe(participant: Participant, opts: { resume?: ResumePoint | null; knows?: readonly FlagEvent[] } = {}): Probe {
    const transport = this.harness.transportFor(participant);
    // Over a real network a command can commit before a slower client's hello, and a client
    // only sees events from its welcome on: every command waits until all probes are welcomed.
    const execute = transport.execute.bind(transport);
    transport.execute = async (envelope) => {
      await this.allWelcomed();
      return execute(envelope);
    };
    const probe = new Probe(`${participant.id}#${this.#probes.length + 1}`, transport, { ...opts, timeoutMs: this.timeoutMs });
    this.#probes.push(probe);
    return probe;
  }

  /** Resolves once every probe created so far has been welcomed at least once. */
  allWelcomed(): Promise<void> {
    return Promise.all(this.#probes.map((p) => p.untilWelcomes(1))).then(() => {});
  }

  closeAll(): void {
    for (const p of this.#probes) p.close();
  }
}

/** A fresh id: tests never collide, even on a source of truth that keeps data between tests. */
export function uid(prefix = 'c'): string {
  return `${prefix}-${randomId()}`;
}

export function envelope(command: Command, id = uid()): CommandEnvelope {
  return { id, command };
}

export async function expectOk(promise: Promise<Outcome>, what: string): Promise<OkOutcome> {
  let outcome: Outcome;
  try {
    outcome = await promise;
  } catch (err) {
    return fail(`${what}: rejected with ${String(err)}`);
  }
  if (!outcome.ok) fail(`${what}: expected success, got ${show(outcome.error)}`);
  return outcome;
}

/** Raise a flag on a fresh voice interaction as `probe`'s agent; returns the flag id. */
export async function raiseFlag(probe: Probe, extra: Partial<Extract<Command, { type: 'raise' }>> = {}): Promise<string> {
  const outcome = await expectOk(
    probe.transport.execute(envelope({ type: 'raise', interactionId: uid('i'), channel: 'voice', message: 'Caller wants a refund', ...extra })),
    'raise',
  );
  if (!outcome.flagId) fail(`raise: the outcome names no flag: ${show(outcome)}`);
  return outcome.flagId;
}
