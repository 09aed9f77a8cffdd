// Why an appointment needs a person, in words: ARO's reason codes (unconfirmed, reschedule_requested,
// reply:<message id>, delivery_failed:<template>, plan_limit:<template>, planning_failed,
// cancel_keyword) with the patient's words where the thread or the timeline has them.
import { messageKindWords } from './timeline-words';

export interface AttentionItem {
  /** The reason's kind (reply, delivery_failed…): what resolving it clears. */
  kind: string;
  title: string;
  /** The patient's text, the failure, or what to do. */
  detail?: string;
  /** The detail is the patient's own words. */
  quote?: boolean;
}

interface TimelineLike {
  kind: string;
  detail?: string | null;
}

interface MessageLike {
  direction: string;
  providerMessageId?: string | null;
  body: string;
}

/** Where the patient's words and the failures are: the appointment's timeline and its thread. */
export interface AttentionSources {
  timeline?: readonly TimelineLike[];
  messages?: readonly MessageLike[];
}

/** The detail of the latest timeline entry of a kind that has one. */
function lastDetail(timeline: readonly TimelineLike[], kind: string): string | undefined {
  return timeline.filter((e) => e.kind === kind && e.detail).at(-1)?.detail ?? undefined;
}

/**
 * One item per reason; a reply's words are those of the message its reason names (reply:<provider
 * message id>), so each keeps its own words whichever others are dealt with. Without a timeline and
 * a thread (a list), no texts.
 */
export function describeAttention(reasons: readonly string[], { timeline = [], messages = [] }: AttentionSources = {}): AttentionItem[] {
  const replyText = (reason: string) => messages.find((m) => m.direction === 'INBOUND' && `reply:${m.providerMessageId}` === reason)?.body;
  const items: AttentionItem[] = reasons
    .filter((r) => r.startsWith('reply:') && r !== 'reply:more')
    .map((reason) => {
      const text = replyText(reason);
      return { kind: 'reply', title: 'A reply ARO could not answer', detail: text, quote: text !== undefined };
    });
  for (const reason of reasons) {
    const [kind, subject] = splitReason(reason);
    switch (kind) {
      case 'reply':
        if (reason === 'reply:more') items.push({ kind, title: 'More replies are waiting', detail: 'Read them in the conversation.' });
        break;
      case 'reschedule_requested': {
        const text = lastDetail(timeline, 'appointment.reschedule_requested');
        items.push({ kind, title: 'Asked to move the appointment', detail: text, quote: text !== undefined });
        break;
      }
      case 'delivery_failed': {
        const failure = lastDetail(timeline, 'message.failed');
        items.push({ kind, title: `${messageKindWords(subject)} could not be delivered`, detail: failure ?? 'Check the phone number, or call the patient.' });
        break;
      }
      case 'unconfirmed':
        items.push({ kind, title: 'Not confirmed, and the visit is close', detail: 'Call the patient to confirm, or confirm it here if they already did.' });
        break;
      case 'plan_limit':
        items.push({
          kind,
          title: `${messageKindWords(subject)} not sent: the monthly message allowance is used up`,
          detail: 'Contact the patient another way, or ask your ARO operator for a larger plan.',
        });
        break;
      case 'planning_failed':
        items.push({ kind, title: 'ARO could not plan the reminders', detail: 'No reminders will go out on their own: contact the patient yourself.' });
        break;
      case 'cancel_keyword':
        items.push({
          kind,
          title: 'Replied CANCEL',
          detail: 'They will get no more messages. The appointment still stands: call to ask whether they are coming.',
        });
        break;
      default:
        items.push({ kind, title: reason });
    }
  }
  return items;
}

/** Short words for a list: "Asked to move the appointment", "2 replies ARO could not answer". */
export function attentionSummary(reasons: readonly string[]): string[] {
  const replies = reasons.filter((r) => r.startsWith('reply:')).length;
  const others = describeAttention(reasons.filter((r) => !r.startsWith('reply:'))).map((i) => i.title);
  if (replies === 0) return others;
  const more = reasons.includes('reply:more');
  return [more || replies > 1 ? `${more ? 'Many' : replies} replies ARO could not answer` : 'A reply ARO could not answer', ...others];
}

function splitReason(reason: string): [string, string | undefined] {
  const at = reason.indexOf(':');
  return at < 0 ? [reason, undefined] : [reason.slice(0, at), reason.slice(at + 1)];
}
