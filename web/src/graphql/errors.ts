// Words for a failed GraphQL call, and the server's message for one input field (shown beside it).
import type { CombinedError } from 'urql';

interface FieldError {
  field: string;
  message: string;
}

/** What to tell the front desk about a failed call: the server's own sentence where it has one. */
export function describeError(error: CombinedError): string {
  if (error.networkError) return 'ARO could not be reached. Check the connection and try again.';
  const first = error.graphQLErrors[0];
  if (!first) return error.message;
  switch (first.extensions?.code) {
    case 'UNAUTHENTICATED':
      return 'Your API key is no longer accepted. Sign in again.';
    case 'RATE_LIMITED':
      return 'Too many requests just now. Wait a moment and try again.';
    case 'TEMPORAL_UNAVAILABLE':
      return 'ARO is busy or restarting. Try again in a few seconds.';
    default:
      return first.message;
  }
}

/** The server's message for one input field (extensions.fields), if it named that field. */
export function fieldError(error: CombinedError | undefined, field: string): string | undefined {
  const fields = error?.graphQLErrors.flatMap((e) => (e.extensions?.fields as FieldError[] | undefined) ?? []) ?? [];
  return fields.find((f) => f.field === field || f.field.endsWith(`.${field}`))?.message;
}
