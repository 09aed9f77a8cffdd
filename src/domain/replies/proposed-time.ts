// The day and time a patient names in a reply ("Tuesday at 3pm", "mañana a las 11", "am 12. März"),
// read in the clinic's time zone from the instant the reply arrived. Tells apart the appointment's
// own day or time ("see you Friday"), the ones the patient rejects ("I can't do Friday") and the
// one proposed instead.
import { DateTime } from 'luxon';
import type { ProposedTime } from '../../workflows/contracts';
import {
  DAY_OF_MONTH_MARKERS,
  DURATION_WORDS,
  HALF_BEFORE,
  HALF_PAST,
  HOUR_MARKERS,
  HOUR_SUFFIXES,
  INSTEAD_OF,
  LANGUAGES,
  MONTHS,
  MORNING_MARKERS,
  NEGATIONS,
  NEXT_WEEK,
  NOON,
  REJECTIONS,
  RELATIVE_DAYS,
  SAME_TIME,
  WEEKDAY_ABBREVIATIONS,
  WEEKDAYS,
  type Language,
} from './reply-lexicon';
import { phraseWords, type ReplyWords, type Word } from './reply-words';

export interface TimeContext {
  /** The clinic's IANA time zone. */
  timeZone: string;
  /** When the reply arrived (UTC ISO): "tomorrow" and "Tuesday" count from its day. */
  receivedAt: string;
  /** The appointment's current start (UTC ISO): a time alone means that day, and naming it proposes nothing. */
  appointmentStartsAt?: string;
}

interface Day {
  year: number;
  month: number;
  day: number;
}
interface Clock {
  hour: number;
  minute: number;
}

/** A day, a time, or both, named together in one clause. */
interface Mention {
  first: number;
  last: number;
  clause: number;
  date?: Day;
  time?: Clock;
  nextWeek?: boolean;
  rejected: boolean;
}

export interface TimeReading {
  /** What the patient proposes: the last day or time named that is neither rejected nor the appointment's own. */
  proposal?: ProposedTime;
  /** The patient rejected a day or time ("not Friday", "me viene mal"). */
  rejectedOne: boolean;
}

const phrases = (list: readonly string[]) => list.map(phraseWords);
const wordSet = (list: readonly string[]) => new Set(list.flatMap(phraseWords));
const RELATIVE = RELATIVE_DAYS.map(([phrase, days]) => ({ words: phraseWords(phrase), days }));
const NEXT_WEEK_PHRASES = phrases(NEXT_WEEK);
const SAME_TIME_PHRASES = phrases(SAME_TIME);
const NOON_PHRASES = phrases(NOON);
const HALF_PAST_PHRASES = phrases(HALF_PAST);
const INSTEAD_OF_PHRASES = phrases(INSTEAD_OF);
const HALF_BEFORE_WORDS = wordSet(HALF_BEFORE);
const DAY_MARKERS = wordSet(DAY_OF_MONTH_MARKERS);
const HOUR_MARKER_WORDS = wordSet(HOUR_MARKERS);
const HOUR_SUFFIX_WORDS = wordSet(HOUR_SUFFIXES);
const DURATION = wordSet(DURATION_WORDS);
const MORNING = wordSet(MORNING_MARKERS);
const NEGATION_OR_REJECTION = wordSet([...NEGATIONS, ...REJECTIONS]);
/** Weekday word → 1 (Monday) … 7 (Sunday), as luxon counts. */
const WEEKDAY_NUMBER = new Map<string, number>(Object.entries(WEEKDAY_ABBREVIATIONS));
for (const language of LANGUAGES) {
  WEEKDAYS[language].forEach((name, sundayFirst) => WEEKDAY_NUMBER.set(phraseWords(name)[0], sundayFirst === 0 ? 7 : sundayFirst));
}
const MONTH_NUMBER = new Map<string, number>();
for (const language of LANGUAGES) MONTHS[language].forEach((name, i) => MONTH_NUMBER.set(phraseWords(name)[0], i + 1));

/** Whether the words from `at` spell `phrase`; returns the index after it. */
function spells(words: Word[], at: number, phrase: string[]): number {
  for (let k = 0; k < phrase.length; k++) if (words[at + k]?.norm !== phrase[k]) return -1;
  return at + phrase.length;
}
function longestAt(words: Word[], at: number, list: string[][]): number {
  return Math.max(-1, ...list.map((p) => spells(words, at, p)));
}

const number = (w: Word | undefined) => (w && /^\d{1,2}$/.test(w.norm) ? Number(w.norm) : undefined);
const ORDINAL = /^(\d{1,2})(st|nd|rd|th)$/;
/** "12" or "12th". */
const dayNumber = (w: Word | undefined) => number(w) ?? (w && ORDINAL.test(w.norm) ? Number(ORDINAL.exec(w.norm)![1]) : undefined);

/** Clinic hours: an hour from 1 to 6 without am/pm is in the afternoon. */
function clinicHour(hour: number, meridiem?: string): number {
  if (meridiem === 'pm') return hour < 12 ? hour + 12 : hour;
  if (meridiem === 'am') return hour === 12 ? 0 : hour;
  return hour >= 1 && hour <= 6 ? hour + 12 : hour;
}

class Reader {
  readonly today: DateTime;
  readonly appointment?: DateTime;
  readonly mentions: Mention[] = [];

  constructor(
    readonly words: Word[],
    context: TimeContext,
    readonly dayFirst: boolean,
  ) {
    this.today = DateTime.fromISO(context.receivedAt, { zone: context.timeZone }).startOf('day');
    if (context.appointmentStartsAt) this.appointment = DateTime.fromISO(context.appointmentStartsAt, { zone: context.timeZone });
  }

  private dayOf(t: DateTime): Day {
    return { year: t.year, month: t.month, day: t.day };
  }

  /** The next such day on or after today (this year, else next year). */
  private calendarDay(month: number, day: number): Day | undefined {
    let t = DateTime.fromObject({ year: this.today.year, month, day }, { zone: this.today.zone });
    if (!t.isValid) return undefined;
    if (t < this.today) t = t.plus({ years: 1 });
    return this.dayOf(t);
  }

  private add(first: number, last: number, part: Partial<Mention>): number {
    this.mentions.push({ first, last, clause: this.words[first].clause, rejected: false, ...part });
    return last + 1;
  }

  /** Reads one day or time starting at `i`; returns the index after it, or i when nothing starts there. */
  private readAt(i: number): number {
    const words = this.words;
    const w = words[i];
    let end = longestAt(words, i, NEXT_WEEK_PHRASES);
    if (end > 0) return this.add(i, end - 1, { nextWeek: true });
    for (const { words: phrase, days } of RELATIVE) {
      end = spells(words, i, phrase);
      // "por la mañana", "guten Morgen": the morning, not tomorrow.
      if (end > 0 && !(phrase.length === 1 && i > 0 && MORNING.has(words[i - 1].norm))) {
        return this.add(i, end - 1, { date: this.dayOf(this.today.plus({ days })) });
      }
    }
    end = longestAt(words, i, SAME_TIME_PHRASES);
    if (end > 0 && this.appointment) return this.add(i, end - 1, { time: { hour: this.appointment.hour, minute: this.appointment.minute } });
    end = longestAt(words, i, NOON_PHRASES);
    if (end > 0) return this.add(i, end - 1, { time: { hour: 12, minute: 0 } });

    const weekday = WEEKDAY_NUMBER.get(w.norm) ?? WEEKDAY_NUMBER.get(w.norm.replace(/s$/, ''));
    if (weekday !== undefined) {
      const ahead = (weekday - this.today.weekday + 7) % 7 || 7;
      return this.add(i, i, { date: this.dayOf(this.today.plus({ days: ahead })) });
    }
    const month = MONTH_NUMBER.get(w.norm);
    const dayAfter = dayNumber(words[i + 1]);
    if (month !== undefined && dayAfter !== undefined) {
      const date = this.calendarDay(month, dayAfter);
      if (date) return this.add(i, i + 1, { date });
    }
    const ordinal = ORDINAL.test(w.norm);
    const n = dayNumber(w);
    if (n !== undefined) {
      const of = words[i + 1]?.norm === 'de' ? 2 : 1;
      const monthAfter = MONTH_NUMBER.get(words[i + of]?.norm ?? '');
      if (monthAfter !== undefined) {
        const date = this.calendarDay(monthAfter, n);
        if (date) return this.add(i, i + of, { date });
      }
      if (ordinal || (i > 0 && DAY_MARKERS.has(words[i - 1].norm) && !HOUR_SUFFIX_WORDS.has(words[i + 1]?.norm ?? ''))) {
        let t = this.today.set({ day: n });
        if (t.isValid && t.day === n) {
          if (t < this.today) t = t.plus({ months: 1 });
          return this.add(i, i, { date: this.dayOf(t) });
        }
      }
    }
    const numeric = /^(\d{1,2})\/(\d{1,2})/.exec(w.norm);
    if (numeric) {
      const [a, b] = [Number(numeric[1]), Number(numeric[2])];
      const [day, monthOf] = this.dayFirst || a > 12 ? [a, b] : [b, a];
      const date = this.calendarDay(monthOf, day);
      if (date) return this.add(i, i, { date });
    }
    return this.readClock(i);
  }

  private readClock(i: number): number {
    const words = this.words;
    const w = words[i];
    const meridiemAt = (k: number) => (words[k]?.norm === 'am' || words[k]?.norm === 'pm' ? words[k].norm : undefined);
    const clock = /^(\d{1,2})[:h](\d{2})$/.exec(w.norm);
    if (clock) {
      const meridiem = meridiemAt(i + 1);
      const hour = Number(clock[1]);
      return this.add(i, meridiem ? i + 1 : i, { time: { hour: meridiem ? clinicHour(hour, meridiem) : hour, minute: Number(clock[2]) } });
    }
    const suffixed = /^(\d{1,2})(am|pm|h|hs|uhr)$/.exec(w.norm);
    if (suffixed) {
      const meridiem = suffixed[2] === 'am' || suffixed[2] === 'pm' ? suffixed[2] : undefined;
      return this.add(i, i, { time: { hour: clinicHour(Number(suffixed[1]), meridiem), minute: 0 } });
    }
    const halfBefore = HALF_BEFORE_WORDS.has(w.norm) ? number(words[i + 1]) : undefined;
    if (halfBefore !== undefined) return this.add(i, i + 1, { time: { hour: clinicHour(halfBefore - 1), minute: 30 } });
    const n = number(w);
    if (n === undefined || n > 23) return i;
    const after = words[i + 1]?.norm;
    const marked = i > 0 && HOUR_MARKER_WORDS.has(words[i - 1].norm);
    if (after !== undefined && DURATION.has(after) && !(marked && HOUR_SUFFIX_WORDS.has(after))) return i;
    const meridiem = meridiemAt(i + 1);
    if (meridiem) return this.add(i, i + 1, { time: { hour: clinicHour(n, meridiem), minute: 0 } });
    if (after !== undefined && HOUR_SUFFIX_WORDS.has(after)) return this.add(i, i + 1, { time: { hour: clinicHour(n), minute: 0 } });
    if (!marked) return i;
    const half = longestAt(words, i + 1, HALF_PAST_PHRASES);
    return this.add(i, half > 0 ? half - 1 : i, { time: { hour: clinicHour(n), minute: half > 0 ? 30 : 0 } });
  }

  read(): void {
    for (let i = 0; i < this.words.length; ) {
      const next = this.readAt(i);
      i = next > i ? next : i + 1;
    }
  }

  /** Joins a day and a time named in one clause ("Monday at 3pm", "2pm tomorrow"). */
  merged(): Mention[] {
    const out: Mention[] = [];
    for (const m of this.mentions) {
      const previous = out[out.length - 1];
      const joinable =
        previous &&
        previous.clause === m.clause &&
        m.first - previous.last <= 4 &&
        !previous.nextWeek &&
        !m.nextWeek &&
        ((previous.date && !previous.time && m.time && !m.date) || (previous.time && !previous.date && m.date && !m.time));
      if (joinable) {
        Object.assign(previous, { last: m.last, date: previous.date ?? m.date, time: previous.time ?? m.time });
      } else {
        out.push({ ...m });
      }
    }
    for (const m of out) m.rejected = this.rejects(m);
    return out;
  }

  /** A negation or a "bad for me" in its clause, or "instead of" just before it. */
  private rejects(m: Mention): boolean {
    const words = this.words;
    if (words.some((w) => w.clause === m.clause && NEGATION_OR_REJECTION.has(w.norm))) return true;
    for (let k = Math.max(0, m.first - 4); k < m.first; k++) {
      const end = longestAt(words, k, INSTEAD_OF_PHRASES);
      if (end > 0 && end <= m.first && m.first - end <= 1) return true;
    }
    return false;
  }

  /** The appointment's own day, time or both ("see you Friday", "at 10"). */
  isAppointment(m: Mention): boolean {
    const a = this.appointment;
    if (!a || m.nextWeek) return false;
    const sameDay = !m.date || (m.date.year === a.year && m.date.month === a.month && m.date.day === a.day);
    const sameTime = !m.time || (m.time.hour === a.hour && m.time.minute === a.minute);
    return sameDay && sameTime;
  }

  proposed(m: Mention, text: string): ProposedTime {
    const pad = (n: number) => String(n).padStart(2, '0');
    const date = m.date ?? (m.time && this.appointment ? this.dayOf(this.appointment) : undefined);
    const proposal: ProposedTime = { text };
    if (date) proposal.date = `${date.year}-${pad(date.month)}-${pad(date.day)}`;
    if (m.time) proposal.time = `${pad(m.time.hour)}:${pad(m.time.minute)}`;
    if (date && m.time) {
      proposal.startsAt = DateTime.fromObject({ ...date, ...m.time }, { zone: this.today.zone }).toUTC().toISO()!;
    }
    return proposal;
  }
}

/** Reads the days and times a reply names; `language` decides whether 3/4 is the 3rd of April or March 4. */
export function readTimes(reply: ReplyWords, context: TimeContext, language?: Language): TimeReading {
  const reader = new Reader(reply.words, context, language !== 'en');
  reader.read();
  const mentions = reader.merged();
  const candidates = mentions.filter((m) => !m.rejected && !reader.isAppointment(m));
  const chosen = candidates[candidates.length - 1];
  const rejectedOne = mentions.some((m) => m.rejected);
  if (!chosen) return { rejectedOne };
  const text = reply.text.slice(reply.words[chosen.first].start, reply.words[chosen.last].end);
  return { proposal: reader.proposed(chosen, text), rejectedOne };
}
