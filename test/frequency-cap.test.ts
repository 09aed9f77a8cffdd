// The per-patient cap on routine messages: when one more may go out.
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { nextAllowedByCap } from '../src/domain/frequency-cap';

const at = DateTime.fromISO('2026-12-10T15:00:00Z', { zone: 'utc' });
const ago = (hours: number) => at.minus({ hours }).toJSDate();
const cap = { perDay: 1, perWeek: 3 };

describe('frequency cap', () => {
  it('lets a message through when the day and the week have room', () => {
    assert.equal(nextAllowedByCap([ago(30), ago(80)], at, cap), null);
  });

  it('holds a second message within 24 hours until the first one is a day old', () => {
    assert.equal(nextAllowedByCap([ago(5)], at, cap)!.toISO(), '2026-12-11T10:00:00.000Z');
  });

  it('holds a fourth message in a week until the oldest of the three leaves the window', () => {
    assert.equal(nextAllowedByCap([ago(30), ago(60), ago(100)], at, cap)!.toISO(), '2026-12-13T11:00:00.000Z');
  });

  it('takes the later of the two limits', () => {
    assert.equal(nextAllowedByCap([ago(2), ago(60), ago(100)], at, cap)!.toISO(), '2026-12-13T11:00:00.000Z');
  });

  it('a cap of zero holds routine messages for good', () => {
    assert.ok(nextAllowedByCap([], at, { perDay: 0, perWeek: 3 })! > at.plus({ years: 50 }));
  });
});
