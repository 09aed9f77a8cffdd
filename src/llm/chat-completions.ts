// The OpenAI chat-completions wire protocol (POST <baseUrl>/chat/completions) over fetch, asking for
// an answer that follows a strict JSON schema, within a timeout. Any OpenAI-compatible endpoint
// works: a hosted model, a local server, an OpenClaw gateway.

export interface ChatEndpoint {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

/** Why no answer came: too slow, the endpoint failed, or the answer broke the schema. */
export type ChatFailureReason = 'timeout' | 'error' | 'invalid_answer';

export class ChatFailure extends Error {
  constructor(
    readonly reason: ChatFailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'ChatFailure';
  }
}

/** Sends the messages; returns the answer's content parsed as JSON (the caller checks it against its schema). */
export async function chatCompletion(
  endpoint: ChatEndpoint,
  messages: ChatMessage[],
  answer: { name: string; schema: Record<string, unknown> },
): Promise<unknown> {
  const url = `${endpoint.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {}),
      },
      body: JSON.stringify({
        model: endpoint.model,
        messages,
        temperature: 0,
        response_format: { type: 'json_schema', json_schema: { name: answer.name, strict: true, schema: answer.schema } },
      }),
      signal: AbortSignal.timeout(endpoint.timeoutMs),
    });
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') throw new ChatFailure('timeout', `no answer within ${endpoint.timeoutMs} ms`);
    throw new ChatFailure('error', `request failed: ${(err as Error).message}`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (err) {
    const timedOut = (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError';
    throw new ChatFailure(timedOut ? 'timeout' : 'error', `unreadable answer (HTTP ${response.status})`);
  }
  if (!response.ok) throw new ChatFailure('error', `HTTP ${response.status}`);
  const content = (body as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
  if (typeof content !== 'string') throw new ChatFailure('invalid_answer', 'the answer has no choices[0].message.content');
  try {
    return JSON.parse(content);
  } catch {
    throw new ChatFailure('invalid_answer', 'the answer is not JSON');
  }
}
