// What of a patient's reply may leave ARO for an outside model: the words, without the patient's
// name, other names the reply introduces or signs with, phone numbers or e-mail addresses.

const PHONE = /\+?\d[\d\s().-]{5,}\d/g;
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu;
const NAME = '\\p{Lu}[\\p{L}\'’-]+(?:\\s+\\p{Lu}[\\p{L}\'’-]+){0,2}';
/** "This is Maria", "soy Pedro", "c'est Julie", "hier ist Anna Müller", "é a Ana", "Dr. Lee". */
const INTRODUCED = new RegExp(
  `\\b(this is|it's|it is|my name is|i am|i'm|soy|me llamo|c'est|je suis|je m'appelle|hier ist|ich bin|mein name ist|sou|é a|é o|aqui é|dr\\.?|dra\\.?|mr\\.?|mrs\\.?|ms\\.?|sr\\.?|sra\\.?|herr|frau|mme\\.?|m\\.)\\s+(${NAME})`,
  'giu',
);
/** A name signing the reply off: "..., Marc Dupont", "Grüße, Jonas Weber", "Ass.: João Silva". */
const SIGNATURE = new RegExp(`([.,!:;–-]\\s*)(${NAME})\\s*$`, 'u');

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function minimiseReply(text: string, patientName?: string): string {
  let out = text.replace(EMAIL, '[email]').replace(PHONE, '[phone]');
  for (const part of (patientName ?? '').split(/\s+/).filter((p) => p.length >= 2)) {
    out = out.replace(new RegExp(`(?<![\\p{L}])${escape(part)}(?![\\p{L}])`, 'giu'), '[name]');
  }
  out = out.replace(INTRODUCED, (_, intro: string, name: string) => {
    // Only capitalised words are names: "I am sorry" stays as it is.
    return /^\p{Lu}/u.test(name) ? `${intro} [name]` : `${intro} ${name}`;
  });
  return out.replace(SIGNATURE, (_, before: string) => `${before}[name]`);
}
