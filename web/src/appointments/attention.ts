// Why an appointment needs a person, in words: ARO's reason codes (unconfirmed, reschedule_requested,
// reply:<message id>, delivery_failed:<template>, plan_limit:<template>, planning_failed,
// cancel_keyword) with the patient's words where the timeline has them.
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

/** The details of the last `count` timeline entries of a kind, oldest first. */
function lastDetails(timeline: readonly TimelineLike[], kind: string, count: number): string[] {
  return timeline
    .filter((e) => e.kind === kind && e.detail)
    .slice(-count)
    .map((e) => e.detail!);
}

/**
 * One item per reason; replies are matched to the timeline's last "reply for a person" entries (the
 * reasons name message ids, which the thread does not show). Without a timeline (a list), no texts.
 */
export function describeAttention(reasons: readonly string[], timeline: readonly TimelineLike[] = []): AttentionItem[] {
  const replies = reasons.filter((r) => r.startsWith('reply:') && r !== 'reply:more');
  const replyTexts = lastDetails(timeline, 'reply.needs_attention', replies.length);
  const items: AttentionItem[] = replies.map((_, i) => ({
    kind: 'reply',
    title: 'A reply ARO could not answer',
    detail: replyTexts[i],
    quote: replyTexts[i] !== undefined,
  }));
  for (const reason of reasons) {
    const [kind, subject] = splitReason(reason);
    switch (kind) {
      case 'reply':
        if (reason === 'reply:more') items.push({ kind, title: 'More replies are waiting', detail: 'Read them in the conversation.' });
        break;
      case 'reschedule_requested': {
        const [text] = lastDetails(timeline, 'appointment.reschedule_requested', 1);
        items.push({ kind, title: 'Asked to move the appointment', detail: text, quote: text !== undefined });
        break;
      }
      case 'delivery_failed': {
        const [failure] = lastDetails(timeline, 'message.failed', 1);
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
