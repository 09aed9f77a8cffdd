// The activities, built over their dependencies so tests and the worker pass real (or local)
// implementations. Skills run on the tenant's own task queue or a pool queue; bookkeeping runs on the core queue.
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Db } from '../db/prisma';
import type { PlanLimits } from '../domain/plan-limits';
import type { CredentialCipher } from '../secrets/credential-cipher';
import { countedClassify, countedSend } from '../telemetry/skill-metrics';
import { createAppointmentRecord, createAppointmentStateRecord } from './appointment-record';
import { createConsentRecord } from './consent';
import { createMessagingSend, type SendPacing } from './messaging-send';
import { createNlpClassify } from './nlp-classify';
import { createPlanningActivities } from './planning';
import type { MessagingProvider } from './providers/messaging-provider';
import { appointmentWorkflowId, ErrorType } from '../workflows/contracts';

export interface ActivityDeps {
  db: Db;
  providers: Record<string, MessagingProvider>;
  /** Opens tenants' sealed provider credentials; only the skills use it. */
  cipher: CredentialCipher;
  /** ARO's public URL, where providers send delivery statuses. */
  publicUrl?: string;
  planLimits: PlanLimits;
  /** How long a send skill keeps its tenant's row, templates and opened credentials (ARO_TENANT_CACHE_TTL_MS). */
  tenantCacheTtlMs?: number;
}

/** Skills: act on the outside world for one tenant; registered on that tenant's queue (and only serve that tenant). */
export function createSkillActivities(deps: ActivityDeps, tenantId: string, pacing: SendPacing = {}) {
  return {
    'messaging.send': countedSend(createMessagingSend(deps, tenantId, pacing)),
    'nlp.classify': countedClassify(createNlpClassify(deps, tenantId)),
  };
}

/**
 * The tenant a pooled skill call serves: the one its command names, which must be the tenant of the
 * lifecycle that scheduled it. The workflow id comes from the server, not from the command, so a
 * command naming another clinic never opens that clinic's credentials or settings.
 */
function schedulingTenant(claimed: string): string {
  const workflowId = Context.current().info.workflowExecution?.workflowId ?? '(no workflow)';
  if (!workflowId.startsWith(appointmentWorkflowId(claimed, ''))) {
    throw ApplicationFailure.create({
      type: ErrorType.InvalidCommand,
      message: `command for tenant ${claimed} was scheduled by ${workflowId}, a lifecycle of another tenant`,
      nonRetryable: true,
    });
  }
  return claimed;
}

/** Clinics whose skills (and their caches) a pool worker keeps; the least recently served go first. */
const POOLED_CLINICS_KEPT = 1_000;

/**
 * Skills of a pool queue, shared by many tenants: each call serves the tenant of the lifecycle that
 * scheduled it, with that tenant's credentials, settings and send rate, never the queue's.
 */
export function createPooledSkillActivities(deps: ActivityDeps): SkillActivities {
  // Each clinic's skills keep its row, templates and opened credentials for the cache TTL, as on a
  // dedicated queue: built once per clinic (the most recently served ones), not once per call.
  const served = new Map<string, ReturnType<typeof createSkillActivities>>();
  const skillsOf = (tenantId: string) => {
    const skills = served.get(tenantId) ?? createSkillActivities(deps, tenantId, { paced: true });
    served.delete(tenantId);
    served.set(tenantId, skills);
    if (served.size > POOLED_CLINICS_KEPT) served.delete(served.keys().next().value!);
    return skills;
  };
  return {
    'messaging.send': async (cmd) => skillsOf(schedulingTenant(cmd.tenantId))['messaging.send'](cmd),
    'nlp.classify': async (cmd) => skillsOf(schedulingTenant(cmd.tenantId))['nlp.classify'](cmd),
  };
}

/**
 * Bookkeeping: schedule computation and recording in ARO's own database; registered on the core
 * worker, where lifecycles run them as local activities. recordAppointmentState and recordConsent
 * serve the version-1 lifecycles still open (see src/workflows/v1).
 */
export function createBookkeepingActivities(deps: Pick<ActivityDeps, 'db'>) {
  return {
    ...createPlanningActivities(deps),
    recordAppointment: createAppointmentRecord(deps),
    recordAppointmentState: createAppointmentStateRecord(deps),
    recordConsent: createConsentRecord(deps),
  };
}

export type SkillActivities = ReturnType<typeof createSkillActivities>;
export type BookkeepingActivities = ReturnType<typeof createBookkeepingActivities>;
