// Text PostgreSQL can store. Its text and jsonb types refuse the NUL character, and UTF-8 has no
// encoding for a lone UTF-16 surrogate (jsonb refuses the \uD800 escape; text would silently get
// U+FFFD). Such text is refused where it comes in, naming the field, instead of failing in the database.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why PostgreSQL could not store `text` as it is, or undefined when it can. */
export function unstorableTextProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain the NUL character (\\u0000)';
  if (LONE_SURROGATE.test(text)) return 'must not contain a lone UTF-16 surrogate (invalid Unicode)';
  return undefined;
}

export function isStorableText(text: string): boolean {
  return unstorableTextProblem(text) === undefined;
}

export interface UnstorableField {
  /** Dotted path of the value (or of the object whose key is at fault), e.g. `appointment.patient.name`. */
  path: string;
  problem: string;
}

/**
 * The first string or object key in a parsed JSON document for which `problemOf` finds a problem
 * (keys only, with `values: false`). Iterative, so a deep document cannot overflow the stack.
 */
export function findTextProblem(
  document: unknown,
  problemOf: (text: string) => string | undefined,
  { values = true }: { values?: boolean } = {},
): UnstorableField | undefined {
  const pending: { value: unknown; path: string[] }[] = [{ value: document, path: [] }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, path } = next;
    if (typeof value === 'string') {
      const problem = values ? problemOf(value) : undefined;
      if (problem) return { path: path.join('.'), problem };
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => pending.push({ value: item, path: [...path, String(i)] }));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        const problem = problemOf(key);
        if (problem) return { path: path.join('.'), problem: `has a key that ${problem}` };
        pending.push({ value: item, path: [...path, key] });
      }
    }
  }
  return undefined;
}

/** The first string or key in a parsed JSON document that PostgreSQL could not store. */
export function findUnstorableText(document: unknown): UnstorableField | undefined {
  return findTextProblem(document, unstorableTextProblem);
}
