// The activities, built over their dependencies so tests and the worker pass real (or local)
// implementations. Skills run on the tenant's task queue; bookkeeping runs on the core queue.
import type { Db } from '../db/prisma';
import type { PlanLimits } from '../domain/plan-limits';
import type { CredentialCipher } from '../secrets/credential-cipher';
import { countedClassify, countedSend } from '../telemetry/skill-metrics';
import { createAppointmentRecord, createAppointmentStateRecord } from './appointment-record';
import { createConsentRecord } from './consent';
import { createMessagingSend } from './messaging-send';
import { createNlpClassify } from './nlp-classify';
import { createPlanningActivities } from './planning';
import type { MessagingProvider } from './providers/messaging-provider';

export interface ActivityDeps {
  db: Db;
  providers: Record<string, MessagingProvider>;
  /** Opens tenants' sealed provider credentials; only the skills use it. */
  cipher: CredentialCipher;
  /** ARO's public URL, where providers send delivery statuses. */
  publicUrl?: string;
  planLimits: PlanLimits;
}

/** Skills: act on the outside world for one tenant; registered on that tenant's queue (and only serve that tenant). */
export function createSkillActivities(deps: ActivityDeps, tenantId: string) {
  return {
    'messaging.send': countedSend(createMessagingSend(deps, tenantId)),
    'nlp.classify': countedClassify(createNlpClassify(deps, tenantId)),
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
