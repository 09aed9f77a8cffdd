// For the payload-encryption and codec tests: a patient booked through the signed booking webhook,
// and the payloads of a workflow's raw history (as Temporal stores them, nothing decoded).
import assert from 'node:assert/strict';
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { DateTime } from 'luxon';
import { appointmentWorkflowId } from '../../src/workflows/contracts';
import { bookingSignature } from './signing';

export interface BookedPatient {
  name: string;
  phone: string;
}

/** Books `patient` 4 days ahead as the clinic's booking system would; answers the workflow id. */
export async function bookPatient(
  apiUrl: string,
  tenant: { id: string; webhookSecret: string },
  externalId: string,
  patient: BookedPatient,
): Promise<string> {
  const startsAt = DateTime.now().setZone('America/New_York').plus({ days: 4 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
  const raw = JSON.stringify({
    id: `evt-${externalId}`,
    type: 'appointment.created',
    occurredAt: DateTime.now().toISO(),
    appointment: { externalId, startsAt: startsAt.toISO(), patient },
  });
  const res = await fetch(`${apiUrl}/webhooks/booking/${tenant.id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-aro-signature': bookingSignature(tenant.webhookSecret, raw) },
    body: raw,
  });
  assert.equal(res.status, 202, await res.text());
  return appointmentWorkflowId(tenant.id, externalId);
}

/** Every run's history, in Temporal's own binary encoding: the bytes the server keeps. */
export async function rawHistories(client: Client, workflowId: string): Promise<temporal.api.history.v1.IHistory[]> {
  const histories: temporal.api.history.v1.IHistory[] = [];
  for await (const wf of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    histories.push(await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory());
  }
  return histories;
}

export function historyBytes(history: temporal.api.history.v1.IHistory): Buffer {
  return Buffer.from(temporal.api.history.v1.History.encode(history).finish());
}

function isPayload(value: object): value is Payload {
  return 'data' in value && 'metadata' in value && (value as Payload).data instanceof Uint8Array;
}

/** Read by the server (indexed search attributes) or by interceptors before any codec (headers: trace context). */
const UNCODED_FIELDS = new Set(['searchAttributes', 'header']);

/**
 * Every payload a codec handles in a history: inputs, results, signals, updates, memo, failures'
 * encoded attributes. Search attributes and headers are left out: no codec touches them (they hold
 * no patient data; the raw-bytes check covers them).
 */
export function codecPayloads(history: temporal.api.history.v1.IHistory): Payload[] {
  const found: Payload[] = [];
  const visit = (value: unknown, key: string): void => {
    if (typeof value !== 'object' || value === null || UNCODED_FIELDS.has(key)) return;
    if (value instanceof Uint8Array) return;
    if (isPayload(value)) {
      found.push(value);
      return;
    }
    for (const [k, v] of Object.entries(value)) visit(v, k);
  };
  visit(history, '');
  return found;
}

export function metadataText(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value ? Buffer.from(value).toString('utf8') : undefined;
}
