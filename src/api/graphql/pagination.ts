// Keyset pagination over the projections: opaque cursors holding the sort key of the last item, so
// a page stays stable while new items arrive.
import type { ConnectionShape } from './models/connection.model';
import { invalidInput } from './clinic-errors';

export function encodeCursor(key: string[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The sort key in `after`, or null for the first page. */
export function decodeCursor(after: string | null | undefined, parts: number): string[] | null {
  if (!after) return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === parts && key.every((k) => typeof k === 'string')) return key;
  } catch {
    // Falls through to the error below: a cursor is only ever one this API handed out.
  }
  throw invalidInput([{ field: 'after', message: 'is not a cursor from this list' }]);
}

/** `rows` fetched with one extra beyond `first`, which tells whether another page follows. */
export function toConnection<R, T>(
  rows: R[],
  first: number,
  totalCount: number,
  cursorKey: (row: R) => string[],
  toNode: (row: R) => T,
): ConnectionShape<T> {
  const page = rows.slice(0, first);
  const edges = page.map((row) => ({ cursor: encodeCursor(cursorKey(row)), node: toNode(row) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}
