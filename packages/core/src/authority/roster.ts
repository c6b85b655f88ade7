/**
 * The supervisors a source of truth knows: who is connected (its sessions), the status each set
 * (available / busy / away, kept while they are offline so a reload keeps it; in memory, so a
 * restart resets everyone to available) and since when each is idle. Offer routing reads it as
 * candidates; every participant watches the part about their own teams as a PresenceView.
 */
import type { Participant, PresenceView, SupervisorStatus } from '../model.js';
import type { Candidate } from '../routing.js';

interface Supervisor {
  /** A copy as of their latest session: a refresh changes the session's participant in place. */
  p: Participant;
  connections: number;
  status: SupervisorStatus;
  idleSince: number;
}

interface Watcher {
  actor: Participant;
  notify(view: PresenceView): void;
  /** The last view sent, as JSON: a change that does not change the view sends nothing. */
  last: string;
}

export class Roster {
  readonly #supervisors = new Map<string, Supervisor>();
  readonly #byTeam = new Map<string, Set<Supervisor>>();
  readonly #watchers = new Map<string, Set<Watcher>>();
  readonly #settleMs: number;
  /** Teams whose sessions came or went since watchers were last told (settleMs > 0). */
  readonly #unsettled = new Set<string>();
  #settleTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * `settleMs`: watchers learn of sessions opening and closing at most this often per team (0: at
   * once). A relay restarting takes every session back at once: each supervisor's return changes
   * the count every watcher of the team is shown, so 200 supervisors and 1,800 agents in teams of
   * 100 were told ~20,000 times in two seconds (bench/README.md, section 5). A status a
   * supervisor sets is told at once either way; routing reads the roster itself, never late.
   */
  constructor(settleMs = 0) {
    this.#settleMs = settleMs;
  }

  /** A supervisor's session opened; the returned function closes it. */
  enter(p: Participant, now: number): () => void {
    const s = this.#supervisors.get(p.id) ?? { p: { ...p, teams: [] }, connections: 0, status: 'available' as const, idleSince: now };
    if (s.connections === 0) s.idleSince = now;
    this.#index(s, p);
    s.connections++;
    this.#sessionsChanged(s);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      s.connections--;
      this.#sessionsChanged(s);
    };
  }

  /** A supervisor set their own status (authorized by the caller: the authenticated actor's own). */
  setStatus(p: Participant, status: SupervisorStatus, now: number): void {
    const s = this.#supervisors.get(p.id) ?? { p: { ...p, teams: [] }, connections: 0, status, idleSince: now };
    if (s.status !== 'available' && status === 'available') s.idleSince = now;
    s.status = status;
    this.#index(s, p);
    this.#tellTeams(s.p.teams);
  }

  /** A supervisor took a flag: they go to the back of the idle order. */
  took(id: string, at: number): void {
    const s = this.#supervisors.get(id);
    if (s) s.idleSince = Math.max(s.idleSince, at);
  }

  /** The supervisors of a team as routing sees them, with their load (`loadOf`). */
  candidates(team: string, load: ReadonlyMap<string, number>): Candidate[] {
    return [...(this.#byTeam.get(team) ?? [])].map((s) => ({
      ref: { id: s.p.id, name: s.p.name, role: s.p.role },
      online: s.connections > 0,
      status: s.status,
      inHand: load.get(s.p.id) ?? 0,
      idleSince: s.idleSince,
    }));
  }

  /**
   * Watch presence as `actor` may learn it: per team of theirs, how many supervisors are online
   * and available (a count, not who), and a supervisor's own status. Told now and on each change.
   */
  watch(actor: Participant, notify: (view: PresenceView) => void): () => void {
    const watcher: Watcher = { actor, notify, last: '' };
    const teams = [...actor.teams];
    for (const team of teams) (this.#watchers.get(team) ?? this.#watchers.set(team, new Set()).get(team)!).add(watcher);
    this.#tell(watcher);
    return () => {
      for (const team of teams) {
        const set = this.#watchers.get(team);
        set?.delete(watcher);
        if (set?.size === 0) this.#watchers.delete(team);
      }
    };
  }

  view(actor: Participant): PresenceView {
    const available: Record<string, number> = {};
    for (const team of actor.teams) {
      let n = 0;
      for (const s of this.#byTeam.get(team) ?? []) if (s.connections > 0 && s.status === 'available') n++;
      available[team] = n;
    }
    const me = actor.role === 'supervisor' ? this.#supervisors.get(actor.id) : undefined;
    return { available, ...(actor.role === 'supervisor' ? { status: me?.status ?? 'available' } : {}) };
  }

  clear(): void {
    this.#watchers.clear();
    this.#unsettled.clear();
    clearTimeout(this.#settleTimer);
    this.#settleTimer = undefined;
  }

  /**
   * Index a supervisor under the teams of their latest session (a refresh may change them); the
   * teams they left are told, as their count there changed.
   */
  #index(s: Supervisor, p: Participant): void {
    const left = s.p.teams.filter((team) => !p.teams.includes(team));
    for (const team of s.p.teams) this.#byTeam.get(team)?.delete(s);
    s.p = { ...p, teams: [...p.teams] };
    for (const team of p.teams) (this.#byTeam.get(team) ?? this.#byTeam.set(team, new Set()).get(team)!).add(s);
    this.#supervisors.set(p.id, s);
    if (left.length > 0) this.#tellTeams(left);
  }

  #sessionsChanged(s: Supervisor): void {
    if (this.#settleMs === 0) return this.#tellTeams(s.p.teams);
    for (const team of s.p.teams) this.#unsettled.add(team);
    if (this.#settleTimer !== undefined) return;
    this.#settleTimer = setTimeout(() => {
      this.#settleTimer = undefined;
      const teams = [...this.#unsettled];
      this.#unsettled.clear();
      this.#tellTeams(teams);
    }, this.#settleMs);
    // A pending notice never keeps a process alive (Node); browsers have no unref.
    (this.#settleTimer as { unref?: () => void }).unref?.();
  }

  #tellTeams(teams: Iterable<string>): void {
    const told = new Set<Watcher>();
    for (const team of teams)
      for (const w of this.#watchers.get(team) ?? []) {
        if (told.has(w)) continue;
        told.add(w);
        this.#tell(w);
      }
  }

  #tell(w: Watcher): void {
    const view = this.view(w.actor);
    const text = JSON.stringify(view);
    if (text === w.last) return;
    w.last = text;
    w.notify(view);
  }
}
