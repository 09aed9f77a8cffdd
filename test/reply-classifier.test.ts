// The in-process reply classifier: carrier keywords exactly as carriers honour them, the hard cases
// (negations, mixed replies, typos, emoji, menus) in five languages, proposed times in the clinic's
// zone, and what is kept out of text sent to an outside model. Phrases here are not the evaluation set's.
import assert from 'node:assert/strict';
import { carrierKeyword } from '../src/domain/replies/carrier-keywords';
import { classifyReply } from '../src/domain/replies/reply-classifier';
import { minimiseReply } from '../src/domain/replies/reply-minimiser';

// Thursday 12 June 2025, 09:00 in Madrid; the appointment is Monday 16 June at 09:30.
const madrid = { timeZone: 'Europe/Madrid', receivedAt: '2025-06-12T07:00:00Z', appointmentStartsAt: '2025-06-16T07:30:00Z' };

describe('reply classifier', () => {
  describe('carrier keywords come first, exactly as carriers read them', () => {
    const keywords: [string, string, string][] = [
      ['STOP', 'opt_out', 'STOP'],
      [' stopall ', 'opt_out', 'STOPALL'],
      ['Unsubscribe!', 'opt_out', 'UNSUBSCRIBE'],
      ['end', 'opt_out', 'END'],
      ['Quit', 'opt_out', 'QUIT'],
      ['revoke', 'opt_out', 'REVOKE'],
      ['OptOut', 'opt_out', 'OPTOUT'],
      ['cancel', 'opt_out', 'CANCEL'],
      ['start', 'opt_in', 'START'],
      ['UNSTOP', 'opt_in', 'UNSTOP'],
      ['Help', 'help', 'HELP'],
    ];
    for (const [text, intent, keyword] of keywords) {
      it(`"${text}" → ${intent} (${keyword})`, () => {
        assert.deepEqual(classifyReply(text), { intent, confidence: 1, carrierKeyword: keyword });
      });
    }
    it('only the whole reply is a keyword: "cancel my appointment" and "stop by" are not', () => {
      assert.equal(carrierKeyword('cancel my appointment'), undefined);
      assert.equal(classifyReply('cancel my appointment').intent, 'cancel');
      assert.equal(classifyReply("I'll stop by the pharmacy first, see you Monday").intent, 'confirm');
    });
  });

  const cases: [string, string, string?][] = [
    // negations
    ['No trouble at all, I will come', 'confirm', 'en'],
    ["I won't be coming", 'cancel', 'en'],
    ['please do not cancel it, I am coming', 'confirm', 'en'],
    ['No, no puedo asistir', 'cancel', 'es'],
    ['Je ne viens pas', 'cancel', 'fr'],
    ['Ich komme nicht', 'cancel', 'de'],
    ['Não posso ir', 'cancel', 'pt'],
    ["I'm not sure I can come", 'unknown', 'en'],
    // mixed replies: the weightier intent wins
    ['ok but could it be an hour later?', 'reschedule', 'en'],
    ['Sí, por favor cancélenla', 'cancel', 'es'],
    ['Oui, mais pourrait-on décaler ?', 'reschedule', 'fr'],
    ['Ja, und wo kann ich parken?', 'question', 'de'],
    // typos, emoji, menus
    ['confirmd', 'confirm', 'en'],
    ['reschedulle please', 'reschedule', 'en'],
    ['cancellar', 'cancel'],
    ['👌🏻', 'confirm'],
    ['👎', 'cancel'],
    ['1', 'confirm'],
    ['R', 'reschedule'],
    ['c.', 'confirm'],
    // opt-out and opt-in in words
    ['please stop the texts', 'opt_out', 'en'],
    ['No me envíen más mensajes', 'opt_out', 'es'],
    ['Je ne souhaite plus recevoir de SMS', 'opt_out', 'fr'],
    ['Bitte keine Erinnerungen mehr schicken', 'opt_out', 'de'],
    ['Não me enviem mais mensagens', 'opt_out', 'pt'],
    ['Ich möchte wieder Erinnerungen bekommen', 'opt_in', 'de'],
    // help, questions, nothing
    ['AIDE', 'help'],
    ['Is there a lift in the building?', 'question', 'en'],
    ['Merci beaucoup', 'unknown', 'fr'],
  ];
  for (const [text, intent, language] of cases) {
    it(`"${text}" → ${intent}`, () => {
      const got = classifyReply(text, { time: madrid });
      assert.equal(got.intent, intent, JSON.stringify(got));
      if (language) assert.equal(got.language, language);
    });
  }

  it('acts only on what it is sure of: a contradicting reply is below the default threshold', () => {
    assert.ok(classifyReply('No, I will be there', { time: madrid }).confidence < 0.6);
    assert.ok(classifyReply('yes see you on Wednesday', { time: madrid }).confidence < 0.6, 'confirming another day than the appointment');
    assert.ok(classifyReply('yes see you Monday', { time: madrid }).confidence >= 0.6, 'confirming the appointment day');
    assert.ok(classifyReply('xyz').confidence < 0.6);
  });

  describe('proposed time, in the clinic zone from the reply instant', () => {
    const proposals: [string, { date?: string; time?: string; startsAt?: string }][] = [
      ['Can we do Tuesday at 4pm instead?', { date: '2025-06-17', time: '16:00', startsAt: '2025-06-17T14:00:00.000Z' }],
      ['¿Podría ser mañana a las 12:30?', { date: '2025-06-13', time: '12:30', startsAt: '2025-06-13T10:30:00.000Z' }],
      ['Plutôt le 20 juin à 10h ?', { date: '2025-06-20', time: '10:00' }],
      ['Geht es auch um halb 3?', { date: '2025-06-16', time: '14:30' }],
      ['Segunda não dá, pode ser na quarta?', { date: '2025-06-18' }],
    ];
    for (const [text, expected] of proposals) {
      it(`"${text}"`, () => {
        const got = classifyReply(text, { time: madrid });
        assert.equal(got.intent, 'reschedule');
        assert.equal(got.proposedTime?.date, expected.date);
        assert.equal(got.proposedTime?.time, expected.time);
        if (expected.startsAt) assert.equal(got.proposedTime?.startsAt, expected.startsAt);
      });
    }

    it('crosses a daylight-saving change: the clinic time stays, the UTC instant moves', () => {
      const newYork = { timeZone: 'America/New_York', receivedAt: '2025-03-06T15:00:00Z', appointmentStartsAt: '2025-03-07T15:00:00Z' };
      const got = classifyReply('could we do Monday at 10am instead?', { time: newYork });
      assert.equal(got.proposedTime?.startsAt, '2025-03-10T14:00:00.000Z'); // EDT from 9 March: 10:00 is 14:00Z, not 15:00Z
    });

    it('quotes the words as the patient wrote them', () => {
      assert.equal(classifyReply('Mejor el Jueves a las 5', { time: madrid }).proposedTime?.text, 'Jueves a las 5');
    });
  });

  describe('text for an outside model is minimised', () => {
    it('drops the patient name, introduced and signing names, phone numbers and e-mail addresses', () => {
      const text = 'Hi, this is Maria Lopez, Ana Ruiz mum. Call me on +1 (415) 555-0123 or maria@example.com. Thanks, Pedro Gomez';
      const minimised = minimiseReply(text, 'Ana Ruiz');
      for (const secret of ['Maria', 'Lopez', 'Ana', 'Ruiz', '555', 'example.com', 'Pedro']) assert.ok(!minimised.includes(secret), `${secret} in ${minimised}`);
      assert.match(minimised, /Call me on \[phone\]/);
    });
    it('leaves ordinary words alone', () => {
      assert.equal(minimiseReply('I am sorry, can we do Tuesday at 3?', 'Ana Ruiz'), 'I am sorry, can we do Tuesday at 3?');
    });
  });
});
