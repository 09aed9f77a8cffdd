// The plain keyword baseline the evaluation compares ARO's classifier with: carrier keywords, then
// the first keyword of the five languages found in the reply, in a fixed order of intents; no
// idioms, negations, typos, proposed times or language. What "Reply C to confirm" products do.
import { carrierKeyword } from '../src/domain/replies/carrier-keywords';
import type { Classification, ReplyIntent } from '../src/workflows/contracts';

const KEYWORDS: [ReplyIntent, string[]][] = [
  ['opt_out', ['stop', 'unsubscribe', 'baja', 'stopp', 'abmelden', 'desabonner', 'descadastrar', 'parar', 'sair']],
  ['opt_in', ['start', 'unstop', 'resubscribe']],
  ['help', ['help', 'ayuda', 'aide', 'hilfe', 'ajuda', 'info']],
  ['cancel', ['cancel', 'cancelar', 'cancela', 'cancelo', 'anular', 'annuler', 'annule', 'absagen', 'stornieren', 'desmarcar', 'no', 'non', 'nein', 'nao', 'n', '2']],
  ['reschedule', ['reschedule', 'reprogramar', 'cambiar', 'reporter', 'decaler', 'verschieben', 'remarcar', 'reagendar', 'later', 'r', '3']],
  ['confirm', ['yes', 'y', 'ok', 'okay', 'sure', 'confirm', 'confirmed', 'si', 'vale', 'confirmo', 'oui', 'confirme', 'ja', 'bestatigt', 'sim', 'c', '1']],
];

export function classifyByKeyword(text: string): Classification {
  const carrier = carrierKeyword(text);
  if (carrier) return carrier;
  const words = text.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').split(/[^\p{L}\p{N}]+/u);
  for (const [intent, keywords] of KEYWORDS) {
    if (keywords.some((k) => words.includes(k))) return { intent, confidence: 0.9 };
  }
  if (text.includes('👍')) return { intent: 'confirm', confidence: 0.9 };
  if (text.includes('?')) return { intent: 'question', confidence: 0.9 };
  return { intent: 'unknown', confidence: 0.3 };
}
