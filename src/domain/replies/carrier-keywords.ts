// The keywords carriers act on by themselves, honoured exactly as they do: the whole reply is the
// keyword (any case, surrounding spaces and a closing "." or "!" aside), before anything else is read.
import type { Classification } from '../../workflows/contracts';

const OPT_OUT = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'CANCEL'];
const OPT_IN = ['START', 'UNSTOP'];
const HELP = ['HELP', 'INFO'];

/** The carrier's reading of a reply that is exactly one of its keywords; undefined for any other reply. */
export function carrierKeyword(text: string): Classification | undefined {
  const keyword = text.trim().toUpperCase().replace(/[.!]+$/, '');
  if (OPT_OUT.includes(keyword)) return { intent: 'opt_out', confidence: 1, carrierKeyword: keyword };
  if (OPT_IN.includes(keyword)) return { intent: 'opt_in', confidence: 1, carrierKeyword: keyword };
  if (HELP.includes(keyword)) return { intent: 'help', confidence: 1, carrierKeyword: keyword };
  return undefined;
}
