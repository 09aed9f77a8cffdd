// What a fault drill left behind, counted: what reached Twilio (the local server's record, not
// ARO's tables) against what the clinic's traffic was promised — each accepted booking its
// confirmation, each accepted reply its answer, each message once, each accepted receipt applied.
import type { MessageEntry } from '../../src/workflows/contracts';
import type { Patient } from './clinic-traffic';
import type { StoredMessage } from './local-twilio';

/** An outbound message as the clinic's GraphQL `appointment` shows it: live, or stored once the lifecycle closed. */
export interface ClinicMessage {
  direction: string;
  body: string;
  status: string;
}

export interface AppointmentRecord {
  patient: Patient;
  /** Its workflow's `snapshot` query: command ids and sids (null: the query failed). */
  messages: MessageEntry[] | null;
  /** What the clinic sees (null: the query failed). */
  clinicView: ClinicMessage[] | null;
}

export interface FaultFigures {
  /** Messages beyond the first for one of ARO's command ids. */
  sentTwiceByCommand: number;
  /** Messages beyond the first of one template kind to one phone. */
  sentTwiceByKind: number;
  /** Bookings ARO accepted (202) with no booking confirmation at Twilio. */
  bookingsWithoutConfirmation: number;
  /** Replies ARO accepted (200) with no answer at Twilio. */
  repliesWithoutAnswer: number;
  /** Delivery receipts ARO accepted (2xx) for messages the clinic does not see delivered. */
  receiptsNotApplied: number;
  /** Twilio messages no command of the patient's workflow accounts for (neither its sid nor its text). */
  unexplainedSends: number;
  /** Appointments whose snapshot or GraphQL view could not be read (left out of the counts that need it). */
  unreadableWorkflows: number;
  /** Examples of each non-zero count, for the report. */
  examples: Record<string, string[]>;
}

const EXAMPLES = 5;

export function countFigures(
  records: AppointmentRecord[],
  sent: StoredMessage[],
  deliveredAccepted: ReadonlySet<string>,
  kindOf: (body: string) => string | null,
): FaultFigures {
  const examples: Record<string, string[]> = {};
  const note = (figure: string, example: string): void => {
    const list = (examples[figure] ??= []);
    if (list.length < EXAMPLES) list.push(example);
  };
  const sentTo = new Map<string, StoredMessage[]>();
  for (const m of sent) {
    const phone = m.to.replace(/^whatsapp:/, '');
    sentTo.set(phone, [...(sentTo.get(phone) ?? []), m]);
  }

  const figures: FaultFigures = {
    sentTwiceByCommand: 0,
    sentTwiceByKind: 0,
    bookingsWithoutConfirmation: 0,
    repliesWithoutAnswer: 0,
    receiptsNotApplied: 0,
    unexplainedSends: 0,
    unreadableWorkflows: 0,
    examples,
  };

  for (const { patient, messages, clinicView } of records) {
    const received = sentTo.get(patient.phone) ?? [];
    const kinds = received.map((m) => kindOf(m.body));

    const perKind = new Map<string, number>();
    for (const kind of kinds) perKind.set(kind ?? '(unknown text)', (perKind.get(kind ?? '(unknown text)') ?? 0) + 1);
    for (const [kind, count] of perKind) {
      if (count < 2) continue;
      figures.sentTwiceByKind += count - 1;
      note('sentTwiceByKind', `${patient.externalId} ${patient.phone}: ${kind} x${count}`);
    }

    if (isAccepted(patient.booking) && !kinds.includes('booking_confirmation')) {
      figures.bookingsWithoutConfirmation++;
      note('bookingsWithoutConfirmation', `${patient.externalId} (booking answered ${patient.booking}); got ${JSON.stringify(kinds)}`);
    }
    if (patient.replied !== null && isAccepted(patient.replied) && !kinds.some((k) => (patient.reply.answeredBy as readonly (string | null)[]).includes(k))) {
      figures.repliesWithoutAnswer++;
      note('repliesWithoutAnswer', `${patient.externalId} replied ${patient.reply.body}; got ${JSON.stringify(kinds)}`);
    }

    if (messages === null || clinicView === null) {
      figures.unreadableWorkflows++;
      note('unreadableWorkflows', `${patient.externalId}: ${messages === null ? 'snapshot' : 'GraphQL'}`);
      continue;
    }
    const outbound = messages.filter((m) => m.direction === 'outbound' && m.commandId);
    const perCommand = new Map<string, number>();
    for (const m of received) {
      // Its own record by sid; a send ARO never learned the sid of, by its text.
      const command = outbound.find((o) => o.providerMessageId === m.sid) ?? outbound.find((o) => o.body === m.body);
      if (!command) {
        figures.unexplainedSends++;
        note('unexplainedSends', `${patient.externalId} ${m.sid}: ${m.body}`);
        continue;
      }
      perCommand.set(command.commandId!, (perCommand.get(command.commandId!) ?? 0) + 1);
    }
    for (const [commandId, count] of perCommand) {
      if (count < 2) continue;
      figures.sentTwiceByCommand += count - 1;
      note('sentTwiceByCommand', `${commandId} x${count}`);
    }
    // Each text went once (checked above), so the text finds the message the clinic sees.
    for (const m of received) {
      if (!deliveredAccepted.has(m.sid)) continue;
      const shown = clinicView.find((c) => c.direction.toLowerCase() === 'outbound' && c.body === m.body);
      if (shown?.status === 'delivered' || shown?.status === 'read') continue;
      figures.receiptsNotApplied++;
      note('receiptsNotApplied', `${patient.externalId} ${m.sid} (${kindOf(m.body) ?? '?'}): the clinic sees ${shown ? shown.status : 'no such message'}`);
    }
  }
  return figures;
}

function isAccepted(status: number): boolean {
  return status >= 200 && status < 300;
}

/** Recognises ARO's outbound texts by the clinic's templates: `{{variable}}` matches any text. */
export function templateMatcher(templates: { kind: string; body: string }[]): (body: string) => string | null {
  const patterns = templates.map((t) => ({
    kind: t.kind,
    pattern: new RegExp(
      `^${t.body
        .split(/\{\{\s*\w+\s*\}\}/)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.+?')}$`,
      's',
    ),
  }));
  return (body) => patterns.find((p) => p.pattern.test(body))?.kind ?? null;
}
