// The `nlp.classify` skill: what a patient's reply means, with a confidence.
import { classifyReply } from '../domain/reply-classifier';
import type { ClassifyCommand, Classification } from '../workflows/contracts';

export function createNlpClassify() {
  return async function nlpClassify(cmd: ClassifyCommand): Promise<Classification> {
    // Pure and in-process, so repeating it is harmless: no idempotency record needed.
    return classifyReply(cmd.text);
  };
}
