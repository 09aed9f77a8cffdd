// ARO's logger keeps patients out of the logs: their fields are redacted wherever they sit, and phone
// numbers are scrubbed from free text — messages, format arguments, errors — while ids, times and
// addresses stay readable. The level is honoured.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { ApplicationFailure } from '@temporalio/common';
import { NestLogger, temporalLogger } from '../src/telemetry/log-adapters';
import { PHONE_MASK, REDACTED, createLogger, scrubPhones, type LogLevel } from '../src/telemetry/logger';

/** A logger writing to memory, and the JSON lines it wrote. */
function capture(level: LogLevel = 'debug') {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}

describe('logs: JSON lines without patient data', () => {
  it('redacts phone, name and message fields up to four levels deep, where ARO and the SDKs put them', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        phone: '+14155550123',
        cmd: { to: '+14155550123', patientName: 'Rosa Díaz', body: 'Hi Rosa, see you Tuesday', channel: 'sms' },
        input: { appointment: { patient: { name: 'Rosa Díaz', phone: '+14155550123' } } },
        workflowId: 'appt:t_1:ext-9',
      },
      'sending',
    );
    const [line] = lines;
    assert.equal(line.phone, REDACTED);
    assert.deepEqual(line.cmd, { to: REDACTED, patientName: REDACTED, body: REDACTED, channel: 'sms' });
    assert.deepEqual(line.input, { appointment: { patient: REDACTED } });
    assert.equal(line.workflowId, 'appt:t_1:ext-9');
    assert.equal(line.msg, 'sending');
    assert.equal(line.level, 'info');
  });

  it('scrubs phone numbers from messages, format arguments and errors, and leaves ids, times and addresses alone', () => {
    const { logger, lines } = capture();
    logger.warn('reply from %s on whatsapp:+34612345678 (%s)', '+14155550123', 'call (415) 555-0123 or 415.555.0123');
    const failure = ApplicationFailure.create({ type: 'ProviderPermanent', message: "Twilio 21211: The 'To' number +14155550123 is not a valid phone number." });
    logger.error({ error: failure, url: '/2010-04-01/Accounts/AC1/Messages.json?To=%2B14155550123' }, 'send failed');
    const kept = 'run 01a226e6-9154-704a-833b-7276d884c8d3 at 2026-11-29T10:42:58.887Z on 127.0.0.1:34567, tenant t_ee4bff2211684aaf, SM' + '0'.repeat(32);
    logger.info(kept);

    assert.equal(lines[0].msg, `reply from ${PHONE_MASK} on whatsapp:${PHONE_MASK} (call ${PHONE_MASK} or ${PHONE_MASK})`);
    const error = lines[1].error as { type: string; message: string; stack: string };
    assert.equal(error.type, 'ApplicationFailure');
    assert.equal(error.message, `Twilio 21211: The 'To' number ${PHONE_MASK} is not a valid phone number.`);
    assert.ok(error.stack.includes(PHONE_MASK) && !error.stack.includes('4155550123'), error.stack);
    assert.equal(lines[1].url, `/2010-04-01/Accounts/AC1/Messages.json?To=${PHONE_MASK}`);
    assert.equal(lines[2].msg, kept);
    assert.equal(scrubPhones('no numbers here: 2026-11-29, 21211, 5000 ms'), 'no numbers here: 2026-11-29, 21211, 5000 ms');
  });

  it('honours the level it is given', () => {
    const { logger, lines } = capture('warn');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    assert.deepEqual(
      lines.map((l) => [l.level, l.msg]),
      [
        ['warn', 'w'],
        ['error', 'e'],
      ],
    );
  });

  it("carries Temporal's and Nest's logs, with their metadata and context", () => {
    const { logger, lines } = capture('info');
    temporalLogger(logger).warn('Activity failed', { activityType: 'messaging.send', error: new Error('to +14155550123') });
    temporalLogger(logger).debug('below the level');
    new NestLogger(logger).log('Mapped {/metrics, GET} route', 'RouterExplorer');
    new NestLogger(logger).error('boom', 'Error: boom\n    at x', 'http');
    assert.deepEqual(
      lines.map((l) => [l.level, l.msg, l.activityType ?? l.context]),
      [
        ['warn', 'Activity failed', 'messaging.send'],
        ['info', 'Mapped {/metrics, GET} route', 'RouterExplorer'],
        ['error', 'boom', 'http'],
      ],
    );
    assert.equal((lines[0].error as { message: string }).message, `to ${PHONE_MASK}`);
    assert.equal(lines[2].stack, 'Error: boom\n    at x');
  });
});
