// Finds the lexicon's words and idioms in a reply: longest idiom first, so "no problem" is read
// before "no"; then words typed with a typo; then which of them a negation reaches ("can't come",
// "n'annulez pas", "ich komme nicht"). The classifier decides from the cues found here.
import {
  FALSE_FRIENDS,
  LANGUAGES,
  LEXICON,
  NEGATIONS,
  PAST_AUXILIARIES,
  TRAILING_NEGATIONS,
  TRANSPARENT,
  COMMON_WORDS,
  type CueKind,
  type Language,
} from './reply-lexicon';
import { isSwap, typoAllowance, typoDistance } from './typo-distance';
import { phraseWords, type ReplyWords, type Word } from './reply-words';

export interface Cue {
  kind: CueKind;
  /** Languages whose lexicon holds the phrase. */
  languages: Language[];
  /** Index of its first and last word in the reply. */
  first: number;
  last: number;
  clause: number;
  /** A negation reaches it. */
  negated: boolean;
  /** That negation tells a past fact ("did not send"), not a wish. */
  pastNegation: boolean;
  /** Matched despite a typo. */
  typo: boolean;
}

type Part = { word: string } | { stem: string } | { gap: true };
interface Pattern {
  kind: CueKind;
  languages: Language[];
  parts: Part[];
}

/** A negation reaches at most this many words (not counting transparent ones). */
const NEGATION_REACH = 3;
const GAP_WORDS = 3;
/** Intent words a negation turns around; the others (frames, "more", "again"...) it passes over. */
const NEGATABLE: ReadonlySet<CueKind> = new Set<CueKind>([
  'confirm', 'attend', 'cancel', 'reschedule', 'need', 'contact', 'receive', 'opt_out', 'opt_in', 'shift', 'able', 'miss', 'want',
]);
/** Negated, these pass the negation on to the verb after them ("no puedo ir", "don't want to receive"). */
const AUXILIARY: ReadonlySet<CueKind> = new Set<CueKind>(['able', 'want']);

function compile(phrase: string): Part[] {
  return phrase.split(/\s+/).flatMap((token): Part[] => {
    if (token === '…') return [{ gap: true }];
    if (token.endsWith('*')) return phraseWords(token.slice(0, -1)).map((stem) => ({ stem }));
    return phraseWords(token).map((word) => ({ word }));
  });
}

function buildPatterns(): Pattern[] {
  const byKey = new Map<string, Pattern>();
  for (const language of LANGUAGES) {
    for (const [kind, phrases] of Object.entries(LEXICON[language]) as [CueKind, string[]][]) {
      for (const phrase of phrases) {
        const parts = compile(phrase);
        const key = `${kind}|${JSON.stringify(parts)}`;
        const known = byKey.get(key);
        if (known) {
          if (!known.languages.includes(language)) known.languages.push(language);
        } else {
          byKey.set(key, { kind, languages: [language], parts });
        }
      }
    }
  }
  return [...byKey.values()];
}

const PATTERNS = buildPatterns();
const BY_FIRST_WORD = new Map<string, Pattern[]>();
const STEM_FIRST: Pattern[] = [];
for (const p of PATTERNS) {
  const head = p.parts[0];
  if ('word' in head) BY_FIRST_WORD.set(head.word, [...(BY_FIRST_WORD.get(head.word) ?? []), p]);
  else STEM_FIRST.push(p);
}

const words = (list: readonly string[]) => new Set(list.flatMap(phraseWords));
const NEGATION_WORDS = words(NEGATIONS);
const TRANSPARENT_WORDS = words(TRANSPARENT);
const PAST_WORDS = words(PAST_AUXILIARIES);
const COMMON_BY_LANGUAGE = Object.fromEntries(LANGUAGES.map((l) => [l, words(COMMON_WORDS[l])])) as Record<Language, Set<string>>;
/** Words that are right as written: never read as a typo of another word. */
const KNOWN_WORDS = new Set<string>([
  ...PATTERNS.flatMap((p) => p.parts.flatMap((part) => ('word' in part ? [part.word] : []))),
  ...NEGATION_WORDS,
  ...TRANSPARENT_WORDS,
  ...Object.values(COMMON_BY_LANGUAGE).flatMap((set) => [...set]),
]);

function sameWord(written: string, part: Exclude<Part, { gap: true }>, typos: boolean): 'exact' | 'typo' | null {
  if ('word' in part) {
    if (written === part.word) return 'exact';
    if (!typos || KNOWN_WORDS.has(written)) return null;
    const allowed = typoAllowance(part.word.length);
    if (allowed === 0) return written.length >= 3 && isSwap(written, part.word) ? 'typo' : null;
    return typoDistance(written, part.word, allowed) <= allowed ? 'typo' : null;
  }
  if (written.startsWith(part.stem)) return 'exact';
  if (!typos || KNOWN_WORDS.has(written)) return null;
  const allowed = typoAllowance(part.stem.length);
  if (allowed === 0) return null;
  // A stem is a word's beginning: compare it with the beginnings of about its length.
  for (const length of [part.stem.length - 1, part.stem.length, part.stem.length + 1]) {
    if (length <= written.length && typoDistance(written.slice(0, length), part.stem, allowed) <= allowed) return 'typo';
  }
  return null;
}

/** Where the pattern matching from `start` ends (inclusive), or -1; typos only on words not yet read. */
function matchAt(list: Word[], start: number, parts: Part[], covered: boolean[], typos: boolean): { last: number; typo: boolean } | null {
  const clause = list[start].clause;
  const step = (at: number, p: number, typo: boolean): { last: number; typo: boolean } | null => {
    if (p === parts.length) return { last: at - 1, typo };
    const part = parts[p];
    if ('gap' in part) {
      for (let skip = 0; skip <= GAP_WORDS; skip++) {
        const found = step(at + skip, p + 1, typo);
        if (found) return found;
      }
      return null;
    }
    if (at >= list.length || list[at].clause !== clause || covered[at]) return null;
    // One typo per idiom at most: two would make too many idioms out of ordinary words.
    const same = sameWord(list[at].norm, part, typos && !typo);
    return same ? step(at + 1, p + 1, typo || same === 'typo') : null;
  };
  return step(start, 0, false);
}

/**
 * Patterns whose first word a typed word could be a typo of: same first letter (people rarely miss
 * the first one) and a length within reach. Cached by letter and length: the lexicon is fixed.
 */
const TYPO_CANDIDATES = new Map<string, Pattern[]>();
function typoCandidates(word: string): Pattern[] {
  const key = `${word[0]}${word.length}`;
  let found = TYPO_CANDIDATES.get(key);
  if (!found) {
    found = PATTERNS.filter(({ parts: [head] }) => {
      if ('word' in head) {
        const allowed = typoAllowance(head.word.length);
        const reach = allowed === 0 ? head.word.length === word.length : Math.abs(head.word.length - word.length) <= allowed;
        return reach && head.word[0] === word[0];
      }
      return 'stem' in head && head.stem[0] === word[0] && typoAllowance(head.stem.length) > 0 && word.length >= head.stem.length - 1;
    });
    TYPO_CANDIDATES.set(key, found);
  }
  return found;
}

function candidates(word: string, typos: boolean): Pattern[] {
  if (typos) return typoCandidates(word);
  return [...(BY_FIRST_WORD.get(word) ?? []), ...STEM_FIRST.filter((p) => 'stem' in p.parts[0] && word.startsWith(p.parts[0].stem))];
}

/** The longest idioms first, left to right; then, over what is left, the same with typos allowed. */
function findPhrases(reply: ReplyWords): Cue[] {
  const list = reply.words;
  const covered = list.map(() => false);
  const cues: Cue[] = [];
  for (const typos of [false, true]) {
    for (let i = 0; i < list.length; i++) {
      if (covered[i] || (typos && (list[i].norm.length < 3 || KNOWN_WORDS.has(list[i].norm)))) continue;
      let best: { pattern: Pattern; last: number; typo: boolean } | null = null;
      for (const pattern of candidates(list[i].norm, typos)) {
        const found = matchAt(list, i, pattern.parts, covered, typos);
        if (found && (!best || found.last > best.last)) best = { pattern, ...found };
      }
      if (!best) continue;
      for (let k = i; k <= best.last; k++) covered[k] = true;
      cues.push({
        kind: best.pattern.kind,
        languages: best.pattern.languages,
        first: i,
        last: best.last,
        clause: list[i].clause,
        negated: false,
        pastNegation: false,
        typo: best.typo,
      });
    }
  }
  return cues.sort((a, b) => a.first - b.first);
}

/** Marks the cue each free-standing negation reaches: the first intent word after it, or (nicht, pas) just before. */
function applyNegations(reply: ReplyWords, cues: Cue[]): void {
  const list = reply.words;
  const coveredBy = (i: number) => cues.find((c) => c.first <= i && i <= c.last);
  const negate = (cue: Cue, negation: number) => {
    cue.negated = true;
    cue.pastNegation ||= negation > 0 && PAST_WORDS.has(list[negation - 1].norm);
  };
  list.forEach((word, n) => {
    if (!NEGATION_WORDS.has(word.norm) || coveredBy(n)) return;
    let counted = 0;
    for (let k = n + 1; k < list.length && list[k].clause === word.clause && counted < NEGATION_REACH; k++) {
      const cue = cues.find((c) => c.first === k);
      if (cue && NEGATABLE.has(cue.kind)) {
        negate(cue, n);
        if (!AUXILIARY.has(cue.kind)) break;
      }
      if (cue) k = cue.last;
      if (!TRANSPARENT_WORDS.has(list[k].norm) && !NEGATION_WORDS.has(list[k].norm)) counted++;
    }
    const reachBack = TRAILING_NEGATIONS[word.norm] ?? 0;
    for (let k = n - 1, counted = 0; k >= 0 && list[k].clause === word.clause && counted < reachBack; k--) {
      const cue = coveredBy(k);
      if (cue && NEGATABLE.has(cue.kind)) {
        negate(cue, n);
        break;
      }
      if (!TRANSPARENT_WORDS.has(list[k].norm)) counted++;
    }
  });
}

/** The reply's language: its intent words and common words vote, the patient's locale breaks ties. */
export function replyLanguage(reply: ReplyWords, cues: Cue[], locale?: string): Language | undefined {
  const votes = new Map<Language, number>();
  const vote = (language: Language, weight: number) => votes.set(language, (votes.get(language) ?? 0) + weight);
  for (const cue of cues) for (const language of cue.languages) vote(language, 1 / cue.languages.length);
  for (const word of reply.words) {
    for (const language of LANGUAGES) if (COMMON_BY_LANGUAGE[language].has(word.norm)) vote(language, 0.5);
  }
  const hinted = LANGUAGES.find((l) => locale?.toLowerCase().startsWith(l));
  if (hinted) vote(hinted, 0.25);
  let best: Language | undefined;
  for (const [language, count] of votes) if (!best || count > votes.get(best)!) best = language;
  return best;
}

export interface ReadCues {
  cues: Cue[];
  language: Language | undefined;
  /** Clauses holding a negation of their own (not one inside an idiom such as "no problem"). */
  negativeClauses: Set<number>;
}

export function findCues(reply: ReplyWords, locale?: string): ReadCues {
  const found = findPhrases(reply);
  applyNegations(reply, found);
  const language = replyLanguage(reply, found, locale);
  const cues = found.filter((c) => !(language && FALSE_FRIENDS[reply.words[c.first].norm]?.includes(language) && c.first === c.last));
  const negativeClauses = new Set(
    reply.words.filter((w, i) => NEGATION_WORDS.has(w.norm) && !found.some((c) => c.first <= i && i <= c.last)).map((w) => w.clause),
  );
  return { cues, language, negativeClauses };
}
