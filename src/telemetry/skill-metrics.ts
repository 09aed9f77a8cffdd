// What the skills did, counted where they run (the worker): messages by channel and how their send
// ended, and patients' replies by what they meant. The counters belong to the process; each /metrics
// that covers the workers registers them (src/worker/worker-metrics.ts).
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { Counter, type Registry } from 'prom-client';
import type { Classification, ClassifyCommand, SendMessageCommand, SendOutcome } from '../workflows/contracts';

const messages = new Counter({
  name: 'aro_messages_total',
  help:
    'Outbound messages by tenant, channel and how their send ended: sent; refused (reason: opted_out, quiet_hours, frequency_cap, plan_limit); ' +
    'failed for good (reason: the provider error code or error type); retrying (a transient failure, Temporal tries again).',
  labelNames: ['tenant', 'channel', 'status', 'reason'] as const,
  registers: [],
});

const replies = new Counter({
  name: 'aro_replies_total',
  help: "Patients' replies read by nlp.classify, by tenant, intent and who decided (in_process, llm).",
  labelNames: ['tenant', 'intent', 'decided_by'] as const,
  registers: [],
});

export function registerSkillMetrics(registry: Registry): void {
  registry.registerMetric(messages);
  registry.registerMetric(replies);
}

/** How a send that threw ended: for good (non-retryable) or to be tried again. */
function failure(err: unknown): { status: 'failed' | 'retrying'; reason: string } {
  if (!(err instanceof ApplicationFailure)) return { status: 'retrying', reason: err instanceof Error ? err.name : 'error' };
  const code = (err.details?.[0] as { code?: unknown } | undefined)?.code;
  return { status: err.nonRetryable ? 'failed' : 'retrying', reason: typeof code === 'string' ? code : (err.type ?? 'error') };
}

/** The messaging.send skill, counted. */
export function countedSend(send: (cmd: SendMessageCommand) => Promise<SendOutcome>) {
  return async function messagingSend(cmd: SendMessageCommand): Promise<SendOutcome> {
    const labels = { tenant: cmd.tenantId, channel: cmd.channel };
    try {
      const outcome = await send(cmd);
      messages.inc({ ...labels, status: outcome.status, reason: outcome.status === 'refused' ? outcome.reason : '' });
      return outcome;
    } catch (err) {
      // A send waiting for its clinic's pace has not ended, and is not a fault.
      if (!(err instanceof ApplicationFailure && err.category === ApplicationFailureCategory.BENIGN)) messages.inc({ ...labels, ...failure(err) });
      throw err;
    }
  };
}

/** The nlp.classify skill, counted. */
export function countedClassify(classify: (cmd: ClassifyCommand) => Promise<Classification>) {
  return async function nlpClassify(cmd: ClassifyCommand): Promise<Classification> {
    const reading = await classify(cmd);
    replies.inc({ tenant: cmd.tenantId, intent: reading.intent, decided_by: reading.decidedBy ?? 'in_process' });
    return reading;
  };
}
