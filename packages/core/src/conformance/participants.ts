import type { Participant } from '../model.js';

/**
 * The participants the conformance suite acts as. A harness's `transportFor` must return a
 * connection that the source of truth authenticates as exactly this participant (same id,
 * role and teams), e.g. by minting a token for it.
 */
export const CONFORMANCE_PARTICIPANTS = Object.freeze({
  /** Agent on team-a. */
  ann: { id: 'conf-ann', name: 'Ann Agent', role: 'agent', teams: ['team-a'] },
  /** Another agent on team-a. */
  bob: { id: 'conf-bob', name: 'Bob Agent', role: 'agent', teams: ['team-a'] },
  /** Agent on team-b. */
  cat: { id: 'conf-cat', name: 'Cat Agent', role: 'agent', teams: ['team-b'] },
  /** Supervisor of team-a. */
  sue: { id: 'conf-sue', name: 'Sue Supervisor', role: 'supervisor', teams: ['team-a'] },
  /** Another supervisor of team-a. */
  sam: { id: 'conf-sam', name: 'Sam Supervisor', role: 'supervisor', teams: ['team-a'] },
  /** Supervisor of team-b only. */
  tom: { id: 'conf-tom', name: 'Tom Supervisor', role: 'supervisor', teams: ['team-b'] },
} satisfies Record<string, Participant>) as Readonly<Record<'ann' | 'bob' | 'cat' | 'sue' | 'sam' | 'tom', Participant>>;
