// End to end: the real Temporal dev server and a real PostgreSQL, the worker and the API running
// as in production, driven only through the public HTTP contract and Temporal's client.
import assert from 'node:assert/strict';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import type { Db } from '../src/db/prisma';
import { createTenant } from '../src/tenants/create-tenant';
import {
  appointmentWorkflowId,
  cancelUpdate,
  confirmUpdate,
  resendReminderUpdate,
  snapshotQuery,
  type AppointmentSnapshot,
} from '../src/workflows/contracts';
import { startAroStack, type AroStack } from './support/aro-stack';
import { eventually, uniquePhone } from './support/lifecycle-harness';
import { bookingSignature, nowInUnixSeconds } from './support/signing';

const ZONE = 'Europe/Madrid';

describe('end to end: booking webhook → workflow → messages → reply → confirmed', function () {
  this.timeout(120_000);
  let stack: AroStack;
  let db: Db;
  let client: Client;
  let tenant: { id: string; webhookSecret: string };
  let seq = 0;

  before(async function () {
    this.timeout(15 * 60_000);
    stack = await startAroStack({ ARO_DEV_MODE: '1' });
    ({ db, temporal: client } = stack);
    const created = await createTenant(db, { name: 'Clínica Sol', timeZone: ZONE, defaultLocale: 'es' });
    tenant = { id: created.tenant.id, webhookSecret: created.webhookSecret };
  });

  after(async function () {
    this.timeout(60_000);
    await stack?.stop();
  });

  function bookingEvent(type: string, externalId: string, phone: string, startsAt: DateTime, id = `evt-${++seq}-${Date.now()}`) {
    return {
      id,
      type,
      occurredAt: DateTime.now().setZone(ZONE).toISO(),
      appointment: {
        externalId,
        startsAt: startsAt.setZone(ZONE).toISO(), // with the clinic's offset, as booking systems send it
        durationMinutes: 45,
        patient: { name: 'Lucía Gómez', phone, locale: 'es' },
        provider: 'Dra. Martín',
      },
    };
  }

  // The tests read whatever JSON came back and assert on its shape.
  async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const res = await fetch(`${stack.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
    return { status: res.status, body: await res.json().catch(() => null) };
  }

  function deliver(tenantId: string, secret: string, event: unknown, timestamp = nowInUnixSeconds()) {
    const raw = JSON.stringify(event);
    return post(`/webhooks/booking/${tenantId}`, raw, { 'x-aro-signature': bookingSignature(secret, raw, timestamp) });
  }

  const snapshot = (workflowId: string) => client.workflow.getHandle(workflowId).query(snapshotQuery);
  const until = (workflowId: string, check: (s: AppointmentSnapshot) => boolean, what: string) =>
    eventually(() => snapshot(workflowId), check, what);
  const outbound = (workflowId: string) =>
    db.message.findMany({ where: { appointmentId: workflowId, direction: 'outbound' }, orderBy: { createdAt: 'asc' } });

  it('books, messages, takes the reply and confirms — visible by AroTenantId, in the database and the projection', async () => {
    const phone = uniquePhone();
    const startsAt = DateTime.now().setZone(ZONE).plus({ days: 3 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    const answer = await deliver(tenant.id, tenant.webhookSecret, bookingEvent('appointment.created', 'visit-1', phone, startsAt));
    assert.equal(answer.status, 202);
    const workflowId = appointmentWorkflowId(tenant.id, 'visit-1');
    assert.equal(answer.body.workflowId, workflowId);

    const listed = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const wf of client.workflow.list({ query: `AroTenantId = '${tenant.id}'` })) ids.push(wf.workflowId);
        return ids;
      },
      (ids) => ids.includes(workflowId),
      'the workflow listed by AroTenantId',
    );
    assert.ok(listed.includes(workflowId));

    const first = await eventually(() => outbound(workflowId), (rows) => rows.length === 1, 'the booking confirmation in the database');
    assert.equal(first[0].kind, 'booking_confirmation');
    assert.equal(first[0].toPhone, phone);
    assert.match(first[0].body, /^Hola Lucía, su cita en Clínica Sol está reservada para el .+ a las 10:00\.$/);

    const routed = await post(`/dev/inbound/${tenant.id}`, { from: phone, body: 'Sí' });
    assert.equal(routed.status, 202);
    assert.equal(routed.body.status, 'routed');
    assert.equal(routed.body.workflowId, workflowId);

    // The acknowledgement goes out after the status changes: wait for both.
    const confirmed = await until(workflowId, (s) => s.status === 'confirmed' && s.messages.length === 3, 'confirmed and acknowledged');
    assert.deepEqual(
      confirmed.messages.map((m) => [m.direction, m.kind ?? null]),
      [['outbound', 'booking_confirmation'], ['inbound', null], ['outbound', 'confirm_ack']],
    );
    const projection = await eventually(
      () => db.appointment.findUnique({ where: { tenantId_externalId: { tenantId: tenant.id, externalId: 'visit-1' } } }),
      (row) => row?.status === 'confirmed',
      'the projection confirmed',
    );
    assert.equal(projection!.startsAt.toISOString(), startsAt.toUTC().toISO());
    await eventually(
      async () => {
        const ids: string[] = [];
        for await (const wf of client.workflow.list({ query: `AroTenantId = '${tenant.id}' AND AroStatus = 'confirmed'` })) ids.push(wf.workflowId);
        return ids;
      },
      (ids) => ids.includes(workflowId),
      'AroStatus confirmed in visibility',
    );
  });

  it('a duplicate webhook and a replayed event id have no second effect', async () => {
    const phone = uniquePhone();
    const startsAt = DateTime.now().setZone(ZONE).plus({ days: 4 }).set({ hour: 12, minute: 0 });
    const event = bookingEvent('appointment.created', 'visit-dup', phone, startsAt);
    assert.equal((await deliver(tenant.id, tenant.webhookSecret, event)).status, 202);
    const replay = await deliver(tenant.id, tenant.webhookSecret, event);
    assert.equal(replay.status, 200);
    assert.equal(replay.body.status, 'duplicate');
    // The same booking again under a new event id (a booking system re-sending): accepted, but
    // the workflow id makes it the same lifecycle and the unchanged time sends nothing new.
    const resend = await deliver(tenant.id, tenant.webhookSecret, { ...event, id: `${event.id}-again` });
    assert.equal(resend.status, 202);
    const workflowId = appointmentWorkflowId(tenant.id, 'visit-dup');
    // Signals are handled before a touch that falls due at the same moment: wait for both.
    await until(
      workflowId,
      (s) => s.timeline.some((t) => t.kind === 'booking.updated') && s.timeline.some((t) => t.kind === 'message.sent'),
      'the re-sent booking handled and the confirmation sent',
    );
    const rows = await outbound(workflowId);
    assert.deepEqual(rows.map((r) => r.kind), ['booking_confirmation']);
    const runs = [];
    for await (const wf of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(wf.runId);
    assert.equal(runs.length, 1);
  });

  it('refuses stale and forged signatures (401) and malformed payloads (400 naming the field), changing nothing', async () => {
    const phone = uniquePhone();
    const event = bookingEvent('appointment.created', 'visit-bad', phone, DateTime.now().plus({ days: 2 }));
    const stale = await deliver(tenant.id, tenant.webhookSecret, event, nowInUnixSeconds() - 600);
    assert.equal(stale.status, 401);
    const forged = await deliver(tenant.id, 'whsec_not-the-secret', event);
    assert.equal(forged.status, 401);
    const malformed = await deliver(tenant.id, tenant.webhookSecret, {
      ...event,
      appointment: { ...event.appointment, patient: { name: 'X', phone: '555-0100' } },
    });
    assert.equal(malformed.status, 400);
    assert.ok(malformed.body.fields.some((f: { field: string }) => f.field === 'appointment.patient.phone'), JSON.stringify(malformed.body));
    const noOffset = await deliver(tenant.id, tenant.webhookSecret, {
      ...event,
      appointment: { ...event.appointment, startsAt: '2030-01-01T10:00:00' },
    });
    assert.equal(noOffset.status, 400);
    assert.ok(noOffset.body.fields.some((f: { field: string }) => f.field === 'appointment.startsAt'));
    const recorded = await db.webhookEvent.count({ where: { tenantId: tenant.id, eventId: event.id } });
    assert.equal(recorded, 0);
    await assert.rejects(client.workflow.getHandle(appointmentWorkflowId(tenant.id, 'visit-bad')).describe());
  });

  it('a reschedule leaves no stale reminder: every pending touch is for the new time', async () => {
    const phone = uniquePhone();
    const startsAt = DateTime.now().setZone(ZONE).plus({ days: 5 }).set({ hour: 11, minute: 0, second: 0, millisecond: 0 });
    await deliver(tenant.id, tenant.webhookSecret, bookingEvent('appointment.created', 'visit-move', phone, startsAt));
    const workflowId = appointmentWorkflowId(tenant.id, 'visit-move');
    await eventually(() => outbound(workflowId), (rows) => rows.length === 1, 'the booking confirmation');
    const newStart = startsAt.plus({ days: 2 }).set({ hour: 17 });
    const moved = await deliver(tenant.id, tenant.webhookSecret, bookingEvent('appointment.updated', 'visit-move', phone, newStart));
    assert.equal(moved.status, 202);
    const snap = await until(workflowId, (s) => s.appointment.startsAt === newStart.toUTC().toISO() && s.nextTouch !== null, 'the new plan');
    const pending = snap.touches.filter((t) => t.state === 'pending');
    assert.ok(pending.length > 0);
    for (const t of pending) assert.ok(t.id.startsWith('r1:'), `stale touch still pending: ${JSON.stringify(t)}`);
    assert.equal(snap.nextTouch!.at, newStart.minus({ days: 2 }).toUTC().toISO());
    const rows = await eventually(() => outbound(workflowId), (r) => r.length === 2, 'the time-change notice');
    assert.equal(rows[1].kind, 'rescheduled_notice');
    assert.match(rows[1].body, /a las 17:00/);
  });

  it('staff actions are updates that answer with the new state; a refused one says why', async () => {
    const phone = uniquePhone();
    const startsAt = DateTime.now().setZone(ZONE).plus({ days: 3 }).set({ hour: 9, minute: 30 });
    await deliver(tenant.id, tenant.webhookSecret, bookingEvent('appointment.created', 'visit-staff', phone, startsAt));
    const handle = client.workflow.getHandle(appointmentWorkflowId(tenant.id, 'visit-staff'));
    await until(handle.workflowId, (s) => s.messages.length === 1, 'the booking confirmation');

    const resent = await handle.executeUpdate(resendReminderUpdate, { args: [{ actor: 'front desk' }] });
    assert.equal(resent.status, 'awaiting_confirmation');
    assert.deepEqual(resent.messages.map((m) => m.kind), ['booking_confirmation', 'reminder_confirm']);

    const confirmed = await handle.executeUpdate(confirmUpdate, { args: [{ actor: 'front desk' }] });
    assert.equal(confirmed.status, 'confirmed');
    assert.ok(confirmed.timeline.some((t) => t.kind === 'appointment.confirmed' && t.detail === 'by front desk'));

    // Checked in: the visit happened, the review request is still to come, so the workflow runs on.
    const checkedIn = await deliver(tenant.id, tenant.webhookSecret, bookingEvent('appointment.checked_in', 'visit-staff', phone, startsAt));
    assert.equal(checkedIn.status, 202);
    await until(handle.workflowId, (s) => s.status === 'completed', 'completed');
    await assert.rejects(handle.executeUpdate(cancelUpdate, { args: [{ actor: 'front desk', reason: 'too late' }] }), (err) => {
      assert.ok(err instanceof WorkflowUpdateFailedError, String(err));
      assert.match(String(err.cause?.message), /cannot cancel: the appointment is completed/);
      return true;
    });
    const audit = await db.auditEvent.findMany({ where: { subject: handle.workflowId }, orderBy: { at: 'asc' } });
    assert.ok(audit.some((a) => a.action === 'appointment.confirmed' && a.actor === 'front desk'));
  });

  it('serves a tenant created while the worker runs, without a restart', async () => {
    const fresh = await createTenant(db, { name: 'New Clinic', timeZone: 'America/Chicago' });
    const phone = uniquePhone();
    const startsAt = DateTime.now().setZone('America/Chicago').plus({ days: 6 }).set({ hour: 14, minute: 0 });
    const answer = await deliver(fresh.tenant.id, fresh.webhookSecret, bookingEvent('appointment.created', 'first-visit', phone, startsAt));
    assert.equal(answer.status, 202);
    const rows = await eventually(
      () => outbound(appointmentWorkflowId(fresh.tenant.id, 'first-visit')),
      (r) => r.length === 1,
      "the new tenant's first message",
    );
    assert.equal(rows[0].kind, 'booking_confirmation');
  });
});
