// Schedule activities: the workflow asks here for UTC instants because it may not read the
// time-zone database itself.
import { planFollowUp, planTouches, type TouchPlan } from '../domain/touch-schedule';
import type { PlanFollowUpCommand, PlanTouchesCommand } from '../workflows/contracts';

export function createPlanningActivities() {
  return {
    async planTouches(cmd: PlanTouchesCommand): Promise<TouchPlan> {
      return planTouches(cmd);
    },
    async planFollowUp(cmd: PlanFollowUpCommand): Promise<TouchPlan> {
      return planFollowUp(cmd);
    },
  };
}
