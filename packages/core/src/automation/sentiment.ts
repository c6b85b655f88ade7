/**
 * Lexicon-based sentiment (documented in the package README, "Automation"):
 * each word's valence comes from the shipped lexicon (by stem); a negator among the 3 words
 * before it in the same clause flips it (× -0.75), an intensifier among the 2 words before
 * strengthens it (× 1.5); after a contrast word ("but", "pero", "mais") words count × 1.5 and
 * before it × 0.5. The sum is squashed to -1…1 with sum / √(sum² + 15) (as VADER does).
 * Deterministic, no model, no network.
 */
import { CONTRASTS, INTENSIFIERS, NEGATORS, VALENCE } from './sentiment-lexicon.js';
import { fold, sentences, stem, words } from './text.js';

export type SentimentLabel = 'positive' | 'negative' | 'neutral';

export interface SentimentScore {
  /** -1 (very negative) … 1 (very positive). */
  score: number;
  label: SentimentLabel;
}

/** |score| below this is neutral. */
export const NEUTRAL_BAND = 0.05;

export interface CompiledLexicon {
  valence: Map<string, number>;
  /** Stems that two entries gave different values (the first one wins); should be empty. */
  conflicts: string[];
}

export function compileLexicon(entries: Readonly<Record<string, number>>): CompiledLexicon {
  const valence = new Map<string, number>();
  const conflicts: string[] = [];
  for (const [word, value] of Object.entries(entries)) {
    const key = stem(fold(word));
    const known = valence.get(key);
    if (known === undefined) valence.set(key, value);
    else if (known !== value) conflicts.push(`${word} → ${key}`);
  }
  return { valence, conflicts };
}

const LEXICON = compileLexicon(VALENCE).valence;
const NEGATOR_SET = new Set(NEGATORS);
const INTENSIFIER_SET = new Set(INTENSIFIERS);
const CONTRAST_SET = new Set(CONTRASTS);

function sentenceValence(sentence: string): number {
  const clauses = sentence.split(/[,;:()—–-]+/).map(words);
  const all = clauses.flat();
  const contrastAt = all.findIndex((w) => CONTRAST_SET.has(w));
  let sum = 0;
  let position = 0;
  for (const clause of clauses) {
    clause.forEach((word, i) => {
      const at = position + i;
      let value = LEXICON.get(stem(word)) ?? 0;
      if (value === 0) return;
      const before = clause.slice(Math.max(0, i - 3), i);
      if (before.slice(-2).some((w) => INTENSIFIER_SET.has(w))) value *= 1.5;
      if (before.some((w) => NEGATOR_SET.has(w))) value *= -0.75;
      if (contrastAt >= 0) value *= at > contrastAt ? 1.5 : 0.5;
      sum += value;
    });
    position += clause.length;
  }
  return sum;
}

export function scoreSentiment(text: string): SentimentScore {
  const sum = sentences(text).reduce((total, s) => total + sentenceValence(s), 0);
  const score = sum / Math.sqrt(sum * sum + 15);
  const label: SentimentLabel = score > NEUTRAL_BAND ? 'positive' : score < -NEUTRAL_BAND ? 'negative' : 'neutral';
  return { score, label };
}

export interface SentimentShift {
  /** Mean score of the turns before the recent window. */
  from: number;
  /** Mean score of the last `window` turns. */
  to: number;
  /** `to - from`: negative when the customer turned sour. */
  delta: number;
}

/**
 * The change between the mean of the last `window` scores and the mean of the up to `window`
 * scores before them; null until there is at least one score before the window.
 */
export function sentimentShift(scores: readonly number[], window: number): SentimentShift | null {
  if (scores.length <= window) return null;
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const to = mean(scores.slice(-window));
  const from = mean(scores.slice(Math.max(0, scores.length - 2 * window), -window));
  return { from, to, delta: to - from };
}
