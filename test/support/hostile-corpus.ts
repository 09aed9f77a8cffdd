// Reads the hostile-request corpus (test/hostile/*.json, format in test/hostile/README.md) and turns
// each case into the exact bytes, path and headers to send: tokens, generators, patches and
// signatures are built here as the corpus's README specifies, written apart from ARO's own code.
import { createHmac, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import twilio from 'twilio';

export const CORPUS_DIR = join(__dirname, '..', '..', '..', 'test', 'hostile');

export interface HostileCase {
  id: string;
  description: string;
  // The corpus is free-form JSON; its README is the schema.
  request: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  expect: { status?: number[]; graphqlError?: string | string[]; mentions?: string; exit?: 'nonzero' };
}

export interface Exclusion {
  id: string;
  reason: string;
}

/** Every case of every corpus file, by target (the file's name: booking, twilio, dev-inbound, graphql, cli). */
export function loadCorpus(): { target: string; cases: HostileCase[] }[] {
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.json') && f !== 'exclusions.json')
    .sort()
    .map((f) => ({ target: f.replace(/\.json$/, ''), cases: JSON.parse(readFileSync(join(CORPUS_DIR, f), 'utf8')) as HostileCase[] }));
}

export function loadExclusions(): Exclusion[] {
  return JSON.parse(readFileSync(join(CORPUS_DIR, 'exclusions.json'), 'utf8')) as Exclusion[];
}

/** What the runner set up before the corpus: two clinics (A is "own", B "other"), their secrets and records. */
export interface CorpusFixture {
  publicUrl: string;
  operatorKey: string;
  own: TenantFixture;
  other: TenantFixture;
  unknownTenantId: string;
  revokedKey: string;
  otherTenantApiKeyId: string;
}

export interface TenantFixture {
  id: string;
  apiKey: string;
  webhookSecret: string;
  twilio: { accountSid: string; authToken: string; from: string };
  openExternalId: string;
}

export interface HttpRequestSpec {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

/** Per-case values: the clock read once, a fresh event id. */
interface CaseTokens {
  values: Record<string, string>;
}

function futureStart(now: Date): string {
  // Three days ahead at a whole hour, written with a fixed -05:00 offset as a booking system might.
  const at = new Date(now.getTime() + 3 * 24 * 3600_000);
  at.setUTCMinutes(0, 0, 0);
  const local = new Date(at.getTime() - 5 * 3600_000);
  return `${local.toISOString().slice(0, 19)}-05:00`;
}

function caseTokens(fixture: CorpusFixture, now: Date): CaseTokens {
  const t = Math.floor(now.getTime() / 1000);
  return {
    values: {
      $NOW: now.toISOString(),
      $FUTURE_START: futureStart(now),
      $EVENT_ID: `evt-hostile-${randomBytes(6).toString('hex')}`,
      $OWN: fixture.own.id,
      $OTHER: fixture.other.id,
      $UNKNOWN: fixture.unknownTenantId,
      $OWN_EXTERNAL_ID: fixture.own.openExternalId,
      $OTHER_TENANT_EXTERNAL_ID: fixture.other.openExternalId,
      $OTHER_TENANT_API_KEY_ID: fixture.otherTenantApiKeyId,
      $OWN_KEY: fixture.own.apiKey,
      $OWN_KEY_TRUNC: fixture.own.apiKey.slice(0, -1),
      $T: String(t),
      $T_MINUS_1: String(t - 1),
      $T_MS: String(now.getTime()),
    },
  };
}

/** Replaces tokens, longest first, in one pass (so $T_MS is never read as $T + "_MS"). */
function substitute(text: string, values: Record<string, string>): string {
  const names = Object.keys(values).sort((a, b) => b.length - a.length);
  if (names.length === 0) return text;
  const pattern = new RegExp(names.map((n) => n.replace(/\$/g, '\\$')).join('|'), 'g');
  return text.replace(pattern, (token) => values[token]);
}

function isGenerator(value: unknown): value is Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, '$generate');
}

/** A generator's value as a string (concat, hugeString) — for $raw bodies, form fields and queries. */
function generatedString(generator: Record<string, any>, values: Record<string, string>): string { // eslint-disable-line @typescript-eslint/no-explicit-any
  switch (generator.$generate) {
    case 'concat':
      return substitute(generator.prefix ?? '', values) + String(generator.unit).repeat(generator.count) + substitute(generator.suffix ?? '', values);
    case 'hugeString':
      return String(generator.char ?? 'a').repeat(generator.bytes);
    default:
      throw new Error(`generator ${generator.$generate} does not make a string`);
  }
}

/**
 * Serialises a corpus JSON value as text: own keys exactly as written (a "__proto__" key stays a
 * member), tokens substituted in string values, generators expanded by concatenation (no recursion
 * over generated depth).
 */
export function serialise(value: unknown, values: Record<string, string>): string {
  if (isGenerator(value)) {
    switch (value.$generate) {
      case 'deepArray':
        return '['.repeat(value.depth) + ']'.repeat(value.depth);
      case 'deepObject': {
        const key = JSON.stringify(value.key ?? 'a');
        return `{${key}:`.repeat(value.depth - 1) + '{}' + '}'.repeat(value.depth - 1);
      }
      case 'repeat': {
        const one = serialise(value.value, values);
        return `[${new Array<string>(value.count).fill(one).join(',')}]`;
      }
      default:
        return JSON.stringify(generatedString(value, values));
    }
  }
  if (typeof value === 'string') return JSON.stringify(substitute(value, values));
  if (Array.isArray(value)) return `[${value.map((v) => serialise(v, values)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value).map((k) => `${JSON.stringify(k)}:${serialise((value as Record<string, unknown>)[k], values)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Sets an own property, even one named __proto__. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function applyPatch(base: Record<string, unknown>, remove: string[] = [], patch: Record<string, unknown> = {}): void {
  for (const path of remove) {
    const parts = path.split('.');
    let node: unknown = base;
    for (const part of parts.slice(0, -1)) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
    if (node && typeof node === 'object') delete (node as Record<string, unknown>)[parts[parts.length - 1]];
  }
  for (const [path, value] of Object.entries(patch)) {
    const parts = path.split('.');
    let node = base;
    for (const part of parts.slice(0, -1)) {
      const next = Object.hasOwn(node, part) ? node[part] : undefined;
      if (typeof next !== 'object' || next === null) setOwn(node, part, {});
      node = node[part] as Record<string, unknown>;
    }
    setOwn(node, parts[parts.length - 1], value);
  }
}

function validBooking(values: Record<string, string>): Record<string, unknown> {
  return {
    id: values.$EVENT_ID,
    type: 'appointment.created',
    occurredAt: values.$NOW,
    appointment: {
      externalId: `ext-${values.$EVENT_ID}`,
      startsAt: values.$FUTURE_START,
      durationMinutes: 30,
      patient: { name: 'Hostile Test', phone: '+14155550123', locale: 'en' },
      provider: 'Dr. Test',
      location: 'Room 1',
    },
  };
}

/** The externalId a $VALID_BOOKING case would create, so the runner can check no workflow got it. */
export function bookingExternalId(eventId: string): string {
  return `ext-${eventId}`;
}

/** A body as bytes: JSON (with generators), $raw text, $base64 bytes, or a $VALID_BOOKING base. */
function bodyBytes(body: unknown, values: Record<string, string>, spec: Record<string, any>): Buffer { // eslint-disable-line @typescript-eslint/no-explicit-any
  if (body === '$VALID_BOOKING') {
    const base = validBooking(values);
    applyPatch(base, spec.delete, spec.patch);
    return Buffer.from(serialise(base, values), 'utf8');
  }
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    if (Object.hasOwn(body, '$raw')) {
      const raw = (body as { $raw: unknown }).$raw;
      return Buffer.from(isGenerator(raw) ? generatedString(raw, values) : substitute(String(raw), values), 'utf8');
    }
    if (Object.hasOwn(body, '$base64')) return Buffer.from((body as { $base64: string }).$base64, 'base64');
  }
  return Buffer.from(serialise(body, values), 'utf8');
}

/** Path segments go out as written; only characters HTTP cannot carry raw (non-ASCII, spaces) are escaped. */
function pathSegment(literal: string): string {
  return literal.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
}

function tenantSegment(tenant: string, fixture: CorpusFixture, values: Record<string, string>): string {
  if (tenant === 'own') return fixture.own.id;
  if (tenant === 'other') return fixture.other.id;
  if (tenant === 'unknown') return fixture.unknownTenantId;
  return pathSegment(substitute(tenant, values));
}

/** Whose secrets a path tenant's "valid" signature uses: its own, or A's for unknown and literal tenants. */
function signingTenant(tenant: string, fixture: CorpusFixture): { signer: TenantFixture; otherSigner: TenantFixture } {
  return tenant === 'other' ? { signer: fixture.other, otherSigner: fixture.own } : { signer: fixture.own, otherSigner: fixture.other };
}

function hmacHex(secret: string, text: Buffer | string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

function bookingSignatureHeader(kind: string, secret: string, otherSecret: string, body: Buffer, values: Record<string, string>): string | undefined {
  const t = Number(values.$T);
  const signed = (at: number, key = secret, bytes: Buffer = body) => `t=${at},v1=${hmacHex(key, Buffer.concat([Buffer.from(`${at}.`), bytes]))}`;
  switch (kind) {
    case 'valid':
      return signed(t);
    case 'none':
      return undefined;
    case 'forged':
      return `t=${t},v1=${randomBytes(32).toString('hex')}`;
    case 'stale':
      return signed(t - 600);
    case 'future':
      return signed(t + 3600);
    case 'other-tenant-secret':
      return signed(t, otherSecret);
    case 'wrong-body':
      return signed(t, secret, Buffer.concat([body, Buffer.from(' ')]));
    default: {
      if (!kind.startsWith('malformed:')) throw new Error(`unknown booking signature kind ${kind}`);
      const mac = (at: string) => createHmac('sha256', secret).update(Buffer.concat([Buffer.from(`${at}.`), body])).digest();
      const v1 = mac(values.$T).toString('hex');
      return substitute(kind.slice('malformed:'.length), {
        ...values,
        $V1: v1,
        $V1_HALF: v1.slice(0, 32),
        $V1_MS: mac(values.$T_MS).toString('hex'),
        $V1_BASE64: mac(values.$T).toString('base64'),
      });
    }
  }
}

function headersOf(defaults: Record<string, string | undefined>, overrides: Record<string, string> = {}, values: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(defaults)) if (value !== undefined) headers[name.toLowerCase()] = value;
  for (const [name, value] of Object.entries(overrides)) headers[name.toLowerCase()] = substitute(value, values);
  return headers;
}

export interface BuiltCase {
  http: HttpRequestSpec;
  /** For booking cases built on $VALID_BOOKING: the event id, which must not be stored. */
  eventId?: string;
  /** The externalId a $VALID_BOOKING case would create. */
  externalId?: string;
}

export function buildBooking(c: HostileCase, fixture: CorpusFixture, now = new Date()): BuiltCase {
  const { values } = caseTokens(fixture, now);
  const r = c.request;
  const body = bodyBytes(r.body, values, r);
  const { signer, otherSigner } = signingTenant(r.tenant, fixture);
  const signature = bookingSignatureHeader(r.signature ?? 'valid', signer.webhookSecret, otherSigner.webhookSecret, body, values);
  return {
    http: {
      method: 'POST',
      path: `/webhooks/booking/${tenantSegment(r.tenant, fixture, values)}`,
      headers: headersOf({ 'content-type': 'application/json', 'x-aro-signature': signature }, r.headers, values),
      body,
    },
    ...(r.body === '$VALID_BOOKING' ? { eventId: values.$EVENT_ID, externalId: bookingExternalId(values.$EVENT_ID) } : {}),
  };
}

export function buildDevInbound(c: HostileCase, fixture: CorpusFixture, now = new Date()): BuiltCase {
  const { values } = caseTokens(fixture, now);
  const r = c.request;
  return {
    http: {
      method: 'POST',
      path: `/dev/inbound/${tenantSegment(r.tenant, fixture, values)}`,
      headers: headersOf({ 'content-type': 'application/json' }, r.headers, values),
      body: bodyBytes(r.body, values, r),
    },
  };
}

type FormPairs = [string, string][];

function twilioBaseForm(kind: string, tenant: TenantFixture): FormPairs {
  const sid = `SM${randomBytes(16).toString('hex')}`;
  if (kind === '$VALID_INBOUND') {
    return [
      ['MessageSid', sid], ['SmsMessageSid', sid], ['AccountSid', tenant.twilio.accountSid], ['From', '+14155550123'],
      ['To', tenant.twilio.from], ['Body', 'yes'], ['NumMedia', '0'], ['NumSegments', '1'], ['SmsStatus', 'received'], ['ApiVersion', '2010-04-01'],
    ];
  }
  return [
    ['MessageSid', sid], ['SmsSid', sid], ['AccountSid', tenant.twilio.accountSid], ['From', tenant.twilio.from], ['To', '+14155550123'],
    ['MessageStatus', 'delivered'], ['SmsStatus', 'delivered'], ['ApiVersion', '2010-04-01'],
  ];
}

function patchForm(pairs: FormPairs, remove: string[] = [], patch: Record<string, unknown> = {}, values: Record<string, string>): FormPairs {
  let out = pairs.filter(([name]) => !remove.includes(name));
  for (const [name, value] of Object.entries(patch)) {
    if (name === '$generateFields') {
      const { count, prefix } = value as { count: number; prefix: string };
      for (let i = 0; i < count; i += 1) out.push([`${prefix}${i}`, 'x']);
      continue;
    }
    out = out.filter(([n]) => n !== name);
    const list = Array.isArray(value) ? value : [value];
    for (const v of list) out.push([name, isGenerator(v) ? generatedString(v, values) : substitute(String(v), values)]);
  }
  return out;
}

/** The params object twilio's signature helper takes: a repeated field as an array, in order. */
function signatureParams(pairs: FormPairs): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of pairs) {
    const present = params[name];
    params[name] = present === undefined ? value : [...(Array.isArray(present) ? present : [present]), value];
  }
  return params;
}

function twilioSignature(authToken: string, url: string, pairs: FormPairs): string {
  return twilio.getExpectedTwilioSignature(authToken, url, signatureParams(pairs));
}

export function buildTwilio(c: HostileCase, fixture: CorpusFixture, now = new Date()): BuiltCase {
  const { values } = caseTokens(fixture, now);
  const r = c.request;
  const { signer, otherSigner } = signingTenant(r.tenant, fixture);
  const method: string = r.method ?? 'POST';
  const segment = tenantSegment(r.tenant, fixture, values);
  const route: string = r.route;
  const otherRoute = route === 'inbound' ? 'status' : 'inbound';
  let pairs: FormPairs = [];
  let unpatched: FormPairs = [];
  let body: Buffer | undefined;
  let contentType = 'application/x-www-form-urlencoded';
  if (r.form) {
    unpatched = twilioBaseForm(r.form, signer);
    pairs = patchForm(unpatched, r.delete, r.patch, values);
    if (method !== 'GET') body = Buffer.from(new URLSearchParams(pairs).toString(), 'utf8');
  } else {
    body = bodyBytes(r.body, values, r);
    const isForm = (r.headers?.['content-type'] ?? '').includes('x-www-form-urlencoded') || Object.hasOwn(r.body ?? {}, '$raw') || Object.hasOwn(r.body ?? {}, '$base64');
    if (isForm) pairs = [...new URLSearchParams(body.toString('utf8')).entries()];
    else contentType = 'application/json';
    unpatched = pairs;
  }
  const query = method === 'GET' && pairs.length > 0 ? `?${new URLSearchParams(pairs).toString()}` : '';
  const path = `/webhooks/twilio/${segment}/${route}${query}`;
  const url = `${fixture.publicUrl}${path}`;
  const signedPairs = method === 'GET' ? [] : pairs;
  const kind: string = r.signature ?? 'valid';
  let signature: string | undefined;
  switch (kind) {
    case 'valid':
      signature = twilioSignature(signer.twilio.authToken, url, signedPairs);
      break;
    case 'none':
      signature = undefined;
      break;
    case 'forged':
      signature = randomBytes(21).toString('base64');
      break;
    case 'other-tenant-secret':
      signature = twilioSignature(otherSigner.twilio.authToken, url, signedPairs);
      break;
    case 'wrong-body':
      signature = twilioSignature(signer.twilio.authToken, url, [...signedPairs.filter(([n]) => n !== 'Body'), ['Body', 'changed']]);
      break;
    case 'wrong-url':
      signature = twilioSignature(signer.twilio.authToken, `${fixture.publicUrl}/webhooks/twilio/${segment}/${otherRoute}${query}`, signedPairs);
      break;
    case 'url-only':
      signature = twilioSignature(signer.twilio.authToken, url, []);
      break;
    case 'signed-before-patch':
      signature = twilioSignature(signer.twilio.authToken, url, unpatched);
      break;
    default:
      if (!kind.startsWith('malformed:')) throw new Error(`unknown twilio signature kind ${kind}`);
      signature = substitute(kind.slice('malformed:'.length), values);
  }
  return {
    http: {
      method,
      path,
      headers: headersOf({ 'content-type': body ? contentType : undefined, 'x-twilio-signature': signature }, r.headers, values),
      body,
    },
  };
}

export function buildGraphql(c: HostileCase, fixture: CorpusFixture, now = new Date()): BuiltCase {
  const { values } = caseTokens(fixture, now);
  const r = c.request;
  const auth: string = r.auth ?? 'own';
  const bearer: Record<string, string | undefined> = {
    own: `Bearer ${fixture.own.apiKey}`,
    'other-tenant': `Bearer ${fixture.other.apiKey}`,
    operator: `Bearer ${fixture.operatorKey}`,
    revoked: `Bearer ${fixture.revokedKey}`,
    none: undefined,
  };
  const authorization = auth.startsWith('malformed:') ? substitute(auth.slice('malformed:'.length), values) : bearer[auth];
  if (!auth.startsWith('malformed:') && !Object.hasOwn(bearer, auth)) throw new Error(`unknown graphql auth ${auth}`);
  return {
    http: {
      method: 'POST',
      path: '/graphql',
      headers: headersOf({ 'content-type': 'application/json', authorization }, r.headers, values),
      body: bodyBytes(r.body, values, r),
    },
  };
}

/** CLI arguments with their tokens replaced, and the environment changes (null: unset). */
export function buildCli(c: HostileCase, fixture: CorpusFixture, now = new Date()): { argv: string[]; env: Record<string, string | null> } {
  const { values } = caseTokens(fixture, now);
  const argv = (c.request.argv as string[]).map((a) => substitute(a, values));
  return { argv, env: (c.request.env ?? {}) as Record<string, string | null> };
}
