// The API's remote codec (POST /codec/encode, /codec/decode) against ARO running for real: the operator
// decodes with the operator key (as `temporal workflow show --codec-auth` sends it) or with the sign-in
// page's session cookie (as the Web UI's fetches carry it); anyone else gets 401 and nothing decoded.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Payload } from '@temporalio/common';
import { SESSION_COOKIE } from '../src/api/codec/codec-session';
import { payloadsFromJson, payloadsToJson, type CodecBody } from '../src/api/codec/codec-payloads';
import { loadConfig } from '../src/config';
import { createTenant } from '../src/tenants/create-tenant';
import { ensureTemporalCli } from '../src/toolchain/temporal-cli';
import { snapshotQuery } from '../src/workflows/contracts';
import { startAroStack, type AroStack } from './support/aro-stack';
import { eventually, uniquePhone } from './support/lifecycle-harness';
import { bookPatient, metadataText, rawHistories } from './support/patient-payloads';

const run = promisify(execFile);
const OPERATOR_KEY = 'aro_op_codec-test-operator-key-0123456789abcdef';
const UI_ORIGIN = 'http://ui.clinic.test:8233';

describe('codec server: Temporal remote codec protocol on the API (real Temporal, PostgreSQL, Temporal CLI)', function () {
  this.timeout(120_000);
  let stack: AroStack;
  let workflowId: string;
  /** The workflow's input as Temporal keeps it: encrypted. */
  let stored: CodecBody;
  const patient = { name: 'Ingrid Solvang-Achebe', phone: uniquePhone() };

  before(async function () {
    this.timeout(10 * 60_000);
    stack = await startAroStack({ ARO_OPERATOR_KEY: OPERATOR_KEY, ARO_CODEC_CORS_ORIGINS: UI_ORIGIN });
    const { tenant, webhookSecret } = await createTenant(stack.db, { name: 'Fjord Clinic', timeZone: 'Europe/Oslo' });
    workflowId = await bookPatient(stack.url, { id: tenant.id, webhookSecret }, 'visit-codec', patient);
    await eventually(() => stack.temporal.workflow.getHandle(workflowId).query(snapshotQuery), (s) => s.messages.length > 0, 'the booking confirmation');
    const [history] = await rawHistories(stack.temporal, workflowId);
    stored = payloadsToJson(history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads! as Payload[]);
  });

  after(async function () {
    this.timeout(60_000);
    await stack?.stop();
  });

  const codec = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${stack.url}/codec/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  type Refusal = { error: string; message: string; fields?: { field: string; message: string }[] };
  const refusal = async (res: Response) => (await res.json()) as Refusal;
  const asText = (body: CodecBody) => payloadsFromJson(body).map((p) => Buffer.from(p.data!).toString('utf8')).join('\n');

  it('answers 401 and decodes nothing without the operator', async () => {
    assert.ok(!asText(stored).includes(patient.name), 'the stored input is ciphertext');
    const forged = `${SESSION_COOKIE}=v1.9999999999.${Buffer.alloc(32).toString('base64url')}`;
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer aro_op_not-the-operator-key-at-all-0123456789' }, { authorization: OPERATOR_KEY }, { cookie: forged }];
    for (const headers of attempts) {
      const res = await codec('decode', stored, headers);
      const text = await res.text();
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="aro-codec"');
      assert.ok(!text.includes(patient.name) && !text.includes('payloads'), text);
      assert.equal((JSON.parse(text) as Refusal).error, 'unauthenticated');
    }
  });

  it('decodes for the operator key; encode and decode round-trip; refuses a wrong namespace, a bad body and altered bytes', async () => {
    const bearer = { authorization: `Bearer ${OPERATOR_KEY}`, 'x-namespace': 'default' };
    const res = await codec('decode', stored, bearer);
    assert.equal(res.status, 200);
    const decoded = (await res.json()) as CodecBody;
    assert.equal(metadataText(payloadsFromJson(decoded)[0], 'encoding'), 'json/plain');
    assert.match(asText(decoded), new RegExp(patient.name));

    const plain = { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"a note"').toString('base64') }] };
    const encoded = (await (await codec('encode', plain, bearer)).json()) as CodecBody;
    assert.equal(metadataText(payloadsFromJson(encoded)[0], 'encryption-key-id'), 'test-1');
    assert.deepEqual(await (await codec('decode', encoded, bearer)).json(), plain);
    // Payloads ARO never encrypted come back as they are.
    assert.deepEqual(await (await codec('decode', plain, bearer)).json(), plain);

    const otherNamespace = await codec('decode', stored, { ...bearer, 'x-namespace': 'elsewhere' });
    assert.equal(otherNamespace.status, 400);
    assert.deepEqual((await refusal(otherNamespace)).fields, [{ field: 'X-Namespace', message: 'this codec serves the namespace default' }]);
    const malformed = await codec('decode', { payloads: [{ data: 'not base64!' }] }, bearer);
    assert.equal(malformed.status, 400);
    assert.deepEqual((await refusal(malformed)).fields, [{ field: 'payloads.0.data', message: 'must be base64' }]);
    const data = Buffer.from(stored.payloads[0].data!, 'base64');
    data[data.length - 1] ^= 1;
    const altered = await codec('decode', { payloads: [{ ...stored.payloads[0], data: data.toString('base64') }] }, bearer);
    assert.equal(altered.status, 422);
    assert.match((await refusal(altered)).message, /encrypted with key test-1 does not open/);
  });

  it('the sign-in page gives the operator an HttpOnly, SameSite=Lax session that decodes from a listed origin only', async () => {
    const page = await fetch(`${stack.url}/codec/sign-in`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /data-state="signed_out"[\s\S]*<input type="password" name="key"/);

    const signIn = (key: string) =>
      fetch(`${stack.url}/codec/sign-in`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ key }) });
    const wrong = await signIn('aro_op_not-the-operator-key-at-all-0123456789');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get('set-cookie'), null);
    assert.match(await wrong.text(), /data-state="wrong_key"/);

    const right = await signIn(OPERATOR_KEY);
    assert.equal(right.status, 303);
    assert.equal(right.headers.get('location'), 'sign-in');
    const setCookie = right.headers.get('set-cookie')!;
    assert.match(setCookie, new RegExp(`^${SESSION_COOKIE}=v1\\.\\d+\\.[\\w-]+; Max-Age=43200; HttpOnly; SameSite=Lax$`));
    const cookie = setCookie.split(';')[0];

    const fromUi = await codec('decode', stored, { cookie, origin: UI_ORIGIN, 'x-namespace': 'default' });
    assert.equal(fromUi.status, 200);
    assert.equal(fromUi.headers.get('access-control-allow-origin'), UI_ORIGIN);
    assert.equal(fromUi.headers.get('access-control-allow-credentials'), 'true');
    assert.match(asText((await fromUi.json()) as CodecBody), new RegExp(patient.name));
    const fromElsewhere = await codec('decode', stored, { cookie, origin: 'http://ui.clinic.test:9999' });
    assert.equal(fromElsewhere.status, 401);
    assert.equal(fromElsewhere.headers.get('access-control-allow-origin'), null);

    assert.match(await (await fetch(`${stack.url}/codec/sign-in`, { headers: { cookie } })).text(), /data-state="signed_in"/);
    const signOut = await fetch(`${stack.url}/codec/sign-out`, { method: 'POST', redirect: 'manual', headers: { cookie } });
    assert.equal(signOut.status, 303);
    assert.match(signOut.headers.get('set-cookie')!, new RegExp(`^${SESSION_COOKIE}=; Max-Age=0`));
  });

  it("answers the Web UI's preflight for listed origins only", async () => {
    const preflight = (origin: string) =>
      fetch(`${stack.url}/codec/decode`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
      });
    const listed = await preflight(UI_ORIGIN);
    assert.equal(listed.status, 204);
    assert.equal(listed.headers.get('access-control-allow-origin'), UI_ORIGIN);
    assert.equal(listed.headers.get('access-control-allow-credentials'), 'true');
    assert.match(listed.headers.get('access-control-allow-headers')!, /X-Namespace/);
    assert.match(listed.headers.get('access-control-allow-methods')!, /POST/);
    const other = await preflight('http://evil.test');
    assert.equal(other.status, 403);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  it('`temporal workflow show --codec-endpoint … --codec-auth "Bearer <key>"` shows the patient; without the key it cannot', async () => {
    const cli = await ensureTemporalCli();
    const show = (...extra: string[]) =>
      run(cli, ['workflow', 'show', '--address', stack.config.TEMPORAL_ADDRESS, '--namespace', 'default', '--workflow-id', workflowId, '--output', 'json', ...extra]);
    // JSON output carries each payload as protobuf JSON: its data base64, as stored or as decoded.
    const payloadTexts = (json: string) => [...json.matchAll(/"data": "([A-Za-z0-9+/=]*)"/g)].map((m) => Buffer.from(m[1], 'base64').toString('utf8')).join('\n');
    const decoded = await show('--codec-endpoint', `${stack.url}/codec`, '--codec-auth', `Bearer ${OPERATOR_KEY}`);
    assert.ok(!decoded.stdout.includes('YmluYXJ5L2VuY3J5cHRlZA=='), 'no payload is left encrypted');
    const texts = payloadTexts(decoded.stdout);
    assert.ok(texts.includes(patient.name) && texts.includes(patient.phone), 'the decoded history shows the patient');

    const raw = await show();
    assert.ok(raw.stdout.includes('YmluYXJ5L2VuY3J5cHRlZA=='), 'without the codec the history shows binary/encrypted payloads');
    assert.ok(!payloadTexts(raw.stdout).includes(patient.name) && !raw.stdout.includes(patient.phone));
    // Refused by the codec (401), the CLI gives up on the history (it reports its own deadline) and shows nothing.
    await assert.rejects(show('--codec-endpoint', `${stack.url}/codec`), (err: Error & { stdout?: string }) => {
      assert.ok(!`${err.stdout}`.includes(patient.name) && !`${err.stdout}`.includes(patient.phone));
      return true;
    });
  });
});

describe('codec server: settings', () => {
  it('takes ARO_CODEC_CORS_ORIGINS as origins only, naming a bad entry', () => {
    assert.deepEqual(loadConfig({ ARO_CODEC_CORS_ORIGINS: ' http://localhost:8233 , https://temporal.example.org/' }).ARO_CODEC_CORS_ORIGINS, [
      'http://localhost:8233',
      'https://temporal.example.org',
    ]);
    assert.throws(() => loadConfig({ ARO_CODEC_CORS_ORIGINS: 'http://localhost:8233,https://temporal.example.org/ui' }), /ARO_CODEC_CORS_ORIGINS\[1\]: "https:\/\/temporal.example.org\/ui" must be an origin/);
    assert.throws(() => loadConfig({ ARO_CODEC_CORS_ORIGINS: 'localhost:8233' }), /ARO_CODEC_CORS_ORIGINS\[0\]: "localhost:8233" must be an origin/);
    assert.throws(() => loadConfig({ ARO_CODEC_CORS_ORIGINS: 'not a url' }), /ARO_CODEC_CORS_ORIGINS\[0\]: "not a url" is not a URL/);
  });
});
