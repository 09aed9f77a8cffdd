// The classifier's targets on the labelled evaluation set: at least 97% overall, no language below
// 93%, no opt-out missed and no cancellation or reschedule taken for a confirmation.
import assert from 'node:assert/strict';
import { classifyReply } from '../src/domain/replies/reply-classifier';
import { DEFAULT_REPLY_CONFIDENCE_THRESHOLD } from '../src/workflows/contracts';
import { evaluate, loadEvaluationSet, share, type EvaluationSetName } from './support/reply-evaluation';

describe('reply classifier on the labelled replies', () => {
  for (const name of ['eval-set', 'holdout-set'] as EvaluationSetName[]) {
    it(`meets the targets on ${name}`, () => {
      const set = loadEvaluationSet(name);
      const e = evaluate(set, (r, context) => classifyReply(r.text, { locale: r.locale, time: context }), DEFAULT_REPLY_CONFIDENCE_THRESHOLD);
      assert.ok(share(e.overall) >= 0.97, `overall ${e.overall.correct}/${e.overall.n}`);
      for (const [lang, t] of Object.entries(e.byLanguage)) assert.ok(share(t) >= 0.93, `${lang}: ${t.correct}/${t.n}`);
      assert.deepEqual(e.missedOptOuts.map((m) => m.reply.text), [], 'opt-outs missed');
      assert.deepEqual(e.readAsConfirm.map((m) => m.reply.text), [], 'cancellations or reschedules read as confirmations');
    });
  }
});
