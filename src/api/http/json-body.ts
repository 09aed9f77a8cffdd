// What every body ARO parses must be before any code walks it: UTF-8, at most MAX_JSON_DEPTH levels
// deep (recursive code further on — zod, Prisma's JSON serialisation — would otherwise overflow the
// stack), free of prototype-pollution keys and, where it may be stored, of text PostgreSQL refuses.
// The size limit is the body parser's (413).
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { findTextProblem, findUnstorableText } from '../../domain/storable-text';
import { invalidPayload } from './invalid-payload';

/** No request ARO takes nests deeper than a handful of levels; 32 leaves room and stays far from the stack's limit. */
export const MAX_JSON_DEPTH = 32;

/** Keys that only ever appear in a body to reach an object's prototype, never as data. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** True when `document` nests objects or arrays more than `max` levels deep. Iterative, whatever the depth. */
export function nestsDeeperThan(document: unknown, max: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value: document, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, depth } = next;
    if (typeof value !== 'object' || value === null) continue;
    if (depth + 1 > max) return true;
    for (const item of Object.values(value)) pending.push({ value: item, depth: depth + 1 });
  }
  return false;
}

function fieldOf(path: string): string {
  return path || '(body)';
}

/** Invalid UTF-8 decodes to U+FFFD: the field holding one is the field the sender got wrong. */
function refuseInvalidUtf8(rawBody: Buffer): void {
  if (isUtf8(rawBody)) return;
  let path = '';
  try {
    const document: unknown = JSON.parse(rawBody.toString('utf8'));
    path = findTextProblem(document, (text) => (text.includes('\uFFFD') ? 'invalid' : undefined))?.path ?? '';
  } catch {
    // Not JSON (a form, or broken JSON): the body as a whole is named.
  }
  invalidPayload([{ field: fieldOf(path), message: 'must be valid UTF-8 text' }]);
}

function refuseTooDeep(document: unknown): void {
  if (nestsDeeperThan(document, MAX_JSON_DEPTH)) {
    invalidPayload([{ field: '(body)', message: `must not nest objects or arrays more than ${MAX_JSON_DEPTH} levels deep` }]);
  }
}

/** Where it is kept, text must be storable; no body needs __proto__, constructor or prototype as a key. */
function refuseUnstorable(document: unknown): void {
  const found =
    findUnstorableText(document) ??
    findTextProblem(document, (key) => (PROTOTYPE_KEYS.has(key) ? `is ${JSON.stringify(key)}, which no ARO request takes` : undefined), { values: false });
  if (found) invalidPayload([{ field: fieldOf(found.path), message: found.problem }]);
}

/** Parses a raw JSON body (the signed booking webhook's) and holds it to the rules above. */
export function parseJsonBody(rawBody: Buffer): unknown {
  refuseInvalidUtf8(rawBody);
  let document: unknown;
  try {
    // V8's JSON.parse is iterative: any depth within the size limit parses without recursion.
    document = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return invalidPayload([{ field: '(body)', message: 'must be a JSON document' }]);
  }
  refuseTooDeep(document);
  refuseUnstorable(document);
  return document;
}

type ParsedRequest = IncomingMessage & { body?: unknown; rawBody?: Buffer; path?: string };

/**
 * Express middleware after the JSON and form parsers (which keep the bytes as rawBody): UTF-8 and
 * the depth rule for every parsed body, and the storable-text and prototype-key rules for all but
 * GraphQL's, whose arguments are checked (and errors answered) the GraphQL way by its input pipe.
 */
export function parsedBodyRules(graphqlPath: string) {
  return (req: ParsedRequest, _res: ServerResponse, next: () => void): void => {
    const body = req.body;
    if (typeof body === 'object' && body !== null && !Buffer.isBuffer(body)) {
      if (req.rawBody) refuseInvalidUtf8(req.rawBody);
      refuseTooDeep(body);
      if (req.path !== graphqlPath) refuseUnstorable(body);
    }
    next();
  };
}
