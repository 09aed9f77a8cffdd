// The `nlp.classify` skill: what a patient's reply means, with a confidence. Read in-process first;
// only when that reading is below the tenant's threshold, and the tenant has an LLM configured, is the
// minimised reply sent to it — and its answer replaces the in-process one only when it is usable and
// never turns a possible cancellation, reschedule or opt-out into a confirmation.
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/prisma';
import { classifyReply } from '../domain/replies/reply-classifier';
import { minimiseReply } from '../domain/replies/reply-minimiser';
import { ChatFailure } from '../llm/chat-completions';
import { askLlmForIntent } from '../llm/llm-reply-classifier';
import { LLM_PROVIDER, llmCredentialsSchema, parsed, tenantLlmSettings } from '../llm/llm-settings';
import type { CredentialCipher } from '../secrets/credential-cipher';
import { openProviderCredentials } from '../secrets/provider-credentials';
import {
  DEFAULT_REPLY_CONFIDENCE_THRESHOLD,
  ErrorType,
  type Classification,
  type ClassifyCommand,
  type ReplyIntent,
} from '../workflows/contracts';

export interface NlpDeps {
  db: Db;
  /** Opens the tenant's sealed LLM API key, inside this activity only (it never enters workflow history). */
  cipher: CredentialCipher;
}

/** The in-process reading of these stands whatever the LLM says: it may only be wrong towards caution. */
const GUARDED: ReadonlySet<ReplyIntent> = new Set<ReplyIntent>(['cancel', 'reschedule', 'opt_out']);

/** @param servedTenantId the tenant whose queue this activity serves: it reads that tenant's settings only. */
export function createNlpClassify({ db, cipher }: NlpDeps, servedTenantId: string) {
  async function askTenantLlm(cmd: ClassifyCommand, local: Classification): Promise<Classification> {
    const tenant = await db.tenant.findUnique({ where: { id: cmd.tenantId }, select: { channels: true } });
    let settings;
    try {
      settings = tenantLlmSettings(tenant?.channels);
    } catch {
      return { ...local, llmFailure: 'error' };
    }
    if (!settings) return local;
    const opened = await openProviderCredentials(db, cipher, cmd.tenantId, LLM_PROVIDER);
    const apiKey = opened === null ? undefined : parsed(llmCredentialsSchema, opened, 'credentials').apiKey;
    try {
      const reading = await askLlmForIntent({ ...settings, apiKey }, minimiseReply(cmd.text, cmd.patientName), cmd.locale);
      if (reading.intent === 'confirm' && GUARDED.has(local.intent)) return local;
      const { proposedTime, ...rest } = local;
      const decided: Classification = { ...rest, intent: reading.intent, confidence: reading.confidence, decidedBy: 'llm' };
      return reading.intent === 'reschedule' && proposedTime ? { ...decided, proposedTime } : decided;
    } catch (err) {
      if (err instanceof ChatFailure) return { ...local, llmFailure: err.reason };
      throw err;
    }
  }

  return async function nlpClassify(cmd: ClassifyCommand): Promise<Classification> {
    if (cmd.tenantId !== servedTenantId) {
      throw ApplicationFailure.create({ type: ErrorType.InvalidCommand, message: `this queue serves tenant ${servedTenantId}, not ${cmd.tenantId}`, nonRetryable: true });
    }
    const time = cmd.timeZone && cmd.receivedAt ? { timeZone: cmd.timeZone, receivedAt: cmd.receivedAt, appointmentStartsAt: cmd.appointmentStartsAt } : undefined;
    const local: Classification = { ...classifyReply(cmd.text, { locale: cmd.locale, time }), decidedBy: 'in_process' };
    const threshold = cmd.confidenceThreshold ?? DEFAULT_REPLY_CONFIDENCE_THRESHOLD;
    // Carrier keywords are the carrier's, and a question is for staff whoever reads it.
    if (local.confidence >= threshold || local.carrierKeyword || local.intent === 'question') return local;
    return askTenantLlm(cmd, local);
  };
}
