// The DateTime scalar: answers are UTC ISO-8601 instants; inputs must carry an offset (or Z), since
// a clinic's local time without one could be any of 24 instants.
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { instantWithOffset } from '../http/payload-fields';

function parseInstant(value: unknown): Date {
  const parsed = instantWithOffset.safeParse(value);
  if (!parsed.success) throw new GraphQLError(`DateTime ${parsed.error.issues[0].message}`);
  return new Date(parsed.data);
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant, ISO-8601. Answers are in UTC (2030-03-14T16:30:00.000Z); inputs need an offset or Z (2030-03-14T09:30:00-07:00).',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new GraphQLError(`DateTime cannot represent ${JSON.stringify(value)}`);
    return date.toISOString();
  },
  parseValue: parseInstant,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string such as 2030-03-14T09:30:00-07:00');
    return parseInstant(ast.value);
  },
});
