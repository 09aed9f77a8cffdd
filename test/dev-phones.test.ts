// The patient phone's GraphQL queries are a developer's tool: outside dev mode they refuse before
// reading or playing anything.
import assert from 'node:assert/strict';
import { DevPhones } from '../src/api/dev/dev-phones.service';
import { ClinicError } from '../src/api/graphql/clinic-errors';
import type { TenantCaller } from '../src/api/graphql/auth/api-callers';
import { InboundReplies } from '../src/api/replies/inbound-replies.service';
import { loadConfig } from '../src/config';
import type { Db } from '../src/db/prisma';

describe('dev phones outside dev mode', () => {
  const caller: TenantCaller = { kind: 'tenant', tenantId: 't_1', keyId: 'k_1', keyName: 'default' };
  // Nothing may be touched: a database or Temporal call would throw on these.
  const untouchable = new Proxy({}, { get: (_, name) => assert.fail(`touched ${String(name)}`) }) as Db;
  const phones = new DevPhones(untouchable, loadConfig({ ARO_DEV_MODE: '0' }), new InboundReplies(untouchable, untouchable as never));

  for (const [what, call] of [
    ['devPhones', () => phones.list(caller)],
    ['devPatientReply', () => phones.reply(caller, '+14155550123', 'yes')],
  ] as const) {
    it(`${what} is FORBIDDEN, naming ARO_DEV_MODE`, async () => {
      await assert.rejects(call(), (err: unknown) => {
        assert.ok(err instanceof ClinicError);
        assert.equal(err.extensions.code, 'FORBIDDEN');
        assert.match(err.message, /ARO_DEV_MODE=1/);
        return true;
      });
    });
  }
});
