// First reply classifier: carrier keywords exactly as carriers honour them, then keyword and
// phrase matching in English and Spanish. A fuller multilingual classifier is its own issue.
import type { Classification, ReplyIntent } from '../workflows/contracts';

/** Keywords carriers act on by themselves; matched on the whole message, before anything else. */
const CARRIER_OPT_OUT = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'CANCEL'];
const CARRIER_OPT_IN = ['START', 'UNSTOP', 'YES START'];
const CARRIER_HELP = ['HELP', 'INFO'];

const PHRASES: { intent: ReplyIntent; patterns: RegExp[] }[] = [
  {
    intent: 'reschedule',
    patterns: [
      /\b(reschedul\w*|re-schedul\w*|another (day|time)|different (day|time)|change (the |my )?(time|date|appointment)|move (it|my appointment)|later|earlier)\b/,
      /\b(cambiar|otro d[ií]a|otra hora|reprogramar)\b/,
      /^r$/,
    ],
  },
  {
    intent: 'cancel',
    patterns: [
      /\b(cancel( my| the)? appointment|cancel it|can'?t (make it|come)|cannot (make it|come)|won'?t (make it|be able)|not coming)\b/,
      /\b(cancelar( la| mi)? cita|cancelar|no (puedo|podr[eé]) (ir|asistir))\b/,
      /^(no|n|nope)[.!]*$/,
    ],
  },
  {
    intent: 'confirm',
    patterns: [
      /^(yes|y|yeah|yep|yup|ok|okay|sure|confirm(ed)?|c|1|si|sí|s|vale|confirmo)[.!👍 ]*$/u,
      /\b(i('| wi)ll be there|see you (then|there)|confirm(ed)?|confirmo|all(i|í) estar[eé])\b/,
      /👍/u,
    ],
  },
  { intent: 'help', patterns: [/^(help|ayuda|info)\??$/] },
  { intent: 'question', patterns: [/\?\s*$/, /^(what|when|where|how|can|do|is|qu[eé]|cu[aá]ndo|d[oó]nde|c[oó]mo)\b/] },
];

export function classifyReply(text: string): Classification {
  const trimmed = text.trim();
  const upper = trimmed.toUpperCase().replace(/[.!]+$/, '');
  if (CARRIER_OPT_OUT.includes(upper)) return { intent: 'opt_out', confidence: 1, carrierKeyword: upper };
  if (CARRIER_OPT_IN.includes(upper)) return { intent: 'opt_in', confidence: 1, carrierKeyword: upper };
  if (CARRIER_HELP.includes(upper)) return { intent: 'help', confidence: 1, carrierKeyword: upper };

  const lower = trimmed.toLowerCase();
  if (lower.length === 0) return { intent: 'unknown', confidence: 0 };
  for (const { intent, patterns } of PHRASES) {
    if (patterns.some((p) => p.test(lower))) return { intent, confidence: 0.9 };
  }
  return { intent: 'unknown', confidence: 0.2 };
}
