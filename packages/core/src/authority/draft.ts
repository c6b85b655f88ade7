/**
 * The state decisions read, and a draft of it: a group of commands on shared storage is
 * decided one after another, each seeing what the earlier ones in the group wrote, while the
 * Authority's own state stays untouched until the group's commit succeeds.
 */
import { applyEvent, type DecisionState } from '../machine.js';
import type { Flag, FlagEvent, Participant } from '../model.js';
import type { Candidate } from '../routing.js';

/** Offer routing's view of a team's supervisors, given the open flags (for their load). */
export type CandidateSource = (team: string, openFlags: Iterable<Flag>) => readonly Candidate[];

interface MapLike<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): unknown;
  delete(key: string): unknown;
}

/**
 * Flags by id, the open flag of each interaction, and the latest flag of each interaction (its
 * agent owns the interaction: every flag on it was raised by that agent).
 */
interface TrackedState {
  flags: MapLike<Flag>;
  open: MapLike<string>;
  latest: MapLike<string>;
}

/** The Authority's own tracked state, which a draft reads but never writes. */
export interface BaseState {
  flags: ReadonlyMap<string, Flag>;
  open: ReadonlyMap<string, string>;
  latest: ReadonlyMap<string, string>;
}

/** Apply one event to tracked state; the Authority and drafts both go through here. */
export function track(state: TrackedState, event: FlagEvent): Flag {
  const flag = applyEvent(state.flags.get(event.flagId), event);
  state.flags.set(flag.id, flag);
  if (event.type === 'raised') {
    state.latest.set(flag.interactionId, flag.id);
    state.open.set(flag.interactionId, flag.id);
  } else if (event.type === 'lowered') {
    state.open.delete(flag.interactionId);
  }
  return flag;
}

const GONE = Symbol('gone');

/** A map that reads through to a base map it never writes. */
class Overlay<V> implements MapLike<V> {
  readonly #own = new Map<string, V | typeof GONE>();
  constructor(readonly base: ReadonlyMap<string, V>) {}

  get(key: string): V | undefined {
    if (!this.#own.has(key)) return this.base.get(key);
    const value = this.#own.get(key)!;
    return value === GONE ? undefined : value;
  }
  set(key: string, value: V): void {
    this.#own.set(key, value);
  }
  delete(key: string): void {
    this.#own.set(key, GONE);
  }
  *values(): IterableIterator<V> {
    for (const [key, value] of this.base) if (!this.#own.has(key)) yield value;
    for (const value of this.#own.values()) if (value !== GONE) yield value;
  }
}

/** The host's assignments of interactions to agents, kept outside the log (the relay's service API). */
export interface Assignments {
  get(interactionId: string): string | undefined;
}

/** Who is online at the source of truth, by id (its subscribers). */
export interface Directory {
  participant(id: string): Participant | undefined;
}

export class Draft implements DecisionState {
  readonly #state: { flags: Overlay<Flag>; open: Overlay<string>; latest: Overlay<string> };
  readonly #assignments: Assignments | undefined;
  readonly #directory: Directory;
  readonly #candidates: CandidateSource | undefined;

  constructor(base: BaseState, directory: Directory, assignments?: Assignments, candidates?: CandidateSource) {
    this.#state = { flags: new Overlay(base.flags), open: new Overlay(base.open), latest: new Overlay(base.latest) };
    this.#directory = directory;
    this.#assignments = assignments;
    this.#candidates = candidates;
  }

  candidates(team: string): readonly Candidate[] {
    return this.#candidates?.(team, this.openFlags()) ?? [];
  }

  participant(id: string): Participant | undefined {
    return this.#directory.participant(id);
  }

  assignee(interactionId: string): string | undefined {
    return this.#assignments?.get(interactionId);
  }

  flag(id: string): Flag | undefined {
    return this.#state.flags.get(id);
  }
  openFlagFor(interactionId: string): Flag | undefined {
    const id = this.#state.open.get(interactionId);
    return id === undefined ? undefined : this.flag(id);
  }
  interactionAgent(interactionId: string): string | undefined {
    const latest = this.#state.latest.get(interactionId);
    return latest === undefined ? undefined : this.flag(latest)?.agent.id;
  }
  openFlags(): Flag[] {
    return [...this.#state.open.values()].map((id) => this.flag(id)!);
  }
  apply(events: FlagEvent[]): void {
    for (const event of events) track(this.#state, event);
  }
}

/**
 * The state, plus someone the source of truth's directory found who is not subscribed here (on
 * another relay process): a hand-off to them or a check-in with them is decided as for a subscriber.
 */
export function withParticipant(state: DecisionState, found: Participant | undefined): DecisionState {
  if (!found) return state;
  return {
    flag: (id) => state.flag(id),
    openFlagFor: (interactionId) => state.openFlagFor(interactionId),
    interactionAgent: (interactionId) => state.interactionAgent(interactionId),
    ...(state.assignee ? { assignee: (interactionId: string) => state.assignee!(interactionId) } : {}),
    ...(state.candidates ? { candidates: (team: string) => state.candidates!(team) } : {}),
    participant: (id) => state.participant?.(id) ?? (id === found.id ? found : undefined),
  };
}

/**
 * The state, plus one flag read back from storage because it left memory (lowered long ago, so
 * it never changes again): a command on it is decided as if it had never left.
 */
export function withStoredFlag(state: DecisionState, stored: Flag | undefined): DecisionState {
  if (!stored) return state;
  return {
    flag: (id) => state.flag(id) ?? (id === stored.id ? stored : undefined),
    openFlagFor: (interactionId) => state.openFlagFor(interactionId),
    interactionAgent: (interactionId) => state.interactionAgent(interactionId),
    ...(state.assignee ? { assignee: (interactionId: string) => state.assignee!(interactionId) } : {}),
    ...(state.participant ? { participant: (id: string) => state.participant!(id) } : {}),
    ...(state.candidates ? { candidates: (team: string) => state.candidates!(team) } : {}),
  };
}
