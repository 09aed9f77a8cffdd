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

  /** The workflow's page once its input has been rendered (decoded or not). */
  async function openWorkflow(): Promise<Page> {
    const page = await context.newPage();
    await page.goto(workflowPage);
    await page.getByText('Input', { exact: true }).first().waitFor();
    await page.locator('[data-testid="workflow-input"], pre, code').first().waitFor();
    return page;
  }

  it('shows ciphertext without sign-in, and the patient after the operator signs in on the codec page', async () => {
    const before = await openWorkflow();
    await before.waitForLoadState('networkidle');
    await saveScreenshot(before, 'codec-web-ui-signed-out');
    const encrypted = await before.content();
    assert.ok(!encrypted.includes(patient.name), 'the patient is not shown before sign-in');
    assert.ok(!encrypted.includes(patient.phone), 'nor the phone');
    assert.match(encrypted, /binary\/encrypted|YmluYXJ5L2VuY3J5cHRlZA/, 'the input shows as an encrypted payload');

    // The operator signs in on the API's codec page…
    const signIn = await context.newPage();
    await signIn.goto(`${codecUrl}/sign-in`);
    await signIn.locator('input[name="key"]').fill(OPERATOR_KEY);
    await signIn.getByRole('button', { name: 'Sign in' }).click();
    await signIn.locator('[data-state="signed_in"]').waitFor();

    // …and turns on "Include cross-origin credentials" in the Web UI's codec settings.
    await before.getByRole('button', { name: /codec server|data encoder/i }).first().click();
    await saveScreenshot(before, 'codec-web-ui-settings');
  });
});
