// `aro classify`: the reply classifier for operators and scripts. Reads JSON lines
// {"text": "...", "locale": "es"} on stdin (optionally "timeZone", "receivedAt", "appointmentStartsAt"
// to read a proposed time) and writes one JSON line per input: intent, confidence and what else it read.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { classifyReply } from '../../domain/replies/reply-classifier';
import { formatUsage, UsageError, type CliCommand } from '../command';

const USAGE = 'aro classify [--time-zone <IANA zone>]   (JSON lines {"text", "locale"?, "timeZone"?, "receivedAt"?, "appointmentStartsAt"?} on stdin)';

interface ClassifyLine {
  text?: unknown;
  locale?: unknown;
  timeZone?: unknown;
  receivedAt?: unknown;
  appointmentStartsAt?: unknown;
}

const optionalString = (value: unknown, field: string, line: number): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Error(`line ${line}: ${field} must be a string`);
  return value;
};

function classifyLine(raw: string, line: number, defaultZone: string | undefined): string {
  let input: ClassifyLine;
  try {
    input = JSON.parse(raw) as ClassifyLine;
  } catch {
    throw new Error(`line ${line}: not JSON`);
  }
  if (typeof input.text !== 'string') throw new Error(`line ${line}: text must be a string`);
  const timeZone = optionalString(input.timeZone, 'timeZone', line) ?? defaultZone;
  const receivedAt = optionalString(input.receivedAt, 'receivedAt', line) ?? new Date().toISOString();
  const appointmentStartsAt = optionalString(input.appointmentStartsAt, 'appointmentStartsAt', line);
  const time = timeZone ? { timeZone, receivedAt, appointmentStartsAt } : undefined;
  return JSON.stringify(classifyReply(input.text, { locale: optionalString(input.locale, 'locale', line), time }));
}

export const classifyCommand: CliCommand = {
  name: 'classify',
  usage: USAGE,
  async run(args: string[]): Promise<void> {
    let values;
    try {
      ({ values } = parseArgs({ args, options: { 'time-zone': { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
    } catch (err) {
      throw new UsageError((err as Error).message, USAGE);
    }
    if (values.help) {
      process.stdout.write(formatUsage(USAGE));
      return;
    }
    let line = 0;
    for await (const raw of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
      line++;
      if (raw.trim() === '') continue;
      process.stdout.write(`${classifyLine(raw, line, values['time-zone'])}\n`);
    }
  },
};
