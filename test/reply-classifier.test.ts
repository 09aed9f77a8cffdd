// The first keyword classifier: carrier keywords first, then the common replies.
import assert from 'node:assert/strict';
import { classifyReply } from '../src/domain/reply-classifier';

describe('reply classifier (keywords)', () => {
  const cases: [string, string][] = [
    ['STOP', 'opt_out'],
    ['stop', 'opt_out'],
    ['Unsubscribe', 'opt_out'],
    ['CANCEL', 'opt_out'],
    ['START', 'opt_in'],
    ['HELP', 'help'],
    ['yes', 'confirm'],
    ['Yes!', 'confirm'],
    ['C', 'confirm'],
    ['sí', 'confirm'],
    ["yep I'll be there 👍", 'confirm'],
    ['cancel my appointment', 'cancel'],
    ['No', 'cancel'],
    ["I can't make it", 'cancel'],
    ['cancelar la cita', 'cancel'],
    ['can we do another day?', 'reschedule'],
    ['R', 'reschedule'],
    ['quiero cambiar la hora', 'reschedule'],
    ['Where do I park?', 'question'],
    ['banana', 'unknown'],
  ];
  for (const [text, intent] of cases) {
    it(`"${text}" → ${intent}`, () => assert.equal(classifyReply(text).intent, intent));
  }

  it('marks an exact carrier keyword so the workflow can apply the CANCEL policy', () => {
    assert.equal(classifyReply(' cancel ').carrierKeyword, 'CANCEL');
    assert.equal(classifyReply('cancel my appointment').carrierKeyword, undefined);
  });
});
