// A messaging provider whose answers a test scripts per recipient: the stand-in for an outside
// provider's failures (Twilio's own wire protocol is exercised by the Twilio tests).
import {
  PermanentDeliveryError,
  TransientDeliveryError,
  type MessagingProvider,
} from '../../src/activities/providers/messaging-provider';

export type ScriptedAnswer = 'transient' | 'permanent';

export class ScriptedProvider implements MessagingProvider {
  readonly name = 'scripted';
  /** Every call, in order: what was asked and what was answered. */
  readonly calls: { to: string; commandId: string; answer: ScriptedAnswer | 'accepted' }[] = [];
  private readonly scripts = new Map<string, ScriptedAnswer[]>();

  /** The next sends to `to` answer these, in order; after them, sends are accepted. */
  script(to: string, answers: ScriptedAnswer[]): void {
    this.scripts.set(to, [...answers]);
  }

  async send(message: { to: string; commandId: string }) {
    const answer = this.scripts.get(message.to)?.shift();
    this.calls.push({ to: message.to, commandId: message.commandId, answer: answer ?? 'accepted' });
    if (answer === 'transient') throw new TransientDeliveryError('provider answered 503', '503');
    if (answer === 'permanent') throw new PermanentDeliveryError('invalid destination number', '21211');
    return { providerMessageId: `scripted-${this.calls.length}`, status: 'sent' };
  }
}
