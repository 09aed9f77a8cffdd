// A clinic's traffic into ARO through its public HTTP contracts only: the booking system's signed
// webhooks, and what Twilio posts back — delivery receipts for every message it took, and the
// patient's reply once the booking confirmation has been delivered. Every delivery ARO refuses for
// now (429, 5xx, no connection) is tried again, as booking systems and a patient's retrying carrier
// do; what ARO accepted is recorded, because none of it may be lost.
import { setTimeout as sleep } from 'node:timers/promises';
import { DateTime } from 'luxon';
import { postSigned, randomSid, type LocalTwilio, type StoredMessage } from './local-twilio';
import { bookingSignature } from './signing';

/** What a patient answers the booking confirmation, and which templates answer it in turn. */
export const REPLIES = [
  { body: 'YES', answeredBy: ['confirm_ack'] },
  { body: 'NO', answeredBy: ['cancel_ack'] },
  { body: 'R', answeredBy: ['reschedule_request_ack', 'reschedule_link'] },
] as const;

export interface Patient {
  externalId: string;
  phone: string;
  reply: (typeof REPLIES)[number];
  /** HTTP status of the booking delivery ARO finally answered (0 while still trying, -1 given up). */
  booking: number;
  /** The reply's Twilio MessageSid, the same on every retry. */
  replySid: string;
  /** HTTP status of the reply ARO finally answered; null before the patient replies. */
  replied: number | null;
}

export type Route = 'booking' | 'inbound' | 'status';

/** One answer (or failure to answer) of ARO's API, as the sender saw it. */
export interface Answer {
  route: Route;
  /** When the attempt was sent, and when its answer (or failure) came. */
  sentAt: number;
  at: number;
  /** HTTP status, or 0 when no answer came (connection refused or reset). */
  status: number;
}

const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 4_000;
const RECEIPT_DELAY_MS = 50;
const WATCH_EVERY_MS = 100;

function retryable(status: number): boolean {
  return status === 0 || status === 429 || status >= 500;
}

export interface ClinicTrafficOptions {
  apiUrl: string;
  tenantId: string;
  webhookSecret: string;
  twilio: LocalTwilio;
  authToken: string;
  accountSid: string;
  timeZone: string;
  /** Tells the kind of an outbound message from its text. */
  kindOf(body: string): string | null;
}

export class ClinicTraffic {
  readonly patients: Patient[] = [];
  readonly answers: Answer[] = [];
  /** Sids whose `delivered` receipt ARO accepted (2xx). */
  readonly deliveredAccepted = new Set<string>();
  private readonly byPhone = new Map<string, Patient>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private watched = 0;
  private watching = false;
  private watcher: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly phoneBase = 1_000_000 + Math.floor(Math.random() * 8_000_000);

  constructor(private readonly options: ClinicTrafficOptions) {}

  /** Starts acting as Twilio: receipts for each message it takes, the patient's reply to each confirmation. */
  startWatching(): void {
    this.watching = true;
    this.watcher = (async () => {
      while (this.watching) {
        const messages = this.options.twilio.messages;
        while (this.watched < messages.length) this.track(this.answerAsTwilio(messages[this.watched++]));
        await sleep(WATCH_EVERY_MS);
      }
    })();
  }

  /** Books one more appointment through the booking webhook (retrying until ARO answers for good). */
  book(): Patient {
    const index = this.patients.length;
    const patient: Patient = {
      externalId: `fault-${index}`,
      phone: `+1555${this.phoneBase + index}`,
      reply: REPLIES[index % REPLIES.length],
      booking: 0,
      replySid: randomSid('SM'),
      replied: null,
    };
    this.patients.push(patient);
    this.byPhone.set(patient.phone, patient);
    this.track(
      (async () => {
        patient.booking = await this.deliver('booking', () => this.postBooking(patient));
      })(),
    );
    return patient;
  }

  /** Waits for every delivery started so far, stops watching Twilio, and gives up retrying. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watching = false;
    await this.watcher;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  patientFor(phone: string): Patient | undefined {
    return this.byPhone.get(phone.replace(/^whatsapp:/, ''));
  }

  /** When ARO last accepted something (2xx) at or after `since`; null if it has not. */
  firstAcceptedSince(since: number): number | null {
    let first: number | null = null;
    for (const a of this.answers) if (a.at >= since && a.status >= 200 && a.status < 300 && (first === null || a.at < first)) first = a.at;
    return first;
  }

  private track(work: Promise<unknown>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async answerAsTwilio(message: StoredMessage): Promise<void> {
    await sleep(RECEIPT_DELAY_MS);
    for (const status of ['sent', 'delivered']) {
      const answer = await this.deliver('status', () => this.options.twilio.sendStatus(message, status));
      if (status === 'delivered' && answer >= 200 && answer < 300) this.deliveredAccepted.add(message.sid);
    }
    const patient = this.patientFor(message.to);
    if (!patient || patient.replied !== null || this.options.kindOf(message.body) !== 'booking_confirmation') return;
    patient.replied = 0;
    patient.replied = await this.deliver('inbound', () =>
      postSigned(this.options.authToken, `${this.options.apiUrl}/webhooks/twilio/${this.options.tenantId}/inbound`, {
        MessageSid: patient.replySid,
        AccountSid: this.options.accountSid,
        From: patient.phone,
        To: '+15005550006',
        Body: patient.reply.body,
        NumMedia: '0',
      }),
    );
  }

  private async postBooking(patient: Patient): Promise<number> {
    const startsAt = DateTime.now().setZone(this.options.timeZone).plus({ days: 4 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    const raw = JSON.stringify({
      id: `evt-${patient.externalId}`,
      type: 'appointment.created',
      occurredAt: new Date().toISOString(),
      appointment: { externalId: patient.externalId, startsAt: startsAt.toISO(), patient: { name: 'Rosa Díaz', phone: patient.phone } },
    });
    // Signed afresh on every attempt, as a booking system's retry is.
    const res = await fetch(`${this.options.apiUrl}/webhooks/booking/${this.options.tenantId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-aro-signature': bookingSignature(this.options.webhookSecret, raw) },
      body: raw,
    });
    await res.arrayBuffer();
    return res.status;
  }

  /** Sends until ARO answers something other than "not now"; returns that status (-1: stopped first). */
  private async deliver(route: Route, send: () => Promise<number>): Promise<number> {
    for (let wait = RETRY_FIRST_MS; ; wait = Math.min(wait * 2, RETRY_MAX_MS)) {
      const sentAt = Date.now();
      let status: number;
      try {
        status = await send();
      } catch {
        status = 0;
      }
      this.answers.push({ route, sentAt, at: Date.now(), status });
      if (!retryable(status)) return status;
      if (this.stopped) return -1;
      await sleep(wait);
    }
  }
}
