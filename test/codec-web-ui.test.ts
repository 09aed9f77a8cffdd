// The Temporal Web UI, in a real Chromium, wired to the API's codec as `npm run dev` wires it: a
// workflow's input shows ciphertext until the operator signs in on the codec's sign-in page, then the
// patient's name. Screenshots of both go to test-artifacts/screenshots/.
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTenant } from '../src/tenants/create-tenant';
import { freePort } from '../src/toolchain/free-port';
import { snapshotQuery } from '../src/workflows/contracts';
import { startAroStack, type AroStack } from './support/aro-stack';
import { launchBrowser, saveScreenshot } from './support/browser';
import { eventually, uniquePhone } from './support/lifecycle-harness';
import { bookPatient } from './support/patient-payloads';

const OPERATOR_KEY = 'aro_op_web-ui-test-operator-key-0123456789abcdef';

describe('codec server in the Temporal Web UI (real Chromium, Temporal dev server and UI, PostgreSQL)', function () {
  this.timeout(180_000);
  let stack: AroStack;
  let browser: Browser;
  let context: BrowserContext;
  let workflowPage: string;
  let codecUrl: string;
  const patient = { name: 'Wilhelmina Okonkwo-Hart', phone: uniquePhone() };

  before(async function () {
    this.timeout(10 * 60_000);
    browser = await launchBrowser();
    const apiPort = await freePort();
    codecUrl = `http://127.0.0.1:${apiPort}/codec`;
    stack = await startAroStack({ ARO_API_PORT: String(apiPort), ARO_OPERATOR_KEY: OPERATOR_KEY }, { temporalUi: { codecEndpoint: codecUrl } });
    const { tenant, webhookSecret } = await createTenant(stack.db, { name: 'Lakeside Clinic', timeZone: 'America/Chicago' });
    const workflowId = await bookPatient(stack.url, { id: tenant.id, webhookSecret }, 'visit-web-ui', patient);
    const handle = stack.temporal.workflow.getHandle(workflowId);
    await eventually(() => handle.query(snapshotQuery), (s) => s.messages.length > 0, 'the booking confirmation');
    const { runId } = await handle.describe();
    workflowPage = `${stack.temporalUiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}/${runId}/history`;
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close();
    await stack?.stop();
  });

  const inputSection = (page: Page) => page.locator('[data-testid="input-and-result"]');

  it('shows ciphertext without sign-in, and the patient after the operator signs in on the codec page', async () => {
    const page = await context.newPage();
    await page.goto(workflowPage);
    // The codec answers 401: the Web UI says it could not decode and shows the payload as stored.
    await inputSection(page).getByText('encryption-key-id').first().waitFor();
    await page.locator('#content').getByText('Codec Server could not connect').waitFor();
    await saveScreenshot(page, 'codec-web-ui-signed-out');
    const encrypted = await inputSection(page).innerText();
    assert.ok(!encrypted.includes(patient.name) && !encrypted.includes(patient.phone), 'no patient before sign-in');
    assert.ok(!(await page.content()).includes(patient.name), 'nowhere on the page');

    // The operator signs in on the API's codec page…
    const signIn = await context.newPage();
    await signIn.goto(`${codecUrl}/sign-in`);
    await signIn.locator('input[name="key"]').fill(OPERATOR_KEY);
    await signIn.getByRole('button', { name: 'Sign in' }).click();
    await signIn.locator('[data-state="signed_in"]').waitFor();

    // …and, once, has the Web UI send credentials to the codec: its codec settings (the status icon in
    // the header) → "Use my browser setting", the endpoint, "Include cross-origin credentials".
    await page.locator('[data-testid^="data-encoder-status"]').first().click();
    await page.locator('[data-testid="override-accordion"]').click();
    await page.getByText('Use my browser setting and ignore Cluster-level setting.').first().click();
    // Folded again, the panel leaves its switches clear of the page header.
    await page.locator('[data-testid="override-accordion"]').getByRole('button').first().click();
    await page.locator('[data-testid="data-encoder-endpoint-input"]').fill(codecUrl);
    await page.locator('[data-testid="data-encoder-include-credentials"]').click();
    assert.equal(await page.locator('#pass-access-credentials').isChecked(), true, 'credentials included');
    await page.getByRole('button', { name: 'Apply' }).click();

    await page.reload();
    await inputSection(page).getByText(patient.name).first().waitFor();
    await saveScreenshot(page, 'codec-web-ui-signed-in');
    const decoded = await inputSection(page).innerText();
    assert.ok(decoded.includes(patient.phone), 'the phone reads too');
    assert.ok(!decoded.includes('encryption-key-id'), 'nothing is left encrypted');
  });
});
