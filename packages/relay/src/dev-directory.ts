/**
 * The sample people of dev mode: the dev-only token endpoint signs tokens for them, and the
 * demo offers them as "log in as". Two teams of agents (billing has six, for the demo's scripted
 * outage), a supervisor for each team (two for billing, whose flags are offer-routed in the
 * demo, and to whom a hand-off can go), and a second-tier supervisor who sees escalated flags.
 * Never used when a real key is configured.
 */
import type { Participant } from '@flagline/core';

export const DEV_SECOND_TIER_TEAMS: readonly string[] = ['escalations'];

export const DEV_DIRECTORY: readonly Participant[] = Object.freeze([
  { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['billing'] },
  { id: 'ben', name: 'Ben Agent', role: 'agent', teams: ['billing'] },
  { id: 'eve', name: 'Eve Agent', role: 'agent', teams: ['billing'] },
  { id: 'fay', name: 'Fay Agent', role: 'agent', teams: ['billing'] },
  { id: 'gus', name: 'Gus Agent', role: 'agent', teams: ['billing'] },
  { id: 'hal', name: 'Hal Agent', role: 'agent', teams: ['billing'] },
  { id: 'cara', name: 'Cara Agent', role: 'agent', teams: ['support'] },
  { id: 'dev', name: 'Dev Agent', role: 'agent', teams: ['support'] },
  { id: 'sam', name: 'Sam Supervisor', role: 'supervisor', teams: ['billing'] },
  { id: 'nia', name: 'Nia Supervisor', role: 'supervisor', teams: ['billing'] },
  { id: 'sue', name: 'Sue Supervisor', role: 'supervisor', teams: ['support', 'escalations'] },
]) as readonly Participant[];

export function devParticipant(id: string): Participant | undefined {
  return DEV_DIRECTORY.find((p) => p.id === id);
}
