/**
 * The conversations a host feeds to Flagline, and the bounded context a flag may carry.
 * Standalone: the client or the host calls it; nothing here talks to a transport. State is
 * bounded by what is open: an interaction is forgotten when it ends, and keeps its last
 * `maxTurns` turns.
 */
import * as v from 'valibot';
import { FlagError } from '../errors.js';
import { CHANNELS, type Channel } from '../model.js';
import { fitContext, FlagContextSchema, MAX_CONTEXT_TEXT, MAX_CONTEXT_TURNS, MAX_SUMMARY_SENTENCES, TurnSchema, type FlagContext, type Turn } from '../context.js';
import { parseOrThrow } from '../parse.js';
import { maskCardNumbers } from './redact.js';
import { summarize } from './summary.js';

/** Longest turn kept, in characters; longer turns are cut (the context shares far less). */
const MAX_STORED_TURN_LENGTH = 4_000;

/** A context from anywhere (an edited one, a frame): validated, `invalid-input` FlagError otherwise. */
export function parseFlagContext(input: unknown): FlagContext {
  return parseOrThrow(FlagContextSchema, input, 'context');
}

export interface ContextOptions {
  /** Last turns shared; default 6, at most 20. */
  turns?: number;
  /** Longest shared turn or summary sentence, in characters (cut with "…"); default 280, 20 to 500. */
  maxTurnLength?: number;
  /** Summary sentences; default 2, 0 to 5. */
  summarySentences?: number;
  /** Card numbers (Luhn-valid, 13 to 19 digits) shown as "•••• 1234"; default true. */
  maskCardNumbers?: boolean;
}

const ContextOptionsSchema = v.strictObject({
  turns: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_CONTEXT_TURNS)), 6),
  maxTurnLength: v.optional(v.pipe(v.number(), v.integer(), v.minValue(20), v.maxValue(MAX_CONTEXT_TEXT)), 280),
  summarySentences: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_SUMMARY_SENTENCES)), 2),
  maskCardNumbers: v.optional(v.boolean(), true),
});

const InteractionId = v.pipe(v.string(), v.minLength(1), v.maxLength(128));
const ObserveSchema = v.strictObject({
  channel: v.picklist(CHANNELS),
  turns: v.optional(v.array(TurnSchema), []),
  /** When the interaction started (handle time counts from here); default: the first turn, else now. */
  startedAt: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});
export type ObserveInput = v.InferInput<typeof ObserveSchema>;

export type ConversationEvent =
  | { type: 'started'; interactionId: string; channel: Channel; startedAt: number }
  | { type: 'turn'; interactionId: string; channel: Channel; turn: Turn }
  | { type: 'silence'; interactionId: string; channel: Channel; durationMs: number }
  | { type: 'ended'; interactionId: string };

export interface ConversationStoreOptions {
  /** Channels whose conversation is never shared on a flag (rules still run on them). */
  disabledChannels?: readonly Channel[];
  /** Turns kept per interaction, oldest dropped first; default 200. */
  maxTurns?: number;
  /** The clock for `startedAt` when neither the host nor a turn gives one. */
  now?: () => number;
}

const StoreOptionsSchema = v.object({
  disabledChannels: v.optional(v.array(v.picklist(CHANNELS)), []),
  maxTurns: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 200),
});

interface Conversation {
  channel: Channel;
  startedAt: number;
  turns: Turn[];
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export class ConversationStore {
  readonly #conversations = new Map<string, Conversation>();
  readonly #listeners = new Set<(event: ConversationEvent) => void>();
  readonly #disabled: ReadonlySet<Channel>;
  readonly #maxTurns: number;
  readonly #now: () => number;

  constructor(options: ConversationStoreOptions = {}) {
    const { disabledChannels, maxTurns } = parseOrThrow(StoreOptionsSchema, options, 'conversation store options');
    this.#disabled = new Set(disabledChannels);
    this.#maxTurns = maxTurns;
    this.#now = options.now ?? Date.now;
  }

  /** Listen to every change (the rules engine does); returns the unsubscribe function. */
  subscribe(listener: (event: ConversationEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Start following an interaction's conversation, with the turns so far. */
  observeConversation(interactionId: string, input: ObserveInput): void {
    const id = parseOrThrow(InteractionId, interactionId, 'interaction id');
    const { channel, turns, startedAt } = parseOrThrow(ObserveSchema, input, 'conversation');
    if (this.#conversations.has(id))
      throw new FlagError('invalid-state', `The conversation of ${id} is already observed; append turns to it or end it first.`);
    const conversation: Conversation = { channel, startedAt: startedAt ?? turns[0]?.at ?? this.#now(), turns: [] };
    this.#conversations.set(id, conversation);
    this.#emit({ type: 'started', interactionId: id, channel, startedAt: conversation.startedAt });
    for (const turn of turns) this.#add(id, conversation, turn);
  }

  /** One more turn of the conversation, as it happens. */
  appendTurn(interactionId: string, turn: Turn): void {
    const conversation = this.#get(interactionId);
    this.#add(interactionId, conversation, parseOrThrow(TurnSchema, turn, 'turn'));
  }

  /** The host heard silence on a voice interaction, lasting `durationMs` so far. */
  reportSilence(interactionId: string, durationMs: number): void {
    const conversation = this.#get(interactionId);
    const ms = parseOrThrow(v.pipe(v.number(), v.minValue(0)), durationMs, 'silence duration');
    this.#emit({ type: 'silence', interactionId, channel: conversation.channel, durationMs: ms });
  }

  /** The interaction ended: its conversation is forgotten. Ending an unknown one does nothing. */
  endConversation(interactionId: string): void {
    if (this.#conversations.delete(interactionId)) this.#emit({ type: 'ended', interactionId });
  }

  /** The turns kept for an interaction (empty when it is not observed). */
  turns(interactionId: string): readonly Turn[] {
    return this.#conversations.get(interactionId)?.turns ?? [];
  }

  /**
   * What a flag on this interaction may carry: the last turns and a summary, card numbers masked,
   * each cut to `maxTurnLength`. The stored turns keep them (rules may look for them). Null when the interaction is not observed, has no turns, or its channel's
   * sharing is disabled.
   */
  contextFor(interactionId: string, options: ContextOptions = {}): FlagContext | null {
    const { turns, maxTurnLength, summarySentences, maskCardNumbers: mask } = parseOrThrow(ContextOptionsSchema, options, 'context options');
    const conversation = this.#conversations.get(interactionId);
    if (!conversation || conversation.turns.length === 0 || this.#disabled.has(conversation.channel)) return null;
    const share = (text: string) => clip(mask ? maskCardNumbers(text) : text, maxTurnLength);
    // The summary first: long options drop the oldest turns rather than exceed MAX_CONTEXT_LENGTH.
    return fitContext({
      turns: conversation.turns.slice(-turns).map((t) => ({ ...t, text: share(t.text) })),
      summary: summarySentences ? summarize(conversation.turns, { sentences: summarySentences }).map((s) => share(s.text)) : [],
    });
  }

  #get(interactionId: string): Conversation {
    const conversation = this.#conversations.get(interactionId);
    if (!conversation)
      throw new FlagError('not-found', `No conversation is observed for ${String(interactionId).slice(0, 128)}; call observeConversation first.`);
    return conversation;
  }

  #add(interactionId: string, conversation: Conversation, turn: Turn): void {
    const kept = { ...turn, text: clip(turn.text, MAX_STORED_TURN_LENGTH) };
    conversation.turns.push(kept);
    if (conversation.turns.length > this.#maxTurns) conversation.turns.shift();
    this.#emit({ type: 'turn', interactionId, channel: conversation.channel, turn: kept });
  }

  #emit(event: ConversationEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}
