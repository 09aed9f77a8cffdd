// ARO's one logger: JSON lines (pino) on stdout, at ARO_LOG_LEVEL, with patients' phone numbers, names
// and message texts kept out — by field name where a log carries them as data, and by pattern where a
// phone number hides in free text (an error message quoting Twilio, a stack trace).
import pino, { type DestinationStream, type Logger } from 'pino';
import type { AroConfig } from '../config';

export type { Logger };
export type LogLevel = AroConfig['ARO_LOG_LEVEL'];

/** Fields that hold a patient's phone, name or words wherever ARO's or Temporal's data carries them. */
const PATIENT_FIELDS = ['phone', 'patientPhone', 'toPhone', 'fromPhone', 'to', 'from', 'To', 'From', 'patientName', 'patient', 'body', 'Body', 'text'];

/** Each field at the top of a log line and up to three objects deep (pino's redaction needs explicit paths). */
const REDACTED_PATHS = PATIENT_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`, `*.*.*.${field}`]);

export const REDACTED = '[redacted]';
export const PHONE_MASK = '[phone]';

/**
 * Phone numbers in free text: E.164 (also as `whatsapp:+…` and URL-encoded `%2B…`) and the North
 * American written forms. Digits in ids and timestamps are not preceded by `+` and not grouped 3-3-4.
 */
const PHONE_PATTERNS = [/(?:\+|%2B)[1-9]\d{6,14}\b/gi, /(?<![\w.:-])\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b/g];

export function scrubPhones(text: string): string {
  return PHONE_PATTERNS.reduce((scrubbed, pattern) => scrubbed.replace(pattern, PHONE_MASK), text);
}

/** How deep log data is searched for text to scrub; deeper values are logged as a marker. */
const SCRUB_DEPTH = 6;

/** A copy of `value` with phone numbers scrubbed from every string in it; errors become pino's plain form first. */
function scrubbed(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubPhones(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= SCRUB_DEPTH) return '[too deep]';
  if (value instanceof Error) return scrubbed(pino.stdSerializers.err(value), depth);
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((item) => scrubbed(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubbed(item, depth + 1)]));
}

export interface LoggerOptions {
  level: LogLevel;
  /** Where the lines go: stdout unless given (the tests read them back). */
  destination?: DestinationStream;
}

export function createLogger({ level, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: REDACTED },
      // Errors, under any key (Temporal's logs say `error`), are already plain and scrubbed by
      // formatters.log: pino's own `err` serializer would take the copy for an error and call it `Object`.
      serializers: { err: (value: unknown) => value },
      formatters: {
        level: (label) => ({ level: label }),
        log: (data) => scrubbed(data) as Record<string, unknown>,
      },
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: {
        // The message and its format arguments are free text: scrubbed here, as the data is above.
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrubPhones(arg) : arg)) as Parameters<typeof method>);
        },
      },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * The process's logger. Each process's entry point sets its level from ARO_LOG_LEVEL (setLogLevel)
 * once the settings are read; until then it logs at `info`.
 */
export const log: Logger = createLogger({ level: 'info' });

export function setLogLevel(level: LogLevel): void {
  log.level = level;
}
