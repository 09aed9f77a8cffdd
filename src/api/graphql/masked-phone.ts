// Patients' phone numbers are masked in answers unless a caller asks for them: a list on a screen
// at the front desk should not show every patient's number.
const VISIBLE_DIGITS = 4;

/** +14155550123 → +•••••••0123 */
export function maskPhone(phone: string): string {
  const hidden = Math.max(0, phone.length - 1 - VISIBLE_DIGITS);
  return `+${'•'.repeat(hidden)}${phone.slice(-VISIBLE_DIGITS)}`;
}
