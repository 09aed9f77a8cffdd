// A local server that speaks Twilio's Messages REST API and webhook protocol — the same paths, form
// encoding, JSON answers and error codes, and status callbacks signed with the account's auth token
// by the twilio package's own helper — so the real `twilio` client can be tested without Twilio.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';

export interface LocalTwilioAccount {
  accountSid: string;
  authToken: string;
}

export interface StoredMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  contentSid: string | null;
  contentVariables: Record<string, string> | null;
  statusCallback: string | null;
  status: string;
  errorCode: number | null;
  dateCreated: Date;
}

/** A scripted answer to the next create for a recipient: a Twilio error, or no answer in time. */
export type CreateAnswer = { status: number; code: number; message: string } | 'hang';

/**
 * Twilio having a bad time, for every request until it ends: `server_error` answers 500 (code
 * 20500); `timeout` takes requests and never answers them (nothing is created); `stall` carries
 * creates out but answers them only after `stallMs`, when the client has long given up — the
 * message is sent, and the sender never learns its sid.
 */
export type TwilioOutage = 'server_error' | 'timeout' | 'stall';

const E164 = /^\+[1-9]\d{6,14}$/;

export function randomSid(prefix: string): string {
  return prefix + randomBytes(16).toString('hex');
}

export function newAccount(): LocalTwilioAccount {
  return { accountSid: randomSid('AC'), authToken: randomBytes(16).toString('hex') };
}

/** Twilio's date format: RFC 2822 with a numeric zone. */
function rfc2822(d: Date): string {
  return d.toUTCString().replace('GMT', '+0000');
}

function stripChannel(address: string): string {
  return address.replace(/^whatsapp:/, '');
}

/** Twilio counts GSM-7 text in 160/153-character segments; close enough for a local server. */
function segmentsOf(body: string): number {
  return body.length <= 160 ? 1 : Math.ceil(body.length / 153);
}

export class LocalTwilio {
  readonly messages: StoredMessage[] = [];
  /** Every REST request, in order: method, path (with query) and when it came (ms since the epoch). */
  readonly requests: { method: string; path: string; at: number }[] = [];
  /** Status callbacks sent, with ARO's HTTP answer. */
  readonly callbacks: { sid: string; status: string; answer: number }[] = [];
  /** Statuses a new message goes through after it is created (each posted to its StatusCallback). */
  deliverySteps: { status: string; errorCode?: number }[] = [{ status: 'sent' }, { status: 'delivered' }];
  /** How long a stalled create waits before it answers. */
  stallMs = 60_000;
  private currentOutage: TwilioOutage | null = null;
  private readonly scripted = new Map<string, CreateAnswer[]>();
  private readonly deliveriesTo = new Map<string, { status: string; errorCode?: number }[]>();
  private readonly receiptsFirst = new Set<string>();
  private readonly hanging = new Set<ServerResponse>();
  private readonly pending = new Set<Promise<unknown>>();
  private server?: Server;
  url = '';

  constructor(private readonly accounts: LocalTwilioAccount[]) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.dropHanging();
    await Promise.allSettled([...this.pending]);
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  get outage(): TwilioOutage | null {
    return this.currentOutage;
  }

  /** Starts an outage, or (null) ends it: requests left hanging are then cut off, as a recovering host drops them. */
  setOutage(outage: TwilioOutage | null): void {
    this.currentOutage = outage;
    if (outage === null) this.dropHanging();
  }

  private dropHanging(): void {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }

  addAccount(account: LocalTwilioAccount): void {
    this.accounts.push(account);
  }

  /** The next creates to `to` (E.164, without the channel) answer these, in order. */
  script(to: string, answers: CreateAnswer[]): void {
    this.scripted.set(to, [...answers]);
  }

  /** Messages to `to` go through these statuses instead of deliverySteps. */
  deliverTo(to: string, steps: { status: string; errorCode?: number }[]): void {
    this.deliveriesTo.set(to, steps);
  }

  /**
   * Creates to `to` answer only once all the message's statuses have been posted and answered: real
   * Twilio can post `sent` within milliseconds, before its answer to the create reaches the sender.
   * The answer still shows the status at creation.
   */
  receiptsBeforeAnswer(to: string): void {
    this.receiptsFirst.add(to);
  }

  sentTo(to: string): StoredMessage[] {
    return this.messages.filter((m) => stripChannel(m.to) === to);
  }

  /** Waits until every status callback started so far has been answered. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Posts a status callback for `message`, signed as Twilio signs it. */
  async sendStatus(message: StoredMessage, status: string, errorCode?: number): Promise<number> {
    if (!message.statusCallback) throw new Error(`message ${message.sid} has no StatusCallback`);
    message.status = status;
    const params: Record<string, string> = {
      AccountSid: message.accountSid,
      ApiVersion: '2010-04-01',
      MessageSid: message.sid,
      SmsSid: message.sid,
      MessageStatus: status,
      SmsStatus: status,
      To: message.to,
      From: message.from ?? '+15005550006',
      ...(errorCode ? { ErrorCode: String(errorCode) } : {}),
    };
    const answer = await postSigned(this.account(message.accountSid).authToken, message.statusCallback, params);
    this.callbacks.push({ sid: message.sid, status, answer });
    return answer;
  }

  private account(sid: string): LocalTwilioAccount {
    const account = this.accounts.find((a) => a.accountSid === sid);
    if (!account) throw new Error(`unknown account ${sid}`);
    return account;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({ method: req.method ?? '', path: `${url.pathname}${url.search}`, at: Date.now() });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));

    const route = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages(?:\/(SM[0-9a-f]{32}))?\.json$/.exec(url.pathname);
    if (!route) return reply(res, 404, { code: 20404, message: `The requested resource ${url.pathname} was not found`, status: 404 });
    const [, accountSid, messageSid] = route;
    const account = this.accounts.find((a) => a.accountSid === accountSid);
    const expected = account ? `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64')}` : null;
    if (!expected || req.headers.authorization !== expected) {
      return reply(res, 401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
    }
    if (this.currentOutage === 'server_error') return twilioError(res, 500, 20500, 'Internal Server Error');
    if (this.currentOutage === 'timeout') {
      this.hanging.add(res);
      return;
    }
    if (req.method === 'POST' && !messageSid) return this.create(accountSid, form, res);
    if (req.method === 'GET' && messageSid) {
      const found = this.messages.find((m) => m.sid === messageSid && m.accountSid === accountSid);
      return found ? reply(res, 200, resource(found)) : reply(res, 404, { code: 20404, message: 'not found', status: 404 });
    }
    if (req.method === 'GET') return this.list(accountSid, url, res);
    return reply(res, 405, { code: 20004, message: 'Method not allowed', status: 405 });
  }

  private create(accountSid: string, form: URLSearchParams, res: ServerResponse): void {
    const to = form.get('To');
    if (!to) return twilioError(res, 400, 21604, "A 'To' phone number is required.");
    const from = form.get('From');
    const messagingServiceSid = form.get('MessagingServiceSid');
    if (!from && !messagingServiceSid) return twilioError(res, 400, 21603, "A 'From' phone number is required.");
    const body = form.get('Body');
    const contentSid = form.get('ContentSid');
    if (!body && !contentSid) return twilioError(res, 400, 21619, 'A text message body or media urls must be specified.');
    if (!E164.test(stripChannel(to))) return twilioError(res, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);

    const answer = this.scripted.get(stripChannel(to))?.shift();
    if (answer === 'hang') {
      // Answers nothing: the client's timeout fires first.
      this.hanging.add(res);
      return;
    }
    if (answer) return twilioError(res, answer.status, answer.code, answer.message);

    const message: StoredMessage = {
      sid: randomSid('SM'),
      accountSid,
      to,
      from: from ?? null,
      messagingServiceSid: messagingServiceSid ?? null,
      // Twilio renders a Content template itself; the local server shows which one and with what.
      body: body ?? `[content ${contentSid} ${form.get('ContentVariables') ?? '{}'}]`,
      contentSid: contentSid ?? null,
      contentVariables: form.get('ContentVariables') ? (JSON.parse(form.get('ContentVariables')!) as Record<string, string>) : null,
      statusCallback: form.get('StatusCallback'),
      // With a Messaging Service Twilio first accepts, then picks a sender.
      status: messagingServiceSid ? 'accepted' : 'queued',
      errorCode: null,
      dateCreated: new Date(),
    };
    this.messages.push(message);
    if (this.receiptsFirst.has(stripChannel(to))) {
      const created = resource(message);
      this.track(this.postStatuses(message, 0).then(() => reply(res, 201, created)));
      return;
    }
    if (this.currentOutage === 'stall') {
      // Answered (to a client that has timed out by now) unless the server stops first.
      this.hanging.add(res);
      setTimeout(() => {
        if (!this.hanging.delete(res)) return;
        reply(res, 201, resource(message));
      }, this.stallMs).unref();
    } else {
      reply(res, 201, resource(message));
    }
    this.deliver(message);
  }

  /** Posts the message's delivery statuses one after another, a little later, as Twilio does. */
  private deliver(message: StoredMessage): void {
    this.track(this.postStatuses(message, 30));
  }

  private async postStatuses(message: StoredMessage, delayMs: number): Promise<void> {
    if (!message.statusCallback) return;
    const steps = this.deliveriesTo.get(stripChannel(message.to)) ?? this.deliverySteps;
    for (const step of steps) {
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      await this.sendStatus(message, step.status, step.errorCode).catch(() => 0);
    }
  }

  /** Keeps `run` among the pending callbacks that settled() and stop() wait for. */
  private track(run: Promise<unknown>): void {
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }

  private list(accountSid: string, url: URL, res: ServerResponse): void {
    const to = url.searchParams.get('To');
    const pageSize = Number(url.searchParams.get('PageSize') ?? 50);
    const found = this.messages
      .filter((m) => m.accountSid === accountSid && (!to || m.to === to))
      .sort((a, b) => b.dateCreated.getTime() - a.dateCreated.getTime())
      .slice(0, pageSize);
    const uri = `/2010-04-01/Accounts/${accountSid}/Messages.json?PageSize=${pageSize}&Page=0`;
    reply(res, 200, {
      messages: found.map(resource),
      end: Math.max(found.length - 1, 0),
      first_page_uri: uri,
      next_page_uri: null,
      page: 0,
      page_size: pageSize,
      previous_page_uri: null,
      start: 0,
      uri,
    });
  }
}

function resource(m: StoredMessage) {
  const uri = `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}.json`;
  return {
    account_sid: m.accountSid,
    api_version: '2010-04-01',
    body: m.body,
    date_created: rfc2822(m.dateCreated),
    date_sent: null,
    date_updated: rfc2822(m.dateCreated),
    direction: 'outbound-api',
    error_code: m.errorCode,
    error_message: null,
    from: m.from,
    messaging_service_sid: m.messagingServiceSid,
    num_media: '0',
    num_segments: String(segmentsOf(m.body)),
    price: null,
    price_unit: 'USD',
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: uri.replace('.json', '/Media.json') },
    to: m.to,
    uri,
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function twilioError(res: ServerResponse, status: number, code: number, message: string): void {
  reply(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

/** Posts a form to `url` with the X-Twilio-Signature Twilio would compute for it; returns the HTTP status. */
export async function postSigned(authToken: string, url: string, params: Record<string, string>, signedUrl = url): Promise<number> {
  const res = await postForm(url, params, { 'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, signedUrl, params) });
  return res.status;
}

export async function postForm(url: string, params: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, body: await res.text(), contentType: res.headers.get('content-type'), retryAfter: res.headers.get('retry-after') };
}
