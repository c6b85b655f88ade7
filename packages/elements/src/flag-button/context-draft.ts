import type { FlagContext, Turn } from '@flagline/core';

/**
 * The conversation the agent is about to share, as the composer edits it: the whole of it on or
 * off, the summary as text (one sentence a line), and each turn kept or left out.
 */
export interface ContextDraft {
  share: boolean;
  summary: string;
  turns: readonly { turn: Turn; included: boolean }[];
}

/** A draft of everything the host's store offers (nothing to share: none). */
export function draftOf(context: FlagContext | null | undefined): ContextDraft | undefined {
  if (!context) return undefined;
  return { share: true, summary: context.summary.join('\n'), turns: context.turns.map((turn) => ({ turn, included: true })) };
}

/** What the draft shares; undefined when the agent shares nothing. Core checks its limits on raise. */
export function sharedContext(draft: ContextDraft | undefined): FlagContext | undefined {
  if (!draft?.share) return undefined;
  const summary = draft.summary
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const turns = draft.turns.filter((t) => t.included).map((t) => t.turn);
  return turns.length > 0 || summary.length > 0 ? { turns, summary } : undefined;
}
