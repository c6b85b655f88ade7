/**
 * The rules engine: evaluates automation rules on the conversations of a ConversationStore as
 * turns arrive, and tells the host (onTrigger) when a rule suggests or auto-raises a flag.
 *
 * Noise control: after a rule fires on an interaction it stays quiet there for its `cooldownMs`;
 * a `suggest` rule fires at most once per interaction, whatever the cooldown; nothing fires while
 * `isFlagOpen(interactionId)` says the interaction already has an open flag. Counters per rule:
 * suggestions shown (emitted), accepted, dismissed, and auto-raises.
 */
import { FlagError } from '../errors.js';
import type { Channel, Severity } from '../model.js';
import type { ConversationEvent, ConversationStore } from './conversation-store.js';
import type { RuleRef, Turn } from '../context.js';
import { MAX_REGEX_INPUT, parseRules, type Rule, type RuleInput } from './rule-schema.js';
import { scoreSentiment, sentimentShift } from './sentiment.js';
import { jaccard } from './similarity.js';
import { compilePhrase, contentStems, indexOfPhrase, stems, type Phrase } from './text.js';

/** Time and timers, injectable so tests drive them. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface RuleTrigger {
  /** Unique per trigger; pass it to `accept` / `dismiss`. */
  id: string;
  ruleId: string;
  ruleName: string;
  action: Rule['action'];
  interactionId: string;
  /** What the agent is shown ("Customer mentions cancelling — raise a flag?"). */
  suggestion: string;
  /** A ready raise input: the client's `raise(trigger.raise)`, prefilled for a suggestion. */
  raise: { interactionId: string; channel: Channel; message: string; reason?: string; severity: Severity; automatic?: RuleRef };
  /** Why it fired, for the agent and the logs: the phrase or text matched, or the measure. */
  evidence: string;
  at: number;
}

export interface RuleCounters {
  shown: number;
  accepted: number;
  dismissed: number;
  autoRaised: number;
}

export interface RuleEngineOptions {
  /** Rules as JSON text or data; validated with `parseRules` (an `invalid-input` FlagError). */
  rules: string | readonly RuleInput[];
  conversations: ConversationStore;
  /** Told every trigger (also `subscribe`, e.g. a `<flag-button>` given this engine). */
  onTrigger?: (trigger: RuleTrigger) => void;
  /** True when the interaction already has an open flag: then no rule fires on it. */
  isFlagOpen?: (interactionId: string) => boolean;
  clock?: Clock;
}

/** Customer messages remembered per interaction for `repeated` rules. */
const REMEMBERED_MESSAGES = 20;

interface InteractionState {
  channel: Channel;
  customerScores: number[];
  /** Content stems of the customer's recent messages. */
  customerTerms: Set<string>[];
  lastFired: Map<string, number>;
  suggested: Set<string>;
  timers: unknown[];
}

interface CompiledRule {
  rule: Rule;
  phrases?: { text: string; phrase: Phrase }[];
  regex?: RegExp;
}

function compile(rule: Rule): CompiledRule {
  const { when } = rule;
  if (when.type === 'keywords') return { rule, phrases: when.any.map((text) => ({ text, phrase: compilePhrase(text) })) };
  if (when.type === 'regex') return { rule, regex: new RegExp(when.pattern, 'iu') };
  return { rule };
}

const duration = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);

const fromMatches = (from: 'customer' | 'agent' | 'any', turn: Turn) => from === 'any' || from === turn.from;

export class RuleEngine {
  #rules: CompiledRule[] = [];
  readonly #interactions = new Map<string, InteractionState>();
  /** Suggestions shown and not yet accepted or dismissed. */
  readonly #pending = new Map<string, RuleTrigger>();
  readonly #listeners = new Set<(trigger: RuleTrigger) => void>();
  readonly #counters = new Map<string, RuleCounters>();
  readonly #clock: Clock;
  readonly #isFlagOpen: (interactionId: string) => boolean;
  readonly #unsubscribe: () => void;
  #sequence = 0;

  constructor(options: RuleEngineOptions) {
    this.#clock = options.clock ?? systemClock;
    if (options.onTrigger) this.#listeners.add(options.onTrigger);
    this.#isFlagOpen = options.isFlagOpen ?? (() => false);
    this.setRules(options.rules);
    this.#unsubscribe = options.conversations.subscribe((event) => this.#on(event));
  }

  /** Replace the rules (an admin loaded new ones), validated first. Counters of rules that stay are kept. */
  setRules(rules: string | readonly RuleInput[]): void {
    this.#rules = parseRules(rules)
      .filter((r) => r.enabled)
      .map(compile);
  }

  /** Counters per rule id, for the metrics view and `/metrics`. */
  counters(): Record<string, RuleCounters> {
    return Object.fromEntries([...this.#counters].map(([id, c]) => [id, { ...c }]));
  }

  /** Tell `listener` every trigger from now on; returns the way to stop. */
  subscribe(listener: (trigger: RuleTrigger) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The suggestions on an interaction not yet accepted or dismissed (for a UI that starts listening late). */
  pendingSuggestions(interactionId: string): RuleTrigger[] {
    return [...this.#pending.values()].filter((t) => t.interactionId === interactionId);
  }

  /** The agent raised the flag a suggestion offered. */
  accept(triggerId: string): void {
    this.#count(this.#settle(triggerId), 'accepted');
  }

  /** The agent dismissed a suggestion. */
  dismiss(triggerId: string): void {
    this.#count(this.#settle(triggerId), 'dismissed');
  }

  /** Stop listening and clear every timer. */
  dispose(): void {
    this.#unsubscribe();
    for (const id of [...this.#interactions.keys()]) this.#end(id);
  }

  #settle(triggerId: string): string {
    const pending = this.#pending.get(triggerId);
    if (!pending) throw new FlagError('not-found', `No open suggestion ${triggerId} (already accepted or dismissed, or its interaction ended).`);
    this.#pending.delete(triggerId);
    return pending.ruleId;
  }

  #count(ruleId: string, key: keyof RuleCounters): void {
    const counters = this.#counters.get(ruleId) ?? { shown: 0, accepted: 0, dismissed: 0, autoRaised: 0 };
    counters[key]++;
    this.#counters.set(ruleId, counters);
  }

  #on(event: ConversationEvent): void {
    if (event.type === 'ended') return this.#end(event.interactionId);
    if (event.type === 'started') {
      this.#start(event.interactionId, event.channel, event.startedAt);
      return;
    }
    // An interaction observed before this engine existed: followed from now on, without a handle-time timer.
    const state = this.#interactions.get(event.interactionId) ?? this.#start(event.interactionId, event.channel, null);
    if (event.type === 'silence') {
      for (const c of this.#applicable(state)) {
        const { when } = c.rule;
        if (when.type === 'silence' && state.channel === 'voice' && event.durationMs >= when.overMs)
          this.#fire(c.rule, event.interactionId, state, `silence of ${duration(event.durationMs)}`);
      }
      return;
    }
    this.#onTurn(event.interactionId, state, event.turn);
  }

  #start(interactionId: string, channel: Channel, startedAt: number | null): InteractionState {
    const state: InteractionState = { channel, customerScores: [], customerTerms: [], lastFired: new Map(), suggested: new Set(), timers: [] };
    this.#interactions.set(interactionId, state);
    if (startedAt === null) return state;
    for (const c of this.#applicable(state)) {
      const { when } = c.rule;
      if (when.type !== 'handle-time') continue;
      const fire = () => {
        // The rules may have changed since: only a rule still in force fires, as it is now.
        const current = this.#rules.find((r) => r.rule.id === c.rule.id && r.rule.when.type === 'handle-time');
        if (current) this.#fire(current.rule, interactionId, state, `handle time over ${duration(when.overMs)}`);
      };
      state.timers.push(this.#clock.setTimeout(fire, Math.max(0, startedAt + when.overMs - this.#clock.now())));
    }
    return state;
  }

  #end(interactionId: string): void {
    const state = this.#interactions.get(interactionId);
    if (!state) return;
    for (const timer of state.timers) this.#clock.clearTimeout(timer);
    this.#interactions.delete(interactionId);
    for (const [id, pending] of this.#pending) if (pending.interactionId === interactionId) this.#pending.delete(id);
  }

  #onTurn(interactionId: string, state: InteractionState, turn: Turn): void {
    const fromCustomer = turn.from === 'customer';
    if (fromCustomer) {
      state.customerScores.push(scoreSentiment(turn.text).score);
      state.customerTerms.push(new Set(contentStems(turn.text)));
      if (state.customerTerms.length > REMEMBERED_MESSAGES) {
        state.customerTerms.shift();
        state.customerScores.shift();
      }
    }
    const tokens = stems(turn.text);
    for (const c of this.#applicable(state)) {
      const evidence = this.#match(c, state, turn, tokens, fromCustomer);
      if (evidence !== null) this.#fire(c.rule, interactionId, state, evidence);
    }
  }

  /** Why a turn makes a rule fire, or null. */
  #match(c: CompiledRule, state: InteractionState, turn: Turn, tokens: string[], fromCustomer: boolean): string | null {
    const { when } = c.rule;
    switch (when.type) {
      case 'keywords':
        if (!fromMatches(when.from, turn)) return null;
        return c.phrases!.find((p) => indexOfPhrase(tokens, p.phrase) >= 0)?.text ?? null;
      case 'regex':
        if (!fromMatches(when.from, turn)) return null;
        return c.regex!.exec(turn.text.slice(0, MAX_REGEX_INPUT))?.[0] ?? null;
      case 'sentiment-shift': {
        const shift = fromCustomer ? sentimentShift(state.customerScores, when.window) : null;
        if (!shift) return null;
        const moved = when.direction === 'negative' ? -shift.delta : shift.delta;
        return moved >= when.delta ? `sentiment ${shift.from.toFixed(2)} → ${shift.to.toFixed(2)}` : null;
      }
      case 'repeated': {
        if (!fromCustomer) return null;
        const latest = state.customerTerms[state.customerTerms.length - 1]!;
        const alike = state.customerTerms.filter((terms) => jaccard(terms, latest) >= when.similarity).length;
        return alike >= when.count ? `said ${alike} times: ${turn.text.slice(0, 80)}` : null;
      }
      default:
        return null; // silence and handle-time do not depend on turns
    }
  }

  #applicable(state: InteractionState): CompiledRule[] {
    return this.#rules.filter((c) => !c.rule.channels || c.rule.channels.includes(state.channel));
  }

  #fire(rule: Rule, interactionId: string, state: InteractionState, evidence: string): void {
    const now = this.#clock.now();
    if (this.#isFlagOpen(interactionId)) return;
    if (rule.action === 'suggest' && state.suggested.has(rule.id)) return;
    const last = state.lastFired.get(rule.id);
    if (last !== undefined && now - last < rule.cooldownMs) return;
    state.lastFired.set(rule.id, now);
    const id = `${interactionId}:${rule.id}:${++this.#sequence}`;
    const { message, reason, severity } = rule.raise;
    const trigger: RuleTrigger = {
      id,
      ruleId: rule.id,
      ruleName: rule.name,
      action: rule.action,
      interactionId,
      suggestion: rule.suggestion ?? `${rule.name} — raise a flag?`,
      // An auto-raise is marked with its rule, so the flag says who raised it.
      raise: {
        interactionId,
        channel: state.channel,
        message,
        severity,
        ...(reason ? { reason } : {}),
        ...(rule.action === 'auto-raise' ? { automatic: { ruleId: rule.id, ruleName: rule.name } } : {}),
      },
      evidence,
      at: now,
    };
    if (rule.action === 'suggest') {
      state.suggested.add(rule.id);
      this.#pending.set(id, trigger);
      this.#count(rule.id, 'shown');
    } else this.#count(rule.id, 'autoRaised');
    for (const listener of this.#listeners) listener(trigger);
  }
}
