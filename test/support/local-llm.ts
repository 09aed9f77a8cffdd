// A local server speaking the OpenAI chat-completions protocol (POST /v1/chat/completions), started
// by the tests in place of a hosted model or an OpenClaw gateway. It answers each request from a
// script keyed by the reply text and records what it was sent.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An answer: the model's JSON content, raw content, an HTTP error, or a delay before answering. */
export type LlmScript = { answer?: unknown; content?: string; status?: number; delayMs?: number };

export interface LlmRequest {
  headers: IncomingHttpHeaders;
  body: { model: string; messages: { role: string; content: string }[]; response_format?: unknown; temperature?: number };
  /** The reply as the user message carried it. */
  reply: string;
}

export class LocalLlm {
  readonly requests: LlmRequest[] = [];
  private readonly scripts: { match: (reply: string) => boolean; script: LlmScript }[] = [];
  private server?: Server;

  /** Answers requests whose reply contains `fragment` with `script`; later scripts win. */
  on(fragment: string, script: LlmScript): void {
    this.scripts.unshift({ match: (reply) => reply.includes(fragment), script });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
          res.writeHead(404).end();
          return;
        }
        const body = JSON.parse(raw) as LlmRequest['body'];
        const user = body.messages.find((m) => m.role === 'user')?.content ?? '{}';
        const reply = String((JSON.parse(user) as { reply?: string }).reply ?? '');
        this.requests.push({ headers: req.headers, body, reply });
        const script = this.scripts.find((s) => s.match(reply))?.script ?? { answer: { intent: 'unknown', confidence: 0.2 } };
        setTimeout(() => {
          if (res.destroyed) return;
          if (script.status) {
            res.writeHead(script.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'scripted failure' } }));
            return;
          }
          const content = script.content ?? JSON.stringify(script.answer);
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              id: `chatcmpl-${this.requests.length}`,
              object: 'chat.completion',
              created: Math.floor(Date.now() / 1000),
              model: body.model,
              choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
              usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
            }),
          );
        }, script.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
