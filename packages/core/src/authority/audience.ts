import type { Flag, FlagEvent, Participant, PositionedEvent } from '../model.js';

export type Listener = (event: PositionedEvent) => void;
export interface Subscriber {
  actor: Participant;
  listener: Listener;
}

/**
 * Live subscribers indexed by who they are, so an event is offered only to those who could see
 * its flag — its agent, the supervisors of its team, and every supervisor once it escalated —
 * while core's `canSee` still decides for each of them (the index only narrows the candidates).
 * Fan-out then costs the audience of an event, not the number of connections.
 * The index reads an actor's role, id and teams when it subscribes: a subscriber whose teams
 * change must subscribe again (AuthoritySession does on refresh).
 */
export class Audience {
  readonly #byAgent = new Map<string, Set<Subscriber>>();
  readonly #byTeam = new Map<string, Set<Subscriber>>();
  readonly #supervisors = new Set<Subscriber>();
  /** Who is subscribed, by id (as of their latest subscription), with how many subscriptions. */
  readonly #people = new Map<string, { actor: Participant; count: number }>();

  /** Someone subscribed right now, by id: the directory hand-offs and check-ins are decided with. */
  participant(id: string): Participant | undefined {
    return this.#people.get(id)?.actor;
  }

  add(sub: Subscriber): () => void {
    const { actor } = sub;
    const person = this.#people.get(actor.id);
    this.#people.set(actor.id, { actor, count: (person?.count ?? 0) + 1 });
    let left = false;
    const forget = () => {
      if (left) return;
      left = true;
      // Gone already when the Authority closed (clear()) before its sessions did.
      const p = this.#people.get(actor.id);
      if (p && --p.count === 0) this.#people.delete(actor.id);
    };
    if (actor.role === 'agent') {
      const key = actor.id;
      join(this.#byAgent, key, sub);
      return () => {
        forget();
        leave(this.#byAgent, key, sub);
      };
    }
    const teams = [...actor.teams];
    this.#supervisors.add(sub);
    for (const team of teams) join(this.#byTeam, team, sub);
    return () => {
      forget();
      this.#supervisors.delete(sub);
      for (const team of teams) leave(this.#byTeam, team, sub);
    };
  }

  /**
   * Everyone who might see this event of the flag (a superset of those who may), each at most
   * once: with a transfer (`assigned`), the agent it left too.
   */
  *candidates(flag: Flag, event: FlagEvent): Iterable<Subscriber> {
    yield* this.#byAgent.get(flag.agent.id) ?? [];
    if (event.type === 'assigned' && event.from.id !== flag.agent.id) yield* this.#byAgent.get(event.from.id) ?? [];
    // Escalated flags reach the second tier, then every supervisor: canSee sorts them out.
    yield* flag.escalation > 0 ? this.#supervisors : (this.#byTeam.get(flag.team) ?? []);
  }

  clear(): void {
    this.#byAgent.clear();
    this.#byTeam.clear();
    this.#supervisors.clear();
    this.#people.clear();
  }
}

function join(index: Map<string, Set<Subscriber>>, key: string, sub: Subscriber): void {
  const set = index.get(key);
  if (set) set.add(sub);
  else index.set(key, new Set([sub]));
}

function leave(index: Map<string, Set<Subscriber>>, key: string, sub: Subscriber): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(sub);
  if (set.size === 0) index.delete(key);
}
