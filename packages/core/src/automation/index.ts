/**
 * `@flagline/core/automation`: conversation context, extractive summary, sentiment, rules and
 * similar-flag grouping. Deterministic and offline; its own entry point so that hosts that do
 * not use it never load it.
 */
export { TurnSchema, FlagContextSchema, RuleRefSchema, MAX_CONTEXT_TURNS, MAX_CONTEXT_TEXT, MAX_CONTEXT_LENGTH, MAX_SUMMARY_SENTENCES, fitContext, type Turn, type FlagContext, type RuleRef } from '../context.js';
export {
  ConversationStore,
  parseFlagContext,
  type ConversationEvent,
  type ConversationStoreOptions,
  type ContextOptions,
  type ObserveInput,
} from './conversation-store.js';
export { summarize, INTENT_CUES, SOCIAL_CUES, type SummaryOptions, type SummarySentence } from './summary.js';
export { scoreSentiment, sentimentShift, NEUTRAL_BAND, type SentimentLabel, type SentimentScore, type SentimentShift } from './sentiment.js';
export {
  parseRules,
  RuleSchema,
  RuleSetSchema,
  unsafePatternReason,
  MAX_PATTERN_LENGTH,
  MAX_PATTERN_COST,
  MAX_REGEX_INPUT,
  type Rule,
  type RuleInput,
  type RuleCondition,
} from './rule-schema.js';
export { RuleEngine, systemClock, type Clock, type RuleCounters, type RuleEngineOptions, type RuleTrigger } from './rule-engine.js';
export { groupSimilarFlags, tokenSetSimilarity, DEFAULT_SIMILARITY, type SimilarFlagInput, type SimilarGroup, type SimilarityOptions } from './similarity.js';
export { EXAMPLE_RULES } from './example-rules.js';
export { fetchTeamRules, SuggestionReporter, MAX_REPORTED_COUNT, type RelayRulesOptions, type SuggestionCounts, type SuggestionReport } from './team-rules.js';
export { fold, stem } from './text.js';
