import type { InferOutput } from 'valibot';
import type { Participant } from './model.js';
import type { CommandSchema, OutcomeSchema } from './schemas.js';

/** What a participant asks the source of truth to do. Identity is never part of a command. */
export type Command = InferOutput<typeof CommandSchema>;

export type CommandType = Command['type'];

/**
 * What a host backend asks for itself, not on a participant's behalf (the relay's service API):
 * end an interaction (its open flag is lowered), or assign / transfer it to an agent (its open
 * flag moves to that agent; the agent, in `team` or their first team, owns it from now on).
 */
export type ServiceCommand =
  | { type: 'end-interaction'; interactionId: string }
  | { type: 'assign'; interactionId: string; agent: Participant; team?: string };

/** A command with its client-generated id: retrying the same id never repeats the effect. */
export interface CommandEnvelope {
  id: string;
  command: Command;
}

/**
 * The source of truth's answer to a command, stored permanently with its id.
 * `changed: false` means the command was accepted but had nothing left to do
 * (for example lowering a flag someone else lowered a moment earlier).
 */
export type Outcome = InferOutput<typeof OutcomeSchema>;
