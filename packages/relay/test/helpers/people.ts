/** Test participants: two billing agents, a support agent, two billing supervisors, a support supervisor. */
import type { Participant } from '@flagline/core';

export const ann: Participant = { id: 'ann', name: 'Ann Agent', role: 'agent', teams: ['billing'] };
export const ben: Participant = { id: 'ben', name: 'Ben Agent', role: 'agent', teams: ['billing'] };
export const cara: Participant = { id: 'cara', name: 'Cara Agent', role: 'agent', teams: ['support'] };
export const sam: Participant = { id: 'sam', name: 'Sam Supervisor', role: 'supervisor', teams: ['billing'] };
export const sid: Participant = { id: 'sid', name: 'Sid Supervisor', role: 'supervisor', teams: ['billing'] };
export const sue: Participant = { id: 'sue', name: 'Sue Supervisor', role: 'supervisor', teams: ['support'] };
