// Runs the real workers (core + tenant executors) against a test Temporal server and a real
// PostgreSQL, and starts appointments the way the booking webhook does.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { DateTime } from 'luxon';
import { runWorkers, type RunningWorkers } from '../../worker';
import type { MessagingProvider } from '../../src/activities/providers/messaging-provider';
import { loadConfig } from '../../src/config';
import { TEST_PAYLOAD_SETTINGS } from './payload-keys';
import { writeProjection } from '../../src/db/appointment-projection';
import type { Db } from '../../src/db/prisma';
import { lifecycleInput } from '../../src/api/appointments/lifecycle-input';
import { initialSearchAttributes } from '../../src/api/appointments/appointment-workflows.service';
import { parsePolicy } from '../../src/domain/policy';
import { appointmentLifecycle } from '../../src/workflows/appointment-lifecycle';
import {
  appointmentWorkflowId,
  snapshotQuery,
  type AppointmentSnapshot,
  type LifecycleInput,
  type Policy,
} from '../../src/workflows/contracts';

export const CLINIC_ZONE = 'America/New_York';

export async function startWorkers(
  env: TestWorkflowEnvironment,
  db: Db,
  opts: { providers?: Record<string, MessagingProvider> } = {},
): Promise<RunningWorkers> {
  const config = loadConfig({ ARO_TENANT_REFRESH_MS: '200', ...TEST_PAYLOAD_SETTINGS });
  return runWorkers({ config, db, connection: env.nativeConnection, ...opts });
}

/** A unique patient phone per test, so one test's opt-out never touches another's. */
export function uniquePhone(): string {
  return `+1555${Math.floor(1_000_000 + Math.random() * 8_999_999)}`;
}

/** An instant `days` after `fromMs`, at `hour`:`minute` clinic time. */
export function clinicTime(fromMs: number, days: number, hour: number, minute = 0): DateTime {
  return DateTime.fromMillis(fromMs, { zone: CLINIC_ZONE }).plus({ days }).set({ hour, minute, second: 0, millisecond: 0 });
}

const startedWorkflows: WorkflowHandle[] = [];

/** The workflows started since the last call, by their first run (a suite replays their histories after each test). */
export function takeStartedWorkflows(): WorkflowHandle[] {
  return startedWorkflows.splice(0);
}

export interface StartedAppointment {
  handle: WorkflowHandle<typeof appointmentLifecycle>;
  workflowId: string;
  externalId: string;
  phone: string;
  input: LifecycleInput;
}

export async function startAppointment(
  env: TestWorkflowEnvironment,
  db: Db,
  tenantId: string,
  startsAt: DateTime,
  opts: {
    policy?: Partial<Policy>;
    locale?: string;
    historyLimit?: number;
    phone?: string;
    /** The time zone the workflow is told, when not the clinic's (a broken one makes its planning fail). */
    timeZone?: string;
  } = {},
): Promise<StartedAppointment> {
  const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
  const externalId = `ext-${randomUUID()}`;
  const phone = opts.phone ?? uniquePhone();
  const appointment = {
    externalId,
    startsAt: startsAt.toUTC().toISO()!,
    durationMinutes: 30,
    patient: { name: 'Ana Ruiz', phone, locale: opts.locale ?? 'en' },
    provider: 'Dr. Lee',
  };
  // Planned as the API plans it, by the test server's clock (which runs ahead of the wall clock).
  const policied = { ...tenant, policy: { ...parsePolicy(tenant.policy), ...opts.policy } };
  const input: LifecycleInput = {
    ...lifecycleInput(policied, appointment, { id: `evt-${externalId}` }, new Date(await env.currentTimeMs())),
    historyLimit: opts.historyLimit,
    ...(opts.timeZone ? { timeZone: opts.timeZone } : {}),
  };
  const workflowId = appointmentWorkflowId(tenantId, externalId);
  const handle = await env.client.workflow.start(appointmentLifecycle, {
    workflowId,
    taskQueue: 'aro-core',
    args: [input],
    typedSearchAttributes: initialSearchAttributes(input),
  });
  startedWorkflows.push(handle);
  // As the API does when it starts a lifecycle.
  await writeProjection(db, { tenantId, workflowId, revision: 0, projection: input.projected! });
  return { handle, workflowId, externalId, phone, input };
}

export function snapshotOf(handle: WorkflowHandle): Promise<AppointmentSnapshot> {
  return handle.query(snapshotQuery);
}

/** Polls until `check` passes (the workflow acts asynchronously after a signal or a timer). */
export async function eventually<T>(probe: () => Promise<T>, check: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (check(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last, null, 1).slice(0, 3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Advances the time-skipping server to `at` (and lets the workflow act on what fell due). */
export async function skipTo(env: TestWorkflowEnvironment, at: DateTime): Promise<void> {
  const delta = at.toMillis() - (await env.currentTimeMs());
  if (delta > 0) await env.sleep(delta);
}

export async function outboundMessages(db: Db, workflowId: string) {
  return db.message.findMany({ where: { appointmentId: workflowId, direction: 'outbound' }, orderBy: { sentAt: 'asc' } });
}
