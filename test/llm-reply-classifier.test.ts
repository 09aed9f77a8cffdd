// The LLM provider over the real chat-completions protocol against a local server: the request it
// sends (model, strict JSON schema, bearer key, minimised reply) and how it treats a good answer, a
// slow one, a failing one and one that breaks the schema.
import assert from 'node:assert/strict';
import { ChatFailure } from '../src/llm/chat-completions';
import { askLlmForIntent } from '../src/llm/llm-reply-classifier';
import { LocalLlm } from './support/local-llm';

describe('LLM reply classifier (OpenAI-compatible chat completions)', () => {
  const llm = new LocalLlm();
  let baseUrl: string;
  before(async () => {
    baseUrl = await llm.start();
  });
  after(() => llm.stop());

  const endpoint = () => ({ baseUrl, model: 'test-model', apiKey: 'sk-test-123', timeoutMs: 500 });

  it('asks with a strict JSON schema and the bearer key, and returns the checked answer', async () => {
    llm.on('parking', { answer: { intent: 'question', confidence: 0.93 } });
    assert.deepEqual(await askLlmForIntent(endpoint(), 'is there parking', 'en'), { intent: 'question', confidence: 0.93 });
    const request = llm.requests.at(-1)!;
    assert.equal(request.headers.authorization, 'Bearer sk-test-123');
    assert.equal(request.body.model, 'test-model');
    assert.equal(request.body.temperature, 0);
    assert.deepEqual((request.body.response_format as { type: string; json_schema: { strict: boolean } }).type, 'json_schema');
    assert.equal((request.body.response_format as { json_schema: { strict: boolean } }).json_schema.strict, true);
    assert.equal(request.reply, 'is there parking');
  });

  it('times out', async () => {
    llm.on('slow', { answer: { intent: 'confirm', confidence: 0.9 }, delayMs: 2_000 });
    await assert.rejects(askLlmForIntent(endpoint(), 'slow reply'), (err: ChatFailure) => err.reason === 'timeout');
  });

  it('reports an HTTP failure as an error', async () => {
    llm.on('broken', { status: 503 });
    await assert.rejects(askLlmForIntent(endpoint(), 'broken reply'), (err: ChatFailure) => err.reason === 'error');
  });

  it('refuses an answer that is not JSON or breaks the schema', async () => {
    llm.on('prose', { content: 'The patient confirms.' });
    await assert.rejects(askLlmForIntent(endpoint(), 'prose reply'), (err: ChatFailure) => err.reason === 'invalid_answer');
    llm.on('made-up', { answer: { intent: 'maybe', confidence: 0.9 } });
    await assert.rejects(askLlmForIntent(endpoint(), 'made-up reply'), (err: ChatFailure) => err.reason === 'invalid_answer');
    llm.on('extra', { answer: { intent: 'confirm', confidence: 0.9, patientName: 'x' } });
    await assert.rejects(askLlmForIntent(endpoint(), 'extra reply'), (err: ChatFailure) => err.reason === 'invalid_answer');
    llm.on('overconfident', { answer: { intent: 'confirm', confidence: 7 } });
    await assert.rejects(askLlmForIntent(endpoint(), 'overconfident reply'), (err: ChatFailure) => err.reason === 'invalid_answer');
  });
});
