// Splits a patient's reply into the words the classifier compares: lower case, accents and repeated
// letters dropped, contractions and elisions spelled out, emoji named. Each word remembers where it
// stood (to quote a proposed time as written) and its clause (a negation never crosses one).

export interface Word {
  /** Normalised form, compared with the lexicon (which goes through the same steps). */
  norm: string;
  /** Offsets of the word as the patient wrote it. */
  start: number;
  end: number;
  /** Clauses are split at punctuation and at contrast words ("but", "pero", "aber"...). */
  clause: number;
}

export interface ReplyWords {
  text: string;
  words: Word[];
  /** Written as a question: a question mark, or a question word first. */
  question: boolean;
  /** Emoji the reply carries besides its words (a reply of emoji alone is still a reply). */
  emoji: number;
}

export const EMOJI_YES = 'emoji_yes';
export const EMOJI_NO = 'emoji_no';
const YES_EMOJI = new Set(['👍', '👌', '✅', '✔', '☑', '🆗', '🙆', '🤝']);
const NO_EMOJI = new Set(['👎', '❌', '✖', '🚫', '⛔', '🙅', '❎']);

/** Words after which a new clause starts: what follows them is often the opposite of what came before. */
// Not "mas" nor "mais": without accents they are also "more" (Spanish "más", Portuguese "mais").
const CONTRAST = new Set(['but', 'pero', 'sino', 'aber', 'sondern', 'only', 'just', 'solo', 'seulement', 'juste', 'nur', 'apenas']);

const QUESTION_WORDS = new Set(
  ['what', 'where', 'when', 'who', 'why', 'how', 'which', 'donde', 'cuando', 'cual', 'cuanto', 'cuanta', 'quien',
    'ou', 'quand', 'comment', 'combien', 'qui', 'quel', 'quelle', 'wo', 'wann', 'wie', 'wer', 'welche', 'warum',
    'onde', 'quando', 'quanto', 'quem', 'qual'].map(squeeze),
);

// English without apostrophes, as phones type it.
const BARE_CONTRACTIONS: Record<string, string[]> = {
  cant: ['can', 'not'], cannot: ['can', 'not'], dont: ['do', 'not'], wont: ['will', 'not'], didnt: ['did', 'not'],
  doesnt: ['does', 'not'], isnt: ['is', 'not'], wasnt: ['was', 'not'], couldnt: ['could', 'not'], wouldnt: ['would', 'not'],
  shouldnt: ['should', 'not'], havent: ['have', 'not'], hasnt: ['has', 'not'], arent: ['are', 'not'], im: ['i', 'am'],
  ive: ['i', 'have'], youre: ['you', 'are'], thats: ['that', 'is'], whats: ['what', 'is'], gonna: ['going', 'to'],
  wanna: ['want', 'to'], gotta: ['have', 'to'], aujourdhui: ['aujourdhui'],
};
const IS_AFTER = new Set(['it', 'that', 'what', 'there', 'here', 'he', 'she', 'who', 'where', 'how']);
const FRENCH_ELISIONS: Record<string, string> = { j: 'je', n: 'ne', m: 'me', t: 'te', s: 'se', l: 'le', d: 'de', c: 'ce', qu: 'que' };

/** Accents off, ß and ligatures spelled out; lower case. */
function plain(word: string): string {
  return word
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae');
}

/**
 * Repeated letters squeezed to one, so "yesss", "siii" and "cancell" read as "yes", "si", "cancel";
 * but one letter typed over and over ("kkkk", Brazilian laughter) stays as it is.
 */
export function squeeze(word: string): string {
  if (/^([a-z])\1{2,}$/.test(word)) return word;
  return word.replace(/([a-z])\1+/g, '$1');
}

/** One written word as the words it stands for ("can't" → can not, "n'annulez" → ne annulez). */
function spellOut(word: string): string[] {
  const w = plain(word).replace(/’/g, "'");
  if (w in BARE_CONTRACTIONS) return BARE_CONTRACTIONS[w];
  if (w === "aujourd'hui") return ['aujourdhui'];
  const apostrophe = w.indexOf("'");
  if (apostrophe < 0) return [w];
  const head = w.slice(0, apostrophe);
  const tail = w.slice(apostrophe + 1);
  if (head in FRENCH_ELISIONS) return [FRENCH_ELISIONS[head], ...spellOut(tail)];
  if (tail === 't' && head.endsWith('n')) {
    const verb = head.slice(0, -1);
    return [verb === 'ca' ? 'can' : verb === 'wo' ? 'will' : verb === 'sha' ? 'shall' : verb, 'not'];
  }
  const suffix: Record<string, string> = { ll: 'will', m: 'am', re: 'are', ve: 'have', d: 'would' };
  if (tail in suffix) return [head, suffix[tail]];
  if (tail === 's') return IS_AFTER.has(head) ? [head, 'is'] : head === 'let' ? ['let', 'us'] : [head];
  return [head + tail];
}

const EMOJI_MODIFIERS = /[\u{1F3FB}-\u{1F3FF}\uFE0F\u200D]/gu;
// Emoji (with skin tones and joiners) | clock times and numeric dates | words | question marks | clause breaks.
const TOKEN =
  /(\p{Extended_Pictographic}(?:[\u{1F3FB}-\u{1F3FF}\uFE0F\u200D]|\p{Extended_Pictographic})*)|(\d{1,2}[:h]\d{2}|\d{1,2}\/\d{1,2}(?:\/\d{2,4})?)|([\p{L}\p{N}]+(?:['’][\p{L}]+)*)|([?¿])|([,.;:!()\n\r]|\s[-–]\s)/gu;

/** The normalised words of a phrase, exactly as a reply's words are normalised. */
export function phraseWords(phrase: string): string[] {
  return readReply(phrase).words.map((w) => w.norm);
}

export function readReply(text: string): ReplyWords {
  // "a.m." and "p.m." would otherwise break into letters and clause breaks.
  const source = text.normalize('NFC').replace(/\b([aApP])\.\s?[mM]\.?/g, (m, l: string) => `${l}m${' '.repeat(m.length - 2)}`);
  const words: Word[] = [];
  let clause = 0;
  let question = false;
  let emoji = 0;
  const push = (norm: string, start: number, end: number) => {
    if (CONTRAST.has(norm) && words.length > 0) clause++;
    words.push({ norm, start, end, clause });
  };
  for (const m of source.matchAll(TOKEN)) {
    const [token, pictograph, clock, word, questionMark, clauseBreak] = m;
    const start = m.index;
    const end = start + token.length;
    if (pictograph !== undefined) {
      const bare = pictograph.replace(EMOJI_MODIFIERS, '');
      if (YES_EMOJI.has(bare)) push(EMOJI_YES, start, end);
      else if (NO_EMOJI.has(bare)) push(EMOJI_NO, start, end);
      else emoji++;
    } else if (clock !== undefined) {
      push(clock.toLowerCase(), start, end);
    } else if (word !== undefined) {
      for (const part of spellOut(word)) push(squeeze(part), start, end);
    } else if (questionMark !== undefined) {
      question = true;
      clause++;
    } else if (clauseBreak !== undefined) {
      // "12. März": the dot of a German ordinal ends no clause.
      const previous = words[words.length - 1];
      const ordinal = clauseBreak === '.' && previous !== undefined && /^\d{1,2}$/.test(previous.norm) && /^\s+\p{L}/u.test(source.slice(end));
      if (!ordinal) clause++;
    }
  }
  if (words.length === 0) question = false;
  else if (QUESTION_WORDS.has(words[0].norm)) question = true;
  return { text, words, question, emoji };
}
