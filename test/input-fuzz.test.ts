// Property-based fuzzing of the input schemas: arbitrary JSON and hostile text into the booking event,
// the reminder policy, the template input and the JSON body rules. Each either refuses with its
// validation error or accepts a value that keeps every rule: text PostgreSQL can store, instants
// within the booking window, positive bounded durations, https links, known {{variables}} only.
import assert from 'node:assert/strict';
import { BadRequestException } from '@nestjs/common';
import fc from 'fast-check';
import { Duration } from 'luxon';
import { templateInputSchema } from '../src/api/graphql/dto/template.input';
import { parsePayload } from '../src/api/http/invalid-payload';
import { MAX_JSON_DEPTH, nestsDeeperThan, parseJsonBody } from '../src/api/http/json-body';
import { BOOKING_PAST_TOLERANCE_MINUTES, bookingEventSchema, newAppointmentSchema } from '../src/api/webhooks/booking-event.schema';
import { TEMPLATE_VARIABLES } from '../src/domain/default-templates';
import { defaultPolicy, policySchema } from '../src/domain/policy';
import { createPrisma, type Db } from '../src/db/prisma';
import { findUnstorableText, isStorableText } from '../src/domain/storable-text';
import { renderTemplate, UnknownTemplateVariableError } from '../src/domain/template-render';
import { startTestDatabase, type TestDatabase } from './support/servers';

const RUNS = 2000;
const NOW = new Date('2027-03-10T12:00:00Z');
const HORIZON_DAYS = 730;
const DAY_MS = 24 * 3600_000;
const window = { horizonDays: HORIZON_DAYS, now: () => NOW };

/** Any UTF-16 code unit, so lone surrogates and NUL appear as often as letters. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const hostileText = fc.oneof(
  fc.string({ unit: codeUnit, maxLength: 12 }),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('\u0000', '\ud800', 'a\udfffb', '\u202e', '\u200d', '   ', '', '+14155550123\u0000', '__proto__', 'constructor'),
);

/** Instants around the window's edges, well-formed or not. */
const instant = fc.oneof(
  fc.integer({ min: -3 * 365, max: 3 * 365 }).map((days) => new Date(NOW.getTime() + days * DAY_MS).toISOString()),
  fc.integer({ min: -30, max: 30 }).map((minutes) => new Date(NOW.getTime() + minutes * 60_000).toISOString().replace('Z', '+00:00')),
  fc.constantFrom('9999-12-31T23:59:59Z', '0001-01-01T00:00:00Z', '2027-02-30T10:00:00Z', '2027-03-10T12:00:00', 'NaN', ''),
  hostileText,
);

const bookingLike = fc.record(
  {
    id: hostileText,
    type: fc.constantFrom('appointment.created', 'appointment.updated', 'appointment.cancelled', 'appointment.no_show', 'nope'),
    occurredAt: instant,
    appointment: fc.record(
      {
        externalId: hostileText,
        startsAt: instant,
        durationMinutes: fc.oneof(fc.integer({ min: -10, max: 2000 }), fc.double(), fc.constant('30')),
        patient: fc.record(
          { name: hostileText, phone: fc.oneof(fc.constant('+14155550123'), hostileText), locale: fc.oneof(fc.constantFrom('en', 'pt-BR', 'es-419'), hostileText) },
          { requiredKeys: ['name', 'phone'] },
        ),
        provider: hostileText,
        location: hostileText,
      },
      { requiredKeys: ['externalId', 'startsAt', 'patient'] },
    ),
  },
  { requiredKeys: [] },
);

function within(at: string, from: number, to: number): boolean {
  const ms = Date.parse(at);
  return ms >= from && ms <= to;
}

describe('input fuzzing: the schemas refuse or accept only what keeps the rules', function () {
  this.timeout(120_000);

  it('the booking event schema: any JSON or near-valid event is refused with the 400, or kept to the rules', () => {
    const schema = bookingEventSchema(window);
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), bookingLike), (value) => {
        let event;
        try {
          event = parsePayload(schema, value);
        } catch (err) {
          assert.ok(err instanceof BadRequestException, `threw ${String(err)}`);
          return;
        }
        assert.equal(findUnstorableText(event), undefined);
        const { appointment } = event;
        const latest = NOW.getTime() + HORIZON_DAYS * DAY_MS;
        assert.ok(within(appointment.startsAt, -Infinity, latest), `startsAt ${appointment.startsAt}`);
        assert.ok(within(event.occurredAt, NOW.getTime() - HORIZON_DAYS * DAY_MS, latest), `occurredAt ${event.occurredAt}`);
        if (event.type === 'appointment.created') {
          assert.ok(Date.parse(appointment.startsAt) >= NOW.getTime() - BOOKING_PAST_TOLERANCE_MINUTES * 60_000);
        }
        if (appointment.durationMinutes !== undefined) assert.ok(Number.isInteger(appointment.durationMinutes) && appointment.durationMinutes >= 1);
        assert.match(appointment.patient.phone, /^\+[1-9]\d{6,14}$/);
        assert.match(appointment.patient.name, /[\p{L}\p{N}]/u);
        assert.ok(appointment.externalId.trim().length > 0);
      }),
      { numRuns: RUNS },
    );
  });

  it('the new-appointment schema (GraphQL createAppointment) never books in the past or beyond the horizon', () => {
    const schema = newAppointmentSchema(window);
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), bookingLike.map((e) => e.appointment)), (value) => {
        const parsed = schema.safeParse(value);
        if (!parsed.success) return;
        assert.ok(within(parsed.data.startsAt, NOW.getTime() - BOOKING_PAST_TOLERANCE_MINUTES * 60_000, NOW.getTime() + HORIZON_DAYS * DAY_MS));
        assert.equal(findUnstorableText(parsed.data), undefined);
      }),
      { numRuns: RUNS },
    );
  });

  it('the policy schema: every accepted duration is positive and bounded, every link https, every text storable', () => {
    const duration = fc.oneof(
      fc.constantFrom('P2D', 'PT2H', '-P1D', 'P-1D', 'PT0S', 'P0D', 'P1000Y', 'P1DT-25H', 'PT-1H', 'P', 'PT', '1 day', 'P1D\u0000', 'P91D', 'P1M'),
      fc.tuple(fc.integer({ min: -5, max: 400 }), fc.constantFrom('D', 'W', 'M', 'Y')).map(([n, u]) => `P${n}${u}`),
      fc.tuple(fc.integer({ min: -50, max: 3000 }), fc.constantFrom('H', 'M', 'S')).map(([n, u]) => `PT${n}${u}`),
      hostileText,
    );
    const url = fc.oneof(
      fc.webUrl(),
      fc.constantFrom('javascript:alert(1)', 'JaVaScRiPt:x', 'data:text/html,x', 'file:///etc/passwd', '//evil.example', 'https://', 'https://u:p@x.example/', 'https://x.example/\u0000'),
      hostileText,
    );
    const policyLike = fc.record({
      reminders: fc.array(fc.record({ before: duration, channel: fc.constantFrom('sms', 'whatsapp'), template: fc.oneof(fc.constantFrom('reminder_confirm', '__proto__', 'constructor'), hostileText) }), { maxLength: 12 }),
      confirmationDeadline: fc.option(duration),
      attendanceWindow: duration,
      rescheduleLinkTtl: duration,
      rescheduleUrl: fc.option(url),
      whatsappDeliveryWindow: fc.option(duration),
      reviewRequest: fc.option(fc.record({ after: duration, channel: fc.constant('sms') })),
      frequencyCap: fc.record({ perDay: fc.oneof(fc.integer({ min: -5, max: 200 }), fc.double()), perWeek: fc.integer({ min: -5, max: 200 }) }),
    });
    const positive = (d: string, max: string) => {
      const ms = Duration.fromISO(d).as('milliseconds');
      return ms > 0 && ms <= Duration.fromISO(max).as('milliseconds');
    };
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), policyLike.map((p) => ({ ...defaultPolicy(), ...p }))), (value) => {
        const parsed = policySchema.safeParse(value);
        if (!parsed.success) return;
        const p = parsed.data;
        assert.equal(findUnstorableText(p), undefined);
        for (const r of p.reminders) assert.ok(positive(r.before, 'P90D'), r.before);
        if (p.confirmationDeadline) assert.ok(positive(p.confirmationDeadline, 'P90D'));
        assert.ok(positive(p.attendanceWindow, 'P30D'));
        assert.ok(positive(p.rescheduleLinkTtl, 'P30D'));
        if (p.whatsappDeliveryWindow) assert.ok(positive(p.whatsappDeliveryWindow, 'P1D'));
        if (p.rescheduleUrl) assert.equal(new URL(p.rescheduleUrl).protocol, 'https:');
        assert.ok(p.frequencyCap.perDay <= p.frequencyCap.perWeek);
        for (const r of p.reminders) assert.match(r.template, /^[a-z][a-z0-9_]*$/);
      }),
      { numRuns: RUNS },
    );
  });

  it('the template input: only {{known}} placeholders render, and nothing from Object.prototype ever does', () => {
    const placeholder = fc.oneof(
      fc.constantFrom(...TEMPLATE_VARIABLES, 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'name.constructor', '#each x', '/each', 'nmae'),
      hostileText,
    );
    const body = fc
      .array(fc.oneof(hostileText, placeholder.map((p) => `{{${p}}}`), fc.constantFrom('{{', '}}', '{', '}')), { maxLength: 8 })
      .map((parts) => parts.join(' '));
    const variables = Object.fromEntries(TEMPLATE_VARIABLES.map((v) => [v, `<${v}>`]));
    fc.assert(
      fc.property(fc.record({ kind: fc.oneof(fc.constant('reminder_confirm'), hostileText), locale: fc.oneof(fc.constant('en'), hostileText), body }), (input) => {
        const parsed = templateInputSchema.safeParse(input);
        if (!parsed.success) return;
        assert.equal(findUnstorableText(parsed.data), undefined);
        let text: string;
        try {
          text = renderTemplate(parsed.data.body, variables);
        } catch (err) {
          assert.ok(err instanceof UnknownTemplateVariableError, `threw ${String(err)}`);
          assert.ok(!Object.hasOwn(variables, err.variable));
          return;
        }
        assert.ok(!text.includes('{{') && !text.includes('}}'), text);
        assert.ok(!/function |\[object /.test(text), text);
      }),
      { numRuns: RUNS },
    );
  });

  it('JSON bodies: any bytes are parsed into a shallow, storable document or refused with the 400', () => {
    const deep = fc.integer({ min: 1, max: 5000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth));
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
      fc.string({ unit: codeUnit, maxLength: 20 }).map((s) => Buffer.from(JSON.stringify({ name: s }))),
      deep.map((text) => Buffer.from(text)),
    );
    fc.assert(
      fc.property(bytes, (raw) => {
        let document: unknown;
        try {
          document = parseJsonBody(raw);
        } catch (err) {
          assert.ok(err instanceof BadRequestException, `threw ${String(err)}`);
          return;
        }
        assert.equal(nestsDeeperThan(document, MAX_JSON_DEPTH), false);
        assert.equal(findUnstorableText(document), undefined);
      }),
      { numRuns: RUNS },
    );
  });

  describe('the storable-text rule is PostgreSQL\'s own', function () {
    let database: TestDatabase;
    let db: Db;

    before(async function () {
      this.timeout(5 * 60_000);
      database = await startTestDatabase();
      db = createPrisma(database.databaseUrl);
    });

    after(async () => {
      await db?.$disconnect();
      await database?.stop();
    });

    async function jsonbAccepts(text: string): Promise<boolean> {
      try {
        // As Prisma writes a JSON column (WebhookEvent.payload, Policy): the text JSON-encoded, cast to jsonb.
        await db.$queryRawUnsafe('SELECT $1::jsonb AS v', JSON.stringify({ text }));
        return true;
      } catch {
        return false;
      }
    }

    it('a string is storable exactly when PostgreSQL takes it in a jsonb column', async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.string({ unit: codeUnit, maxLength: 6 }), hostileText, fc.constantFrom('\ud83d\ude00', 'a\udc00', '\ud800\ud800')), async (text) => {
          assert.equal(isStorableText(text), await jsonbAccepts(text), JSON.stringify(text));
        }),
        { numRuns: 300 },
      );
    });
  });
});
