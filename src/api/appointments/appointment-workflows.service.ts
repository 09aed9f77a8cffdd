// Everything the API asks of appointment workflows in Temporal. The webhook routes and the clinic's
// GraphQL share it, so workflow ids, search attributes and signal payloads are spelled in one place.
import { Inject, Injectable } from '@nestjs/common';
import {
  Client,
  QueryRejectCondition,
  QueryRejectedError,
  WorkflowClient,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowStartOptions,
} from '@temporalio/client';
import {
  ApplicationFailure,
  WorkflowIdReusePolicy,
  type SearchAttributePair,
  type SignalDefinition,
  type UpdateDefinition,
} from '@temporalio/common';
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
  markAttendanceUpdate,
  resendReminderUpdate,
  resolveAttentionUpdate,
  searchAttributes,
  sendMessageUpdate,
  snapshotQuery,
  type AppointmentSnapshot,
  type AppointmentStatus,
  type AttendanceSignal,
  type BookingCancelledSignal,
  type BookingUpdatedSignal,
  type DeliveryStatusSignal,
  type InboundMessageSignal,
  type LifecycleInput,
} from '../../workflows/contracts';
import { writeProjection } from '../../db/appointment-projection';
import type { Db } from '../../db/prisma';
import type { Prisma } from '../../generated/prisma/client';
import { RetryLaterError } from '../http/retry-later';
import { ARO_CONFIG, DB, TEMPORAL_CLIENT } from '../tokens';

/**
 * Temporal could not be reached, refused the call or did not answer within
 * ARO_TEMPORAL_CALL_TIMEOUT_MS; nothing is known to have happened.
 */
export class TemporalUnavailableError extends RetryLaterError {
  readonly code = 'temporal_unavailable';
  readonly retryAfterSeconds = 5;
  readonly advice = 'Temporal cannot be reached; try again later';
  constructor(action: string, cause: unknown) {
    super(`Temporal did not accept "${action}": ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'TemporalUnavailableError';
  }
}

/**
 * Where an event about an appointment ended up: taken by its running lifecycle, refused because the
 * lifecycle has closed (a new visit needs a new external id), or nowhere because none ever ran.
 */
export interface LifecycleAnswer {
  workflowId: string;
  lifecycle: 'running' | 'closed' | 'never_started';
  /** Whether the caller's `alongside` write was made, with the appointment's first projection row. */
  wroteAlongside?: boolean;
}

/** The workflow refused a staff action (its validator or handler said why, e.g. "cannot cancel: the appointment is completed"). */
export class StaffActionRefusedError extends Error {
  constructor(
    message: string,
    /** The failure's type (ErrorType), when the workflow gave one. */
    readonly type: string | undefined,
  ) {
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

const staffUpdates = {
  confirm: confirmUpdate,
  cancel: cancelUpdate,
  resendReminder: resendReminderUpdate,
  sendMessage: sendMessageUpdate,
  markAttendance: markAttendanceUpdate,
  resolveAttention: resolveAttentionUpdate,
} as const;
type StaffUpdates = typeof staffUpdates;
export type StaffActionName = keyof StaffUpdates;
/** What each staff update takes (who, and what the action needs). */
export type StaffActionArgs<A extends StaffActionName> = StaffUpdates[A] extends UpdateDefinition<AppointmentSnapshot, [infer T]> ? T : never;

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
      dataConverter: temporal.options.dataConverter,
      queryRejectCondition: QueryRejectCondition.NOT_OPEN,
    });
  }

  /**
   * A new booking: starts its lifecycle in one round trip. Only when the workflow id exists already
   * (the event raced an update, or is a retry) does it fall back to updateBooking. `alongside`: a
   * write made with the first projection row once the lifecycle runs (see writeProjection).
   */
  async book(input: LifecycleInput, eventId: string, alongside?: Prisma.Sql): Promise<LifecycleAnswer> {
    const workflowId = appointmentWorkflowId(input.tenantId, input.appointment.externalId);
    try {
      await this.call('start', () => this.temporal.workflow.start(WORKFLOW_TYPE, this.startOptions(workflowId, input)));
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      return this.updateBooking(input, eventId, alongside);
    }
    return { workflowId, lifecycle: 'running', wroteAlongside: await this.writeFirstProjection(workflowId, input, alongside) };
  }

  /**
   * A booking's latest details, for its running lifecycle, or one started for them if none has run
   * yet. Atomic in Temporal, so a created and an updated event racing cannot start two; a lifecycle
   * that has closed is never started again.
   */
  async updateBooking(input: LifecycleInput, eventId: string, alongside?: Prisma.Sql): Promise<LifecycleAnswer> {
    const workflowId = appointmentWorkflowId(input.tenantId, input.appointment.externalId);
    const signal: BookingUpdatedSignal = {
      eventId,
      appointment: input.appointment,
      ...(input.bookingOccurredAt ? { occurredAt: input.bookingOccurredAt } : {}),
    };
    try {
      await this.call('bookingUpdated', () =>
        this.temporal.workflow.signalWithStart(WORKFLOW_TYPE, {
          ...this.startOptions(workflowId, input),
          signal: bookingUpdatedSignal,
          signalArgs: [signal],
        }),
      );
    } catch (err) {
      // Not running, and REJECT_DUPLICATE refused to start it again: its run has closed.
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, lifecycle: 'closed' };
      throw err;
    }
    // Signal-with-start may have started it (an update that overtook its created event).
    return { workflowId, lifecycle: 'running', wroteAlongside: await this.writeFirstProjection(workflowId, input, alongside) };
  }

  /**
   * The row the workflow counts on (input.projected); a revision-0 write never overwrites the
   * workflow's own. Written after the Temporal call, outside any transaction: should it fail, the
   * caller answers "try again" and the retry writes it. Whether `alongside` was written with it.
   */
  private async writeFirstProjection(workflowId: string, input: LifecycleInput, alongside: Prisma.Sql | undefined): Promise<boolean> {
    if (!input.projected) return false;
    await writeProjection(this.db, { tenantId: input.tenantId, workflowId, revision: 0, projection: input.projected }, alongside);
    return alongside !== undefined;
  }

  cancelBooking(tenantId: string, externalId: string, cancelled: BookingCancelledSignal): Promise<LifecycleAnswer> {
    return this.signalBooked(appointmentWorkflowId(tenantId, externalId), bookingCancelledSignal, cancelled);
  }

  recordAttendance(tenantId: string, externalId: string, attendance: AttendanceSignal): Promise<LifecycleAnswer> {
    return this.signalBooked(appointmentWorkflowId(tenantId, externalId), attendanceSignal, attendance);
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
   * lifecycle has closed or never started. `updateId`: a repeat with the same id, in the same run,
   * gets the first outcome from the server and changes nothing.
   */
  async staffAction<A extends StaffActionName>(
    tenantId: string,
    externalId: string,
    action: A,
    args: StaffActionArgs<A>,
    updateId?: string,
  ): Promise<AppointmentSnapshot> {
    const handle = this.temporal.workflow.getHandle(appointmentWorkflowId(tenantId, externalId));
    const update = staffUpdates[action] as UpdateDefinition<AppointmentSnapshot, [StaffActionArgs<A>]>;
    try {
      return await this.call(action, () => handle.executeUpdate(update, { args: [args], updateId }));
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        const type = err.cause instanceof ApplicationFailure ? err.cause.type : undefined;
        throw new StaffActionRefusedError(err.cause?.message ?? err.message, type ?? undefined);
      }
      throw err;
    }
  }

  private startOptions(workflowId: string, input: LifecycleInput): WorkflowStartOptions<(input: LifecycleInput) => Promise<void>> {
    return {
      workflowId,
      taskQueue: this.config.ARO_CORE_TASK_QUEUE,
      args: [input],
      // An appointment has one lifecycle: once it has closed, a late event must not start another.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      // One fairness key per clinic: the server dispatches the core queue's tasks round-robin
      // across clinics, so one clinic's burst does not queue everyone else's appointments behind it
      // (needs matching.enableFairness on the Temporal server; ignored without it).
      priority: { fairnessKey: input.tenantId },
      typedSearchAttributes: initialSearchAttributes(input),
    };
  }

  /**
   * A booking system's signal to an appointment's lifecycle. Temporal answers "not found" alike for
   * a lifecycle that never ran and one that has closed; only then is the difference looked up.
   */
  private async signalBooked<T>(workflowId: string, signal: SignalDefinition<[T]>, payload: T, retried = false): Promise<LifecycleAnswer> {
    if (await this.signalRunning(workflowId, signal, payload)) return { workflowId, lifecycle: 'running' };
    const run = await this.call('describe', async () => {
      try {
        return await this.temporal.workflow.getHandle(workflowId).describe();
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return null;
        throw err;
      }
    });
    if (!run) return { workflowId, lifecycle: 'never_started' };
    // Started between the signal and the look-up (its created event was being applied): signal it now.
    if (run.status.name === 'RUNNING' && !retried) return this.signalBooked(workflowId, signal, payload, true);
    return { workflowId, lifecycle: 'closed' };
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
      return await this.temporal.withDeadline(Date.now() + this.config.ARO_TEMPORAL_CALL_TIMEOUT_MS, fn);
    } catch (err) {
      // Answers about the workflow itself, not about Temporal being unreachable.
      if (
        err instanceof WorkflowNotFoundError ||
        err instanceof WorkflowUpdateFailedError ||
        err instanceof QueryRejectedError ||
        err instanceof WorkflowExecutionAlreadyStartedError
      ) {
        throw err;
      }
      throw new TemporalUnavailableError(action, err);
    }
  }
}
