// What a patient's reply means, in-process and without network: carrier keywords first, exactly as
// carriers honour them; then the reply's words and idioms in English, Spanish, French, German and
// Portuguese, weighed in a fixed order of what matters most (opt-out, opt-in, reschedule, doubt,
// cancel, question, confirm), so a mixed reply is never read as the milder thing. The confidence
// says how plainly the reply said it; the workflow acts only above the tenant's threshold.
import type { Classification, ReplyIntent } from '../../workflows/contracts';
import { carrierKeyword } from './carrier-keywords';
import { findCues, type Cue } from './reply-cues';
import { FILLERS, HELP_REPLIES, MENU, NO_ANSWERS, STOP_REPLIES, type CueKind } from './reply-lexicon';
import { readTimes, type TimeContext, type TimeReading } from './proposed-time';
import { EMOJI_NO, EMOJI_YES, phraseWords, readReply, type ReplyWords } from './reply-words';

export interface ReplyContext {
  /** The patient's locale: a hint to the reply's language, never a promise. */
  locale?: string;
  /** Needed to read a proposed day or time: the clinic's zone, the reply's arrival, the appointment. */
  time?: TimeContext;
}

/** How plainly each kind of evidence says what it says. */
const CONFIDENCE = {
  /** The intent's own word or idiom: "cancel", "reschedule", "confirmed", "unsubscribe". */
  explicit: 0.95,
  /** A short answer the reminder asked for: yes, no, a menu letter, an emoji. */
  answer: 0.9,
  /** Said another way: "I can't come", "no longer need it", "can I come Monday at 3?". */
  implied: 0.85,
  /** An emoji that says no: acted on, but less sure than a word. */
  emojiNo: 0.7,
  /** Contradicting itself ("No, I'll be there") or naming another day while confirming: staff decide. */
  contradicted: 0.5,
  /** Undecided ("maybe", "I'll let you know"): nothing to act on. */
  undecided: 0.5,
  /** Nothing recognised. */
  unknown: 0.3,
  /** A typo costs this much. */
  typo: 0.1,
} as const;

const MENU_DIGITS = new Set(['1', '2', '3']);
const FILLER_WORDS = new Set(FILLERS.flatMap(phraseWords));
const phraseSet = (list: readonly string[]) => new Set(list.map((p) => phraseWords(p).join(' ')));
const HELP_SET = phraseSet(HELP_REPLIES);
const STOP_SET = phraseSet(STOP_REPLIES);
const NO_SET = new Set(NO_ANSWERS.flatMap(phraseWords));
/** Objects of "don't send me", "ne m'envoyez plus", "schreiben Sie mir nicht mehr". */
const ME = new Set(['me', 'mir', 'moi', 'mi', 'mich']);
/** Negations that may close "ich kann nicht", "je ne peux pas". */
const NEGATIONS_AFTER = new Set(['nicht', 'pas', 'not']);
const CONFIRM_VERB = /^(confirm|bestatig)/;

class Evidence {
  constructor(
    readonly reply: ReplyWords,
    readonly cues: Cue[],
    readonly negativeClauses: Set<number>,
    readonly time: TimeReading | undefined,
    readonly appointmentKnown: boolean,
  ) {}

  live(kind: CueKind): Cue[] {
    return this.cues.filter((c) => c.kind === kind && !c.negated);
  }
  negated(kind: CueKind): Cue[] {
    return this.cues.filter((c) => c.kind === kind && c.negated && !c.pastNegation);
  }
  any(kind: CueKind): boolean {
    return this.cues.some((c) => c.kind === kind);
  }
  inClause(clause: number, kind: CueKind): boolean {
    return this.cues.some((c) => c.clause === clause && c.kind === kind);
  }
  has(norm: string): boolean {
    return this.reply.words.some((w) => w.norm === norm);
  }

  /** The reply without politeness: what is left of "No thanks", "STOP please", "ayuda por favor". */
  get core(): string {
    return this.reply.words
      .map((w) => w.norm)
      .filter((w) => !FILLER_WORDS.has(w))
      .join(' ');
  }

  /** "No" standing alone: the whole reply, or first and followed by a new clause or only politeness. */
  get bareNo(): boolean {
    const [first, ...rest] = this.reply.words;
    if (!NO_SET.has(first.norm) || first.norm === 'n') return false;
    return rest.length === 0 || rest[0].clause !== first.clause || rest.every((w) => FILLER_WORDS.has(w.norm));
  }

  optOut(): boolean {
    if (this.live('opt_out').length > 0) return true;
    // "Dejen de enviarme mensajes", "arrêtez de m'envoyer des SMS", "parem de me mandar mensagem".
    const stopThenContact = this.live('stop').some((s) =>
      this.cues.some((c) => (c.kind === 'contact' || c.kind === 'messages') && c.clause === s.clause && c.first > s.first),
    );
    // "Don't text me anymore", "no me manden más SMS", "ne m'envoyez plus", "schreiben Sie mir nicht mehr".
    const noContact = this.negated('contact').some((c) => {
      const clause = this.reply.words.filter((w) => w.clause === c.clause);
      return this.inClause(c.clause, 'more') || clause.some((w) => ME.has(w.norm));
    });
    // "No quiero recibir más mensajes", "je ne veux plus recevoir de messages".
    const noReceiving = this.negated('receive').length > 0 && this.any('messages');
    // "I don't want these texts anymore", "je ne veux plus de SMS", "não quero mais SMS".
    const noMessages = this.cues.some(
      (m) => m.kind === 'messages' && this.negativeClauses.has(m.clause) && (this.inClause(m.clause, 'more') || this.inClause(m.clause, 'want')),
    );
    // "Take me off the list", "bitte löschen Sie meine Nummer", "me tirem da lista".
    const offTheList = this.live('remove').length > 0 && this.any('list');
    return stopThenContact || noContact || noReceiving || noMessages || offTheList;
  }

  optIn(): boolean {
    if (this.live('opt_in').length > 0) return true;
    // "I want to receive texts again", "bitte wieder Erinnerungen schicken" — but a question such as
    // "can you send the message again?" asks for one message, not for consent.
    const wantsMessages = this.live('receive').length > 0 || this.any('messages');
    return this.any('again') && wantsMessages && !this.reply.question && this.negated('contact').length === 0;
  }

  /** "No puedo", "I can't, sorry", "ich kann nicht": unable, and nothing after it says to what. */
  cannot(): Cue[] {
    return this.negated('able').filter((c) =>
      this.reply.words.slice(c.last + 1).every((w) => w.clause !== c.clause || FILLER_WORDS.has(w.norm) || NEGATIONS_AFTER.has(w.norm)),
    );
  }

  /** "Luego les confirmo", "I'll confirm tomorrow": a promise to confirm, not a confirmation. */
  confirmsLater(): boolean {
    return this.live('confirm').some(
      (c) => CONFIRM_VERB.test(this.reply.words[c.first].norm) && (this.inClause(c.clause, 'deferral') || this.inClause(c.clause, 'shift')),
    );
  }

  /** A proposal: a day or time named with a frame ("instead", "how about"), or after rejecting another. */
  proposes(): boolean {
    const framed = this.live('frame').length > 0 || (this.live('attend').length > 0 && this.reply.question);
    if (this.time?.proposal && (framed || this.time.rejectedOne)) return true;
    return this.live('shift').length > 0 && (framed || this.reply.question);
  }
}

function result(intent: ReplyIntent, confidence: number, typo = false): Classification {
  return { intent, confidence: Math.round((typo ? confidence - CONFIDENCE.typo : confidence) * 100) / 100 };
}
const typoIn = (cues: Cue[]) => cues.length > 0 && cues.every((c) => c.typo);

function decide(e: Evidence): Classification {
  const core = e.core;
  // "STOP STOP STOP" says it no less than "STOP".
  const stopReply = STOP_SET.has(core) || STOP_SET.has([...new Set(core.split(' '))].join(' '));
  if (MENU[core]) return result(MENU[core], MENU_DIGITS.has(core) ? CONFIDENCE.implied : CONFIDENCE.answer);
  if (HELP_SET.has(core)) return result('help', CONFIDENCE.explicit);
  if (stopReply || e.optOut()) return result('opt_out', stopReply || e.live('opt_out').length > 0 ? CONFIDENCE.explicit : CONFIDENCE.implied);
  if (e.optIn()) return result('opt_in', CONFIDENCE.implied);

  const reschedule = e.live('reschedule');
  if (reschedule.length > 0) return result('reschedule', CONFIDENCE.explicit, typoIn(reschedule));
  if (e.proposes()) return result('reschedule', CONFIDENCE.implied);
  if (e.live('undecided').length > 0 || e.confirmsLater()) return result('unknown', CONFIDENCE.undecided);

  // "Não vou faltar", "I won't miss it": the negation falls on "miss", whichever word it reached.
  const wontMiss = e.cues.filter((m) => m.kind === 'miss' && (m.negated || e.negated('attend').some((a) => a.clause === m.clause)));
  const confirms = [...e.live('confirm'), ...e.live('attend'), ...wontMiss];
  const yes = confirms.length > 0 || e.has(EMOJI_YES);
  const cancel = e.live('cancel');
  if (cancel.length > 0) return result('cancel', CONFIDENCE.explicit, typoIn(cancel));
  const notComing = e.negated('attend').filter((a) => !wontMiss.some((m) => m.clause === a.clause));
  const declines = [...notComing, ...e.negated('need'), ...e.live('miss').filter((m) => !wontMiss.includes(m)), ...e.cannot()];
  if (declines.length > 0) return result('cancel', CONFIDENCE.implied, typoIn(declines));
  if (e.bareNo) return result('cancel', yes ? CONFIDENCE.contradicted : CONFIDENCE.answer);
  if (e.has(EMOJI_NO) && !yes) return result('cancel', CONFIDENCE.emojiNo);

  if (e.reply.question) return result('question', CONFIDENCE.implied);
  // "Don't cancel", "no need to reschedule": the appointment stands.
  const keeps = [...e.negated('cancel'), ...e.negated('reschedule')];
  if (yes || keeps.length > 0) {
    // Confirming while naming another day than the appointment's: which one does the patient mean?
    if (e.appointmentKnown && e.time?.proposal) return result('confirm', CONFIDENCE.contradicted);
    const explicit = e.live('confirm');
    if (explicit.length > 0) return result('confirm', CONFIDENCE.answer, typoIn(explicit));
    return result('confirm', CONFIDENCE.implied, typoIn(confirms));
  }
  // "Not ok", "no confirmo todavía": a refusal to confirm is not a cancellation.
  if (e.negated('confirm').length > 0) return result('unknown', CONFIDENCE.undecided);
  return result('unknown', CONFIDENCE.unknown);
}

export function classifyReply(text: string, context: ReplyContext = {}): Classification {
  const carrier = carrierKeyword(text);
  if (carrier) return carrier;
  const reply = readReply(text);
  if (reply.words.length === 0) return result('unknown', reply.emoji > 0 ? CONFIDENCE.unknown : 0);
  const { cues, language, negativeClauses } = findCues(reply, context.locale);
  const time = context.time ? readTimes(reply, context.time, language) : undefined;
  const decided = decide(new Evidence(reply, cues, negativeClauses, time, Boolean(context.time?.appointmentStartsAt)));
  const withLanguage: Classification = language ? { ...decided, language } : decided;
  if (decided.intent === 'reschedule' && time?.proposal) withLanguage.proposedTime = time.proposal;
  return withLanguage;
}
