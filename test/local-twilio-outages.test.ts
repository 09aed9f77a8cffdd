// The local Twilio server's outages, as the real `twilio` client meets them: the fault drill's
// figures mean something only if a 500 is a 500, a timeout sends nothing, and a stall sends.
import assert from 'node:assert/strict';
import { twilioClient, twilioHttpClient } from '../src/twilio/twilio-client';
import { LocalTwilio, newAccount, randomSid } from './support/local-twilio';

const CLIENT_TIMEOUT_MS = 300;

describe('local Twilio outages: 500s, timeouts, stalls', function () {
  const account = newAccount();
  let server: LocalTwilio;
  let client: ReturnType<typeof twilioClient>;
  const create = (to: string) => client.messages.create({ to, messagingServiceSid: randomSid('MG'), body: 'Hi Rosa, see you Tuesday.' });

  beforeEach(async () => {
    server = await new LocalTwilio([account]).start();
    server.deliverySteps = [];
    client = twilioClient(account, twilioHttpClient({ apiBaseUrl: server.url, timeoutMs: CLIENT_TIMEOUT_MS }));
  });

  afterEach(() => server.stop());

  it('server_error answers every call with Twilio 20500 and creates nothing; ending it restores service', async () => {
    server.setOutage('server_error');
    await assert.rejects(create('+15551230001'), (err: { status: number; code: number }) => err.status === 500 && err.code === 20500);
    await assert.rejects(client.messages.list({ to: '+15551230001' }), (err: { status: number }) => err.status === 500);
    assert.equal(server.messages.length, 0);
    server.setOutage(null);
    assert.match((await create('+15551230001')).sid, /^SM[0-9a-f]{32}$/);
    assert.equal(server.messages.length, 1);
  });

  it('timeout leaves the call unanswered until the client gives up, and creates nothing', async () => {
    server.setOutage('timeout');
    await assert.rejects(create('+15551230002'), (err: { code?: string }) => err.code === 'ECONNABORTED');
    assert.equal(server.messages.length, 0);
    assert.equal(server.requests.length, 1);
  });

  it('stall sends the message but answers after the client has given up; the message is then found by listing', async () => {
    server.stallMs = CLIENT_TIMEOUT_MS * 10;
    server.setOutage('stall');
    await assert.rejects(create('+15551230003'), (err: { code?: string }) => err.code === 'ECONNABORTED');
    assert.equal(server.sentTo('+15551230003').length, 1, 'the stalled create was carried out');
    server.setOutage(null);
    const listed = await client.messages.list({ to: '+15551230003' });
    assert.deepEqual(listed.map((m) => m.sid), [server.messages[0].sid]);
  });
});
