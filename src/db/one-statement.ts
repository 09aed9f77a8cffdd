// Joins independent writes into one SQL statement (the first ones as data-modifying WITH clauses):
// one round trip instead of one per write, and atomic. Every part runs on the statement's single
// snapshot, so none may depend on another's effect.
import { Prisma } from '../generated/prisma/client';

/** The writes as one statement; absent parts are left out. Throws when none is left. */
export function oneStatement(writes: (Prisma.Sql | undefined)[]): Prisma.Sql {
  const parts = writes.filter((w): w is Prisma.Sql => w !== undefined);
  const last = parts.pop();
  if (!last) throw new Error('oneStatement needs at least one write');
  if (parts.length === 0) return last;
  const alongside = parts.map((part, i) => Prisma.sql`${Prisma.raw(`w${i}`)} AS (${part})`);
  return Prisma.sql`WITH ${Prisma.join(alongside)} ${last}`;
}
