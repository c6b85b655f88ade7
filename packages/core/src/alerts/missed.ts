import { atom, type ReadableAtom } from 'nanostores';
import type { FlagClient } from '../client/types.js';
import type { FlagConfig } from '../config.js';
import type { Flag, FlagEvent, Participant } from '../model.js';
import { canSee } from '../rules.js';

/** Why a supervisor missed a flag: it escalated past them, or it was lowered, with nobody answering. */
export type MissedCause = 'escalated' | 'lowered';

export interface MissedFlag {
  /** The flag as it stood when it was missed. */
  flag: Flag;
  cause: MissedCause;
  /** When (the source of truth's stamp of the event). */
  at: number;
}

/** The most missed flags a client keeps (the oldest leave first). */
export const MISSED_LIMIT = 50;

/**
 * Whether `event` (already applied to `flag`) means `me` missed the flag: a supervisor who could
 * see it unanswered when it escalated past their tier, or when someone else lowered it before
 * anyone acknowledged it.
 */
export function missedBy(me: Participant, flag: Flag, event: FlagEvent, config: FlagConfig): MissedCause | undefined {
  if (me.role !== 'supervisor') return undefined;
  if (event.type === 'escalated') {
    const before: Flag = { ...flag, escalation: (event.level - 1) as Flag['escalation'] };
    return canSee(me, before, config) ? 'escalated' : undefined;
  }
  if (event.type === 'lowered') return !flag.acknowledgedBy && event.actor.id !== me.id && canSee(me, flag, config) ? 'lowered' : undefined;
  return undefined;
}

/**
 * The flags this client's supervisor missed while it was listening, newest first, one entry per
 * flag, at most `limit`: a record kept beside the client's stores (which forget lowered flags),
 * bounded so a long shift costs no more than its first hour.
 */
export class MissedFlags {
  readonly #store = atom<readonly MissedFlag[]>([]);
  readonly #stop: () => void;
  readonly #limit: number;

  constructor(client: FlagClient, limit = MISSED_LIMIT) {
    this.#limit = limit;
    this.#stop = client.on('event', ({ event, flag, live }) => {
      // A snapshot's events were missed or not before this page listened: it cannot tell.
      if (!live) return;
      const cause = missedBy(client.me, flag, event, client.config);
      if (cause) this.#add({ flag, cause, at: event.at });
    });
  }

  get $missed(): ReadableAtom<readonly MissedFlag[]> {
    return this.#store;
  }

  clear(): void {
    if (this.#store.get().length) this.#store.set([]);
  }

  close(): void {
    this.#stop();
  }

  #add(missed: MissedFlag): void {
    const rest = this.#store.get().filter((m) => m.flag.id !== missed.flag.id);
    this.#store.set([missed, ...rest].slice(0, this.#limit));
  }
}
