// Schedule activities: the workflow asks here for UTC instants because it may not read the
// time-zone database itself. A follow-up is planned when the frequency cap will let it go.
import { DateTime } from 'luxon';
import type { Db } from '../db/prisma';
import { planFollowUp, planTouches, type TouchPlan } from '../domain/touch-schedule';
import type { PlanFollowUpCommand, PlanTouchesCommand } from '../workflows/contracts';
import { frequencyCapHold } from './frequency-cap-hold';

export function createPlanningActivities({ db }: { db: Db }) {
  return {
    async planTouches(cmd: PlanTouchesCommand): Promise<TouchPlan> {
      return planTouches(cmd);
    },
    async planFollowUp(cmd: PlanFollowUpCommand): Promise<TouchPlan> {
      const plan = planFollowUp(cmd);
      // Version-1 lifecycles do not say whose follow-up it is; they meet the cap when they send.
      if (!cmd.tenantId) return plan;
      for (const touch of plan.touches) {
        const hold = await frequencyCapHold(db, {
          tenantId: cmd.tenantId,
          phone: cmd.appointment.patient.phone,
          at: DateTime.fromISO(touch.at, { zone: 'utc' }),
          cap: cmd.policy.frequencyCap,
          quietHours: cmd.policy.quietHours,
          timeZone: cmd.timeZone,
        });
        if (!hold) continue;
        touch.at = hold.until.toUTC().toISO()!;
        touch.note = `after the frequency cap (${cmd.policy.frequencyCap.perDay}/day, ${cmd.policy.frequencyCap.perWeek}/week)`;
      }
      return plan;
    },
  };
}
