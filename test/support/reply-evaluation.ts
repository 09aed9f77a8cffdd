// Measures a reply classifier on a labelled set of replies (test/replies/*.json): accuracy
// by intent, language and hard case, the confusion matrix, the two errors that matter most (an
// opt-out missed; a cancellation or reschedule taken for a confirmation) and proposed-time reading.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TimeContext } from '../../src/domain/replies/proposed-time';
import type { Classification, ReplyIntent } from '../../src/workflows/contracts';

export interface LabelledReply {
  text: string;
  /** The language the reply is written in. */
  lang: string;
  /** The patient's locale as the clinic has it: usually the same, sometimes not. */
  locale: string;
  intent: ReplyIntent;
  /** The clinic-local day and/or time a reschedule reply names. */
  proposed?: { date?: string; time?: string };
  tags?: string[];
}

export interface EvaluationSet {
  context: TimeContext;
  replies: LabelledReply[];
}

export type ReplyReader = (reply: LabelledReply, context: TimeContext) => Classification;

/** test/replies in the source tree (this file runs from dist/test/support). */
const REPLIES_DIR = path.resolve(__dirname, '../../../test/replies');

/**
 * eval-set.json: the evaluation set, written before the classifier. holdout-set.json: written after the
 * classifier's first measurement and never used to tune it, to show how far the figures carry to new phrasing.
 */
export type EvaluationSetName = 'eval-set' | 'holdout-set';

export function loadEvaluationSet(name: EvaluationSetName): EvaluationSet {
  return JSON.parse(readFileSync(path.join(REPLIES_DIR, `${name}.json`), 'utf8')) as EvaluationSet;
}

export const INTENTS: ReplyIntent[] = ['confirm', 'cancel', 'reschedule', 'opt_out', 'opt_in', 'help', 'question', 'unknown'];

export interface Tally {
  n: number;
  correct: number;
}
export interface Miss {
  reply: LabelledReply;
  got: Classification;
}

export interface Evaluation {
  overall: Tally;
  byLanguage: Record<string, Tally>;
  byIntent: Record<string, Tally>;
  byTag: Record<string, Tally>;
  /** confusion[expected][got] */
  confusion: Record<string, Record<string, number>>;
  /** Opt-outs read as anything else (the workflow honours an opt-out at any confidence). */
  missedOptOuts: Miss[];
  /** Cancellations and reschedules read as a confirmation at or above the threshold: acted on. */
  takenForConfirm: Miss[];
  /** The same at any confidence (below the threshold they reach staff, but still are wrong). */
  readAsConfirm: Miss[];
  /** Replies at or above the threshold (acted on without staff), and how many of those were right. */
  actedOn: Tally;
  /** Reschedule replies with a labelled day/time, and how many were read exactly. */
  proposals: Tally;
  misses: Miss[];
  threshold: number;
}

const tally = (): Tally => ({ n: 0, correct: 0 });
function count(map: Record<string, Tally>, key: string, right: boolean) {
  const t = (map[key] ??= tally());
  t.n++;
  if (right) t.correct++;
}

export function evaluate(set: EvaluationSet, read: ReplyReader, threshold: number): Evaluation {
  const e: Evaluation = {
    overall: tally(),
    byLanguage: {},
    byIntent: {},
    byTag: {},
    confusion: Object.fromEntries(INTENTS.map((i) => [i, Object.fromEntries(INTENTS.map((j) => [j, 0]))])),
    missedOptOuts: [],
    takenForConfirm: [],
    readAsConfirm: [],
    actedOn: tally(),
    proposals: tally(),
    misses: [],
    threshold,
  };
  for (const reply of set.replies) {
    const got = read(reply, set.context);
    const right = got.intent === reply.intent;
    e.overall.n++;
    if (right) e.overall.correct++;
    count(e.byLanguage, reply.lang, right);
    count(e.byIntent, reply.intent, right);
    for (const tag of reply.tags ?? []) count(e.byTag, tag, right);
    e.confusion[reply.intent][got.intent]++;
    if (!right) e.misses.push({ reply, got });
    if (reply.intent === 'opt_out' && got.intent !== 'opt_out') e.missedOptOuts.push({ reply, got });
    if ((reply.intent === 'cancel' || reply.intent === 'reschedule') && got.intent === 'confirm') {
      e.readAsConfirm.push({ reply, got });
      if (got.confidence >= threshold) e.takenForConfirm.push({ reply, got });
    }
    if (got.confidence >= threshold && got.intent !== 'question' && got.intent !== 'unknown') {
      e.actedOn.n++;
      if (right) e.actedOn.correct++;
    }
    if (reply.proposed) {
      e.proposals.n++;
      const p = got.proposedTime;
      if (p && p.date === reply.proposed.date && p.time === reply.proposed.time) e.proposals.correct++;
    }
  }
  return e;
}

export const share = (t: Tally) => (t.n === 0 ? 1 : t.correct / t.n);
const percent = (t: Tally) => `${(100 * share(t)).toFixed(1).padStart(5)}%  (${t.correct}/${t.n})`;
const describe = (m: Miss) => `  ${JSON.stringify(m.reply.text)} [${m.reply.lang}] expected ${m.reply.intent}, got ${m.got.intent} (${m.got.confidence})`;

/** The evaluation as the report `npm run eval:classify` prints. */
export function formatEvaluation(title: string, e: Evaluation, options: { misses?: boolean } = {}): string {
  const lines = [`== ${title}`, `overall            ${percent(e.overall)}`];
  lines.push('by language:');
  for (const [lang, t] of Object.entries(e.byLanguage)) lines.push(`  ${lang.padEnd(17)}${percent(t)}`);
  lines.push('by intent:');
  for (const intent of INTENTS) if (e.byIntent[intent]) lines.push(`  ${intent.padEnd(17)}${percent(e.byIntent[intent])}`);
  lines.push('hard cases:');
  for (const [tag, t] of Object.entries(e.byTag).sort()) lines.push(`  ${tag.padEnd(17)}${percent(t)}`);
  lines.push('confusion matrix (rows: expected, columns: got):');
  const short = INTENTS.map((i) => i.slice(0, 8));
  lines.push(`  ${''.padEnd(11)}${short.map((s) => s.padStart(9)).join('')}`);
  for (const expected of INTENTS) {
    lines.push(`  ${expected.padEnd(11)}${INTENTS.map((got) => String(e.confusion[expected][got] || '.').padStart(9)).join('')}`);
  }
  lines.push('critical errors:');
  lines.push(`  opt-outs missed                                    ${e.missedOptOuts.length}`);
  lines.push(`  cancel/reschedule taken for confirm (acted on)     ${e.takenForConfirm.length}`);
  lines.push(`  cancel/reschedule read as confirm (any confidence) ${e.readAsConfirm.length}`);
  for (const m of [...e.missedOptOuts, ...e.readAsConfirm]) lines.push(describe(m));
  lines.push(`acted on without staff (confidence >= ${e.threshold}, not question/unknown): ${percent(e.actedOn)} right`);
  lines.push(`  that is ${(100 * (e.actedOn.n / e.overall.n)).toFixed(1)}% of all replies`);
  lines.push(`proposed day/time read exactly  ${percent(e.proposals)}`);
  if (options.misses) {
    lines.push(`misread (${e.misses.length}):`);
    for (const m of e.misses) lines.push(describe(m));
  }
  return lines.join('\n');
}
