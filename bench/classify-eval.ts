// `npm run eval:classify`: ARO's reply classifier and the plain keyword baseline on the labelled
// evaluation set and on the held-out set: accuracy by language, intent and hard case, the confusion
// matrix and the two critical error counts.
import { classifyReply } from '../src/domain/replies/reply-classifier';
import { DEFAULT_REPLY_CONFIDENCE_THRESHOLD } from '../src/workflows/contracts';
import { evaluate, formatEvaluation, loadEvaluationSet, type EvaluationSetName } from '../test/support/reply-evaluation';
import { commandOptions } from './command-line';
import { classifyByKeyword } from './keyword-baseline';

const values = commandOptions('Usage: npm run eval:classify -- [--misses] [--threshold 0.6]', { misses: { type: 'boolean' }, threshold: { type: 'string' } });
const threshold = values.threshold === undefined ? DEFAULT_REPLY_CONFIDENCE_THRESHOLD : Number(values.threshold);
if (!(threshold >= 0 && threshold <= 1)) throw new Error('--threshold: must be a number from 0 to 1');

for (const name of ['eval-set', 'holdout-set'] as EvaluationSetName[]) {
  const set = loadEvaluationSet(name);
  const languages = new Set(set.replies.map((r) => r.lang));
  process.stdout.write(`#### test/replies/${name}.json: ${set.replies.length} labelled replies in ${languages.size} languages\n\n`);
  const aro = evaluate(set, (reply, context) => classifyReply(reply.text, { locale: reply.locale, time: context }), threshold);
  process.stdout.write(`${formatEvaluation(`ARO classifier (in-process) on ${name}`, aro, { misses: values.misses })}\n\n`);
  const baseline = evaluate(set, (reply) => classifyByKeyword(reply.text), threshold);
  process.stdout.write(`${formatEvaluation(`plain keyword baseline on ${name}`, baseline)}\n\n`);
}
