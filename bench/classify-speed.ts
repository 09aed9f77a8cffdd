// `npm run bench:classify`: how long the in-process classifier takes per reply (p50, p99, max), over
// every labelled reply, read with a proposed-time context as the activity reads them.
import { classifyReply } from '../src/domain/replies/reply-classifier';
import { loadEvaluationSet } from '../test/support/reply-evaluation';
import { commandOptions } from './command-line';

const values = commandOptions('Usage: npm run bench:classify -- [--rounds 20]', { rounds: { type: 'string', default: '20' } });
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds: must be a whole number from 1');

const replies = [...loadEvaluationSet('eval-set').replies, ...loadEvaluationSet('holdout-set').replies];
const { context } = loadEvaluationSet('eval-set');
const read = (text: string, locale: string) => classifyReply(text, { locale, time: context });

for (const r of replies) read(r.text, r.locale); // warm-up: compiled lexicon, JIT
const micros: number[] = [];
for (let round = 0; round < rounds; round++) {
  for (const r of replies) {
    const started = process.hrtime.bigint();
    read(r.text, r.locale);
    micros.push(Number(process.hrtime.bigint() - started) / 1000);
  }
}
micros.sort((a, b) => a - b);
const at = (q: number) => micros[Math.min(micros.length - 1, Math.floor(q * micros.length))].toFixed(1);
process.stdout.write(
  `classified ${micros.length} replies (${replies.length} distinct x ${rounds} rounds), one at a time on ${process.version}\n` +
    `p50 ${at(0.5)} µs   p90 ${at(0.9)} µs   p99 ${at(0.99)} µs   max ${micros[micros.length - 1].toFixed(1)} µs\n`,
);
