/**
 * Term processing shared by the index and snippet selection: lowercase, drop English stop words,
 * light suffix stemming (plurals, -ing, -ed, -ment, -ation, -ive, final -e), so "requires",
 * "required" and "requirement(s)" meet, as do "measure", "measuring" and "measurement", and
 * "generative", "generated" and "generation".
 */

export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both ' +
    'but by can could did do does doing down during each few for from further had has have having he her here hers ' +
    'herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on ' +
    'once only or other our ours ourselves out over own same she should so some such than that the their theirs them ' +
    'themselves then there these they this those through to too under until up very was we were what when where which ' +
    'while who whom why will with would you your yours yourself yourselves tell please need needs want know ' +
    'i\'m i\'d we\'re what\'s let\'s us may might must shall also get got'
  ).split(/\s+/),
);

/** Words whose final "s" is not a plural. */
const KEEP_S = new Set(['bias', 'alias', 'atlas', 'canvas', 'chaos', 'ethos', 'lens', 'news', 'series', 'species', 'gdpr', 'sas', 'saas', 'paas', 'iaas', 'kpis']);

/** Tokenizer: letters and digits, keeping internal apostrophes; hyphens and slashes split words. */
export function tokenize(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu) ?? [];
}

export function stem(word: string): string {
  let w = word;
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (w === 'kpis') return 'kpi';
  w = w.replace(/['’]s$/, '');
  if (!KEEP_S.has(w)) {
    if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
    else if (w.endsWith('sses')) w = w.slice(0, -2);
    else if (w.endsWith('s') && !/(ss|us|is|ys)$/.test(w) && w.length > 3) w = w.slice(0, -1);
  }
  if (w.endsWith('ing') && w.length > 6) w = undouble(w.slice(0, -3));
  else if (w.endsWith('ed') && w.length > 5) w = undouble(w.slice(0, -2));
  if (w.endsWith('ment') && w.length > 8) w = w.slice(0, -4);
  if (w.endsWith('ation') && w.length > 7) w = w.slice(0, -3); // generation/generate, regulation/regulate
  else if (w.endsWith('ive') && w.length > 7) w = w.slice(0, -3); // generative/generated, executive/execute
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  if (w.endsWith('ll') && w.length > 5) w = w.slice(0, -1); // controlled/control, upskilling/upskill
  return w;
}

/** "planning" → "plann" → "plan"; "embedded" → "embedd" → "embed". */
function undouble(w: string): string {
  return /([^aeiouylsz])\1$/.test(w) ? w.slice(0, -1) : w;
}

/** MiniSearch `processTerm`: null drops the term. */
export function processTerm(term: string): string | null {
  const lower = term.toLowerCase().replace(/’/g, "'");
  if (lower.length === 0 || STOP_WORDS.has(lower)) return null;
  return stem(lower);
}

/** Query or text → processed terms, in order (stop words removed). */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const token of tokenize(text)) {
    const t = processTerm(token);
    if (t) out.push(t);
  }
  return out;
}
