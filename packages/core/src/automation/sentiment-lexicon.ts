/**
 * The sentiment lexicon shipped with @flagline/core: words with a valence from -3 (very negative)
 * to +3 (very positive), in English, Spanish and French, written for contact-center speech
 * (complaints, thanks, frustration). Words are compiled to stems (text.ts), so one entry covers
 * its inflections; a test checks that no two entries compile to one stem with different values.
 */
export const VALENCE: Readonly<Record<string, number>> = {
  // English, positive
  good: 2, great: 3, excellent: 3, amazing: 3, awesome: 3, perfect: 3, love: 3, happy: 3, glad: 2,
  satisfied: 2, thanks: 2, appreciate: 2, helpful: 2, nice: 2, wonderful: 3, fantastic: 3,
  fine: 1, best: 3, better: 2, easy: 1, quick: 1, fast: 1, resolved: 2, solved: 2, works: 1,
  brilliant: 3, superb: 3, relieved: 2, lovely: 3, smooth: 1,
  // English, negative
  bad: -2, terrible: -3, awful: -3, horrible: -3, worst: -3, worse: -2, hate: -3, angry: -3, annoyed: -2,
  annoying: -2, frustrated: -2, frustrating: -2, upset: -2, disappointed: -2, disappointing: -2,
  unacceptable: -3, ridiculous: -3, useless: -3, broken: -2, wrong: -2, problem: -1, issue: -1,
  complaint: -2, complain: -2, fail: -2, failure: -2, error: -1, slow: -1, rude: -2, scam: -3, fraud: -2,
  stupid: -3, nightmare: -3, mess: -2, waste: -2, lost: -1, unhappy: -2, sick: -2, tired: -2,
  disgusting: -3, pathetic: -3, incompetent: -3, sucks: -3, poor: -2, overcharged: -2, hopeless: -2,
  confusing: -1, confused: -1, worried: -1, sad: -2, furious: -3, joke: -2, disaster: -3, shame: -2,
  // Spanish, positive
  bueno: 2, buena: 2, buen: 2, excelente: 3, genial: 3, perfecto: 3, encanta: 3, gusta: 2, feliz: 3,
  contento: 2, satisfecho: 2, gracias: 2, agradezco: 2, amable: 2, rapido: 1, facil: 1, mejor: 2,
  maravilloso: 3, funciona: 1, resuelto: 2, estupendo: 3, fantastico: 3, bien: 2,
  // Spanish, negative
  malo: -2, mala: -2, mal: -2, pesimo: -3, peor: -2, odio: -3, enojado: -3, enfadado: -3, molesto: -2,
  frustrado: -2, decepcionado: -2, inaceptable: -3, ridiculo: -3, inutil: -3, roto: -2, problema: -1,
  queja: -2, lento: -1, grosero: -2, estafa: -3, fraude: -2, harto: -3, cansado: -2, triste: -2,
  desastre: -3, verguenza: -2, preocupado: -1, mierda: -3, fatal: -3,
  // French, positive
  bon: 2, bonne: 2, parfait: 3, super: 2, adore: 3, content: 2, heureux: 3,
  satisfait: 2, merci: 2, remercie: 2, gentil: 2, rapide: 1, facile: 1, meilleur: 2, formidable: 3,
  ravi: 3, fonctionne: 1, marche: 1, impeccable: 3,
  // French, negative
  mauvais: -2, nul: -3, pire: -3, deteste: -3, enerve: -3, fache: -3, furieux: -3, agace: -2,
  frustre: -2, decu: -2, inacceptable: -3, ridicule: -3, inutile: -3, casse: -2, probleme: -1, plainte: -2,
  erreur: -1, lent: -1, impoli: -2, arnaque: -3, escroquerie: -3, marre: -3, fatigue: -2, honte: -2,
  catastrophe: -3, scandaleux: -3, inadmissible: -3, inquiet: -1,
};

/** Words that flip the valence of the next few words (English `n't` is read as `not`). */
export const NEGATORS: readonly string[] = [
  'not', 'no', 'never', 'nothing', 'without', 'hardly',
  'nunca', 'jamas', 'tampoco', 'ni', 'sin', 'nada',
  'ne', 'n', 'pas', 'jamais', 'aucun', 'aucune', 'sans', 'rien',
];

/** Words that strengthen the next valence word. */
export const INTENSIFIERS: readonly string[] = [
  'very', 'really', 'so', 'extremely', 'totally', 'absolutely', 'completely', 'incredibly',
  'muy', 'tan', 'realmente', 'demasiado', 'totalmente',
  'tres', 'vraiment', 'tellement', 'trop', 'completement', 'absolument',
];

/** Words after which the rest of the sentence counts more and what came before counts less. */
export const CONTRASTS: readonly string[] = ['but', 'however', 'pero', 'aunque', 'mais', 'pourtant', 'cependant'];
