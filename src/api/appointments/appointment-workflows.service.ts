// Everything the API asks of appointment workflows in Temporal. The webhook routes and the clinic's
// GraphQL share it, so workflow ids, search attributes and signal payloads are spelled in one place.
import { Inject, Injectable } from '@nestjs/common';
import {
  Client,
  QueryRejectCondition,
  QueryRejectedError,
  WorkflowClient,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import type { SearchAttributePair, SignalDefinition } from '@temporalio/common';
import type { AroConfig } from '../../config';
import {
  WORKFLOW_TYPE,
  appointmentWorkflowId,
  attendanceSignal,
  bookingCancelledSignal,
  bookingUpdatedSignal,
  cancelUpdate,
  confirmUpdate,
  deliveryStatusSignal,
  inboundMessageSignal,
  resendReminderUpdate,
  searchAttributes,
  snapshotQuery,
  type AppointmentSnapshot,
  type AppointmentStatus,
  type CancelAction,
  type AttendanceSignal,
  type DeliveryStatusSignal,
  type InboundMessageSignal,
  type LifecycleInput,
  type StaffAction,
} from '../../workflows/contracts';
import { ARO_CONFIG, DB, TEMPORAL_CLIENT } from '../tokens';
import { writeProjection } from '../../db/appointment-projection';
import type { Db } from '../../db/prisma';

/**
 * A caller holding a database transaction open must not wait on Temporal for long; past this the
 * call fails and the caller answers "try again" rather than hanging.
 */
const TEMPORAL_CALL_DEADLINE_MS = 10_000;

/** Temporal could not be reached or refused the call; nothing is known to have happened. */
export class TemporalUnavailableError extends Error {
  constructor(action: string, cause: unknown) {
    super(`Temporal did not accept "${action}": ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'TemporalUnavailableError';
  }
}

/** The workflow refused a staff action (its validator or handler said why, e.g. "cannot cancel: the appointment is completed"). */
export class StaffActionRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StaffActionRefusedError';
  }
}

/** The search attributes a lifecycle starts with; the workflow upserts them only when they change. */
export function initialSearchAttributes(input: LifecycleInput): SearchAttributePair[] {
  return [
    { key: searchAttributes.tenantId, value: input.tenantId },
    { key: searchAttributes.status, value: 'scheduled' satisfies AppointmentStatus },
    { key: searchAttributes.startsAt, value: new Date(input.appointment.startsAt) },
    { key: searchAttributes.needsAttention, value: false },
  ];
}

const staffUpdates = { confirm: confirmUpdate, cancel: cancelUpdate, resendReminder: resendReminderUpdate } as const;
export type StaffActionName = keyof typeof staffUpdates;

@Injectable()
export class AppointmentWorkflows {
  /** Queries through it are refused by the server for a closed workflow instead of replaying its history on a worker. */
  private readonly openWorkflows: WorkflowClient;

  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(ARO_CONFIG) private readonly config: AroConfig,
    @Inject(DB) private readonly db: Db,
  ) {
    this.openWorkflows = new WorkflowClient({
      connection: temporal.connection,
      namespace: temporal.options.namespace,
      queryRejectCondition: QueryRejectCondition.NOT_OPEN,
    });
  }

  /**
   * Hands a booking's latest details to its appointment's lifecycle, starting the lifecycle first if
   * it is not running. Atomic in Temporal, so a created and an updated event racing cannot start two.
   */
  async book(input: LifecycleInput, eventId: string): Promise<string> {
    const { tenantId, appointment } = input;
    const workflowId = appointmentWorkflowId(tenantId, appointment.externalId);
    await this.call('bookingUpdated', () =>
      this.temporal.workflow.signalWithStart(WORKFLOW_TYPE, {
        workflowId,
        taskQueue: this.config.ARO_CORE_TASK_QUEUE,
        args: [input],
        signal: bookingUpdatedSignal,
        signalArgs: [{ eventId, appointment }],
        // One fairness key per clinic: the server dispatches the core queue's tasks round-robin
        // across clinics, so one clinic's burst does not queue everyone else's appointments behind it
        // (needs matching.enableFairness on the Temporal server; ignored without it).
        priority: { fairnessKey: tenantId },
        typedSearchAttributes: initialSearchAttributes(input),
      }),
    );
    // The row the workflow counts on (input.projected); a revision-0 write never overwrites the
    // workflow's own. Should it fail, the caller answers "try again" and the retry writes it.
    if (input.projected) await writeProjection(this.db, { tenantId, workflowId, revision: 0, projection: input.projected });
    return workflowId;
  }

  /** Returns the workflow id, or null when the appointment has no running lifecycle. */
  cancelBooking(tenantId: string, externalId: string, eventId: string): Promise<string | null> {
    return this.signalRunning(appointmentWorkflowId(tenantId, externalId), bookingCancelledSignal, { eventId });
  }

  /** Returns the workflow id, or null when the appointment has no running lifecycle. */
  recordAttendance(tenantId: string, externalId: string, attendance: AttendanceSignal): Promise<string | null> {
    return this.signalRunning(appointmentWorkflowId(tenantId, externalId), attendanceSignal, attendance);
  }

  /** Returns the workflow id, or null when the lifecycle has closed since it was looked up. */
  deliverReply(workflowId: string, reply: InboundMessageSignal): Promise<string | null> {
    return this.signalRunning(workflowId, inboundMessageSignal, reply);
  }

  /** Returns the workflow id, or null when the lifecycle has closed (a late receipt changes nothing then). */
  reportDelivery(workflowId: string, status: DeliveryStatusSignal): Promise<string | null> {
    return this.signalRunning(workflowId, deliveryStatusSignal, status);
  }

  /** The appointment's live state, or null when its lifecycle has closed or never started. */
  async snapshot(tenantId: string, externalId: string): Promise<AppointmentSnapshot | null> {
    const workflowId = appointmentWorkflowId(tenantId, externalId);
    try {
      return await this.call('snapshot', () => this.openWorkflows.getHandle(workflowId).query(snapshotQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError || err instanceof QueryRejectedError) return null;
      throw err;
    }
  }

  /**
   * A staff action as a Temporal update: answers with the state after it, throws
   * StaffActionRefusedError when the workflow refuses it and WorkflowNotFoundError when the
   * lifecycle has closed or never started.
   */
  async staffAction(tenantId: string, externalId: string, action: StaffActionName, by: StaffAction | CancelAction): Promise<AppointmentSnapshot> {
    const handle = this.temporal.workflow.getHandle(appointmentWorkflowId(tenantId, externalId));
    try {
      return await this.call(action, () => handle.executeUpdate(staffUpdates[action] as typeof cancelUpdate, { args: [by] }));
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw new StaffActionRefusedError(err.cause?.message ?? err.message);
      throw err;
    }
  }

  private async signalRunning<T>(workflowId: string, signal: SignalDefinition<[T]>, payload: T): Promise<string | null> {
    try {
      await this.call(signal.name, () => this.temporal.workflow.getHandle(workflowId).signal(signal, payload));
      return workflowId;
    } catch (err) {
      // Never started, or already closed: Temporal answers both the same way.
      if (err instanceof WorkflowNotFoundError) return null;
      throw err;
    }
  }

  private async call<R>(action: string, fn: () => Promise<R>): Promise<R> {
    try {
      return await this.temporal.withDeadline(Date.now() + TEMPORAL_CALL_DEADLINE_MS, fn);
    } catch (err) {
      // Answers about the workflow itself, not about Temporal being unreachable.
      if (err instanceof WorkflowNotFoundError || err instanceof WorkflowUpdateFailedError || err instanceof QueryRejectedError) throw err;
      throw new TemporalUnavailableError(action, err);
    }
  }
}
