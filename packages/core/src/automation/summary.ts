/**
 * Extractive summary: the few customer sentences that carry the customer's intent.
 *
 * Every sentence of the conversation (both sides) is a document. For a customer sentence s:
 *   content(s) = Σ over its distinct content stems t of tf(t) · idf(t), divided by √|stems(s)|
 *     tf(t)  = how often the customer used t in the whole conversation (what they keep coming back to)
 *     idf(t) = ln(1 + N / df(t)), N sentences, df(t) sentences containing t
 *   score(s) = content(s) / max content + intent cues in s (each 1, at most 2) − social cues (each 1, at most 2)
 * Intent cues are phrases such as "I want", "cancel", "refund", "speak to", "quiero", "dar de baja",
 * "je veux", "résilier" (INTENT_CUES); social cues are greetings, thanks and identification
 * ("good morning", "my name is", "gracias", "merci"). The top sentences win (ties: the earlier);
 * a sentence scoring 0 or less is never chosen (a lone "Hello."), nor one whose stems are all in one
 * already chosen; the result is in conversation order.
 */
import * as v from 'valibot';
import type { Turn } from '../context.js';
import { parseOrThrow } from '../parse.js';
import { compilePhrase, contentStems, indexOfPhrase, sentences, stems, type Phrase } from './text.js';

export const INTENT_CUES: readonly string[] = [
  // English
  'want', 'would like', 'need', 'cancel', 'close my account', 'refund', 'money back', 'charged', 'complaint',
  'speak to', 'talk to', 'manager', 'supervisor', 'not working', 'never arrived', 'never received', 'stolen',
  'fraud', 'block', 'wrong', 'unable', 'upgrade', 'change', 'switch', 'replacement',
  // Spanish
  'quiero', 'quisiera', 'necesito', 'me gustaria', 'cancelar', 'dar de baja', 'reembolso', 'devuelvan',
  'cobraron', 'queja', 'reclamacion', 'hablar con', 'encargado', 'no funciona', 'no puedo', 'nunca llego',
  'robada', 'bloquear', 'cambiar',
  // French
  'je veux', 'voudrais', 'aimerais', 'besoin', 'annuler', 'resilier', 'rembourse', 'remboursement',
  'preleve', 'plainte', 'reclamation', 'parler a', 'responsable', 'ne marche', 'ne fonctionne', 'jamais recu',
  'volee', 'bloquez', 'changer',
];

export const SOCIAL_CUES: readonly string[] = [
  'hello', 'hi', 'good morning', 'good afternoon', 'good evening', 'thanks', 'thank you', 'bye', 'my name is',
  'account number', 'customer number', 'hola', 'buenos dias', 'buenas tardes', 'buenas', 'gracias', 'adios',
  'me llamo', 'numero de cliente', 'bonjour', 'bonsoir', 'merci', 'au revoir', 'je m appelle', 'numero client', 'allo',
];

const compileAll = (list: readonly string[]) => list.map(compilePhrase);
const INTENT = compileAll(INTENT_CUES);
const SOCIAL = compileAll(SOCIAL_CUES);
const countCues = (tokens: readonly string[], cues: readonly Phrase[]) =>
  Math.min(2, cues.filter((cue) => indexOfPhrase(tokens, cue) >= 0).length);

export interface SummaryOptions {
  /** Sentences in the summary, 0 to 20; default 2. */
  sentences?: number;
}

export interface SummarySentence {
  text: string;
  score: number;
  /** Index of the turn it comes from. */
  turn: number;
}

const OptionsSchema = v.strictObject({ sentences: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(20)), 2) });

interface Candidate extends SummarySentence {
  order: number;
  terms: Set<string>;
  cues: number;
}

/** The customer sentences carrying the intent, best first then put back in conversation order. */
export function summarize(turns: readonly Turn[], options: SummaryOptions = {}): SummarySentence[] {
  const { sentences: wanted } = parseOrThrow(OptionsSchema, options, 'summary options');
  const all = turns.flatMap((turn, index) => sentences(turn.text).map((text) => ({ text, turn: index, from: turn.from })));
  const df = new Map<string, number>();
  const tf = new Map<string, number>();
  const terms = all.map((s) => contentStems(s.text));
  terms.forEach((list, i) => {
    for (const t of new Set(list)) df.set(t, (df.get(t) ?? 0) + 1);
    if (all[i]!.from === 'customer') for (const t of list) tf.set(t, (tf.get(t) ?? 0) + 1);
  });
  const idf = (t: string) => Math.log(1 + all.length / (df.get(t) ?? 1));

  const candidates: Candidate[] = [];
  all.forEach((s, order) => {
    if (s.from !== 'customer') return;
    const distinct = new Set(terms[order]);
    let content = 0;
    for (const t of distinct) content += (tf.get(t) ?? 0) * idf(t);
    const tokens = stems(s.text);
    const cues = countCues(tokens, INTENT) - countCues(tokens, SOCIAL);
    candidates.push({ text: s.text, turn: s.turn, order, terms: distinct, cues, score: distinct.size ? content / Math.sqrt(distinct.size) : 0 });
  });
  const top = candidates.reduce((best, c) => Math.max(best, c.score), Number.MIN_VALUE);
  for (const c of candidates) c.score = c.score / top + c.cues;

  const chosen: Candidate[] = [];
  for (const c of [...candidates].sort((a, b) => b.score - a.score || a.order - b.order)) {
    if (chosen.length === wanted || c.score <= 0) break;
    if (chosen.some((k) => [...c.terms].every((t) => k.terms.has(t)))) continue;
    chosen.push(c);
  }
  return chosen.sort((a, b) => a.order - b.order).map(({ text, score, turn }) => ({ text, score, turn }));
}
