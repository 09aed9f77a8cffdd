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

export interface FoundPayload {
  /** Where in the history, e.g. `events.0.workflowExecutionStartedEventAttributes.input.payloads.0`. */
  path: string;
  payload: Payload;
}

/** Temporal's own bookkeeping in markers (a local activity's ids and times, a patch's id), written by the SDK's core in clear. */
const CORE_MARKER_DATA = /markerRecordedEventAttributes\.details\.(data|patch_data)\./;

/**
 * Every payload in a history but search attributes, headers and markers' core bookkeeping, which no
 * codec touches (they hold no patient data; the raw-bytes check covers them).
 */
export function historyPayloads(history: temporal.api.history.v1.IHistory): FoundPayload[] {
  const found: FoundPayload[] = [];
  const visit = (value: unknown, path: string, key: string): void => {
    if (typeof value !== 'object' || value === null || UNCODED_FIELDS.has(key) || value instanceof Uint8Array) return;
    if (isPayload(value)) {
      if (!CORE_MARKER_DATA.test(path)) found.push({ path, payload: value });
      return;
    }
    for (const [k, v] of Object.entries(value)) visit(v, path ? `${path}.${k}` : k, k);
  };
  visit(history, '', '');
  return found;
}

export function metadataText(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value ? Buffer.from(value).toString('utf8') : undefined;
}
