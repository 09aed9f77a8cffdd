// Monthly message allowances per plan, and what a tenant's usage means for the next message:
// go, go but warn the clinic (80%), or hold it unless patient safety depends on it.
export const PLANS = ['individual', 'business', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];

/** Messages a month; null is unlimited. */
export type PlanLimits = Record<Plan, number | null>;

export const DEFAULT_PLAN_LIMITS: PlanLimits = { individual: 1_000, business: 10_000, enterprise: null };

/** Share of the allowance at which the clinic is warned. */
export const SOFT_LIMIT_SHARE = 0.8;

/** "individual=1000,business=10000,enterprise=unlimited": plans left out keep their default. */
export function parsePlanLimits(text: string, setting: string): PlanLimits {
  const limits = { ...DEFAULT_PLAN_LIMITS };
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [plan, value] = entry.split('=').map((p) => p.trim());
    if (!(PLANS as readonly string[]).includes(plan)) {
      throw new Error(`${setting}: unknown plan "${plan}" (plans: ${PLANS.join(', ')})`);
    }
    if (value === 'unlimited') limits[plan as Plan] = null;
    else if (/^\d+$/.test(value ?? '')) limits[plan as Plan] = Number(value);
    else throw new Error(`${setting}: ${plan} must be a whole number of messages or "unlimited", got "${value}"`);
  }
  return limits;
}

export function planLimit(limits: PlanLimits, plan: string): number | null {
  if (!(PLANS as readonly string[]).includes(plan)) throw new Error(`tenant plan "${plan}" is not one of ${PLANS.join(', ')}`);
  return limits[plan as Plan];
}

export type UsageVerdict = 'within' | 'soft_limit' | 'hard_limit';

/** What sending one more message means, given `sent` this month. */
export function usageVerdict(sent: number, limit: number | null): UsageVerdict {
  if (limit === null) return 'within';
  if (sent >= limit) return 'hard_limit';
  return sent + 1 >= Math.ceil(limit * SOFT_LIMIT_SHARE) ? 'soft_limit' : 'within';
}
