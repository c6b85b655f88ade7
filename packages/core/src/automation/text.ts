/**
 * Text normalization shared by every automation scorer: folding (case, accents, apostrophes),
 * tokens, sentences and a light suffix-stripping stemmer for English, Spanish and French.
 *
 * The stemmer does not know the language of a word: it strips the longest known en/es/fr suffix
 * that leaves at least 4 letters, twice, then undoubles a final double consonant (shorter stems
 * collided: "mess"/"mes", "cansado"/"can"). It is not a
 * linguistic stemmer; it only has to map the inflections of one word to one key
 * ("cancelling", "cancelled", "cancellation", "cancelar", "cancelé" → "cancel";
 * "annuler", "annulée", "annulation" → "annul").
 */

/** Lower case, no accents (NFD then combining marks removed), typographic apostrophes as `'`. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[’‘`´]/g, "'")
    .toLowerCase();
}

/** Folded words in order. English `n't` becomes `not`, French elisions split (`l'abonnement` → `l abonnement`). */
export function words(text: string): string[] {
  const folded = fold(text).replace(/n't\b/g, ' not');
  return folded.match(/[\p{L}\p{N}]+/gu) ?? [];
}

const SUFFIXES = [
  // Spanish
  'amientos', 'imientos', 'amiento', 'imiento', 'aciones', 'iciones', 'acion', 'icion', 'ieron', 'aron', 'ando', 'iendo',
  'ados', 'adas', 'idos', 'idas', 'ado', 'ada', 'ido', 'ida', 'aba', 'aban', 'amos', 'emos', 'imos', 'ar', 'ir', 'as', 'os', 'an', 'a', 'o',
  // French
  'ements', 'ement', 'ments', 'ment', 'ations', 'ees', 'ee', 'ez', 'ons', 'ais', 'ait', 'ent', 'x',
  // English
  'ation', 'ances', 'ance', 'ences', 'ence', 'ingly', 'ings', 'ing', 'edly', 'ers', 'er', 'ed', 'ly', 'ies', 'es', 'en', 'y', 's', 'e',
].sort((a, b) => b.length - a.length);

const MIN_STEM = 4;

function stripOnce(word: string): string {
  for (const suffix of SUFFIXES) {
    if (word.endsWith(suffix) && word.length - suffix.length >= MIN_STEM) return word.slice(0, -suffix.length);
  }
  return word;
}

/** The stem of one folded word (see the module comment). Digits and short words are kept as they are. */
export function stem(word: string): string {
  if (word.length <= MIN_STEM || /\d/.test(word)) return word;
  let out = stripOnce(stripOnce(word));
  const last = out[out.length - 1];
  if (out.length > MIN_STEM && last === out[out.length - 2] && !/[aeiou]/.test(last ?? 'a')) out = out.slice(0, -1);
  return out;
}

/** Stems of every word of a text, in order (stop words included: phrases need them). */
export function stems(text: string): string[] {
  return words(text).map(stem);
}

const STOP_WORDS = new Set(
  [
    // English
    'a', 'an', 'the', 'and', 'or', 'but', 'if', 'of', 'to', 'in', 'on', 'at', 'for', 'with', 'from', 'by', 'as', 'is', 'are', 'was', 'were',
    'be', 'been', 'am', 'it', 'its', 'this', 'that', 'these', 'those', 'i', 'me', 'my', 'we', 'our', 'you', 'your', 'he', 'she', 'they',
    'them', 'his', 'her', 'their', 'do', 'does', 'did', 'have', 'has', 'had', 'so', 'just', 'there', 'here', 'what', 'which', 'who',
    'will', 'would', 'can', 'could', 'should', 'about', 'up', 'out', 'all', 'any', 'some', 'ok', 'okay', 'yes', 'oh', 'well', 'also', 'then',
    // Spanish
    'el', 'la', 'los', 'las', 'un', 'una', 'unos', 'unas', 'y', 'o', 'de', 'del', 'al', 'en', 'con', 'por', 'para', 'que', 'es', 'son',
    'mi', 'mis', 'su', 'sus', 'tu', 'yo', 'me', 'se', 'le', 'lo', 'les', 'esta', 'este', 'esto', 'eso', 'ese', 'muy', 'pero', 'como',
    'ya', 'si', 'hay', 'he', 'ha', 'han', 'fue', 'estoy', 'esta', 'soy', 'bien', 'usted',
    // French
    'le', 'les', 'une', 'des', 'du', 'et', 'ou', 'au', 'aux', 'dans', 'sur', 'pour', 'par', 'avec', 'qui', 'que', 'qu', 'ce', 'cet',
    'cette', 'ces', 'mon', 'ma', 'mes', 'ton', 'ta', 'son', 'sa', 'ses', 'notre', 'votre', 'vos', 'je', 'j', 'tu', 'il', 'elle', 'nous',
    'vous', 'ils', 'elles', 'l', 'd', 'c', 's', 'm', 't', 'est', 'suis', 'sont', 'ai', 'as', 'a', 'ont', 'y', 'en', 'oui', 'bon', 'alors',
  ].map(fold),
);

/** Content stems of a text: stop words removed, then stemmed. */
export function contentStems(text: string): string[] {
  return words(text)
    .filter((w) => !STOP_WORDS.has(w))
    .map(stem);
}

/** Sentences of a text: split after `.`, `!`, `?`, `…` and at line breaks; empty pieces dropped. */
export function sentences(text: string): string[] {
  return (text.match(/[^.!?…\n]+[.!?…]*/g) ?? []).map((s) => s.trim()).filter((s) => /[\p{L}\p{N}]/u.test(s));
}

/** A phrase compiled to stems, matched as a contiguous run of stems. */
export type Phrase = readonly string[];

export function compilePhrase(phrase: string): Phrase {
  return stems(phrase);
}

/** Where `phrase` occurs in `tokens` (stems), or -1. An empty phrase never matches. */
export function indexOfPhrase(tokens: readonly string[], phrase: Phrase): number {
  if (phrase.length === 0) return -1;
  outer: for (let i = 0; i + phrase.length <= tokens.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (tokens[i + j] !== phrase[j]) continue outer;
    return i;
  }
  return -1;
}
