// The clinic web app's Settings and Numbers pages in a real Chromium, against ARO wired as `npm run dev`
// wires it: a template edited with its live preview, an unknown {{variable}} and a bad policy field
// each refused beside their field with the server's message (nothing saved), an API key created
// (shown once) and revoked (then refused at sign-in), charts of a clinic's week, axe-core on every
// tab, and a phone's width.
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { assertAccessible } from './support/accessibility';
import { startAroStack, type AroStack } from './support/aro-stack';
import { launchBrowser, saveScreenshot } from './support/browser';
import { graphqlClient } from './support/graphql-client';
import { eventually, uniquePhone } from './support/lifecycle-harness';
import { createWebClinic, type WebClinic } from './support/web-clinic';

describe('clinic web app: settings and numbers (Chromium)', function () {
  this.timeout(180_000);
  let stack: AroStack;
  let browser: Browser;
  let clinic: WebClinic;
  let appUrl: string;
  let gql: ReturnType<typeof graphqlClient>;
  const contexts: BrowserContext[] = [];

  before(async () => {
    browser = await launchBrowser();
    stack = await startAroStack({ ARO_DEV_MODE: '1' }, { apiCoversWorkers: true });
    appUrl = `${stack.url}/app/`;
    gql = graphqlClient(stack.url);
    clinic = await createWebClinic(stack.db, 'web-settings', 'Lakeside Physiotherapy', 'Europe/Lisbon');
  });

  // A failed test leaves a picture of every page it had open, to see what went wrong.
  let firstContextOfTest = 0;
  beforeEach(() => {
    firstContextOfTest = contexts.length;
  });
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    const title = this.currentTest.title.slice(0, 40).replace(/\W+/g, '-');
    for (const [i, page] of contexts.slice(firstContextOfTest).flatMap((c) => c.pages()).entries()) await saveScreenshot(page, `failed-${title}-${i}`).catch(() => undefined);
  });

  after(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await stack?.stop();
  });

  async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
    const context = await browser.newContext({ viewport, timezoneId: 'Pacific/Chatham', locale: 'en-US' });
    contexts.push(context);
    return context.newPage();
  }

  async function signIn(page: Page, key = clinic.apiKey): Promise<void> {
    await page.goto(appUrl);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  /** Opens a page of the app by its address (after sign-in: the key lives in the tab's session). */
  async function open(page: Page, path: string, heading: string): Promise<void> {
    await page.goto(`${appUrl}${path}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await page.locator('.mantine-Loader-root').first().waitFor({ state: 'detached' });
  }

  /** What the page says about a field: its description and error, tied to it by aria-describedby. */
  async function saidAbout(field: Locator): Promise<string> {
    const ids = (await field.getAttribute('aria-describedby'))?.split(/\s+/).filter(Boolean) ?? [];
    const texts = await Promise.all(ids.map((id) => field.page().locator(`[id="${id}"]`).innerText()));
    return texts.join('\n');
  }

  const overflow = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

  async function storedTemplate(kind: string): Promise<string | undefined> {
    const row = await stack.db.template.findUnique({ where: { tenantId_kind_locale_channel: { tenantId: clinic.id, kind, locale: 'en', channel: 'sms' } } });
    return row?.body;
  }

  it('edits a template with a live preview, and shows an unknown variable beside the text with nothing saved', async () => {
    const page = await newPage();
    await signIn(page);
    await open(page, 'settings/templates', 'Settings');
    await page.getByRole('tab', { name: 'Templates', selected: true }).waitFor();
    const text = page.getByRole('textbox', { name: 'Text', exact: true });
    const preview = page.getByTestId('template-preview');
    // The stored reminder, rendered for the sample patient (Alex Morgan, called by the first name).
    await preview.getByText(`Hi Alex, a reminder of your appointment at ${clinic.name} on`).waitFor();

    await text.fill('Hello {{name}}, {{clinic}} expects you on {{date}} at {{time}}. Bring your exercise sheet.');
    await preview.getByText('Bring your exercise sheet.').waitFor();
    const shown = await preview.innerText();
    assert.ok(shown.startsWith(`Hello Alex, ${clinic.name} expects you on`), shown);
    assert.ok(!shown.includes('{{'), `every variable is filled in: ${shown}`);
    await assertAccessible(page, 'the templates tab');
    await saveScreenshot(page, 'settings-template-preview');

    await page.getByRole('button', { name: 'Save template' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    assert.equal(await storedTemplate('reminder_confirm'), 'Hello {{name}}, {{clinic}} expects you on {{date}} at {{time}}. Bring your exercise sheet.');

    // An unknown variable: the preview's answer names it beside the field, and a save is refused.
    await text.fill('Hello {{name}}, your physio is {{therapist}}.');
    await page.getByText('template uses unknown variable {{therapist}}').waitFor();
    assert.equal(await text.getAttribute('aria-invalid'), 'true');
    const said = await saidAbout(text);
    assert.ok(said.includes('template uses unknown variable {{therapist}}; known variables: {{name}}, {{clinic}}'), said);
    await page.getByRole('button', { name: 'Save template' }).click();
    await page.getByRole('alert').getByText('The template was not saved').waitFor();
    assert.ok((await saidAbout(text)).includes('{{therapist}}'));
    await saveScreenshot(page, 'settings-template-unknown-variable');
    assert.equal(await storedTemplate('reminder_confirm'), 'Hello {{name}}, {{clinic}} expects you on {{date}} at {{time}}. Bring your exercise sheet.');
  });

  it('refuses a bad duration and a frequency cap beside their fields with the server’s messages, saving nothing; then saves', async () => {
    const page = await newPage();
    await signIn(page);
    await open(page, 'settings', 'Settings');
    const before = await stack.db.tenant.findUniqueOrThrow({ where: { id: clinic.id } });
    const deadline = page.getByLabel('Confirmation deadline (before the start)');
    const perDay = page.getByLabel('Routine messages per patient a day');
    await deadline.fill('2 days');
    await perDay.fill('5');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByRole('alert').getByText('The policy was not saved').waitFor();
    assert.ok((await saidAbout(deadline)).includes('must be an ISO-8601 duration such as P2D or PT2H'), await saidAbout(deadline));
    assert.ok((await saidAbout(perDay)).includes('perDay must not exceed perWeek'), await saidAbout(perDay));
    assert.equal(await deadline.getAttribute('aria-invalid'), 'true');
    // The fields keep what was typed, to be corrected.
    assert.equal(await deadline.inputValue(), '2 days');
    await assertAccessible(page, 'the policy tab with refused fields');
    await saveScreenshot(page, 'settings-policy-refused');
    const after = await stack.db.tenant.findUniqueOrThrow({ where: { id: clinic.id } });
    assert.equal(after.policyVersion, before.policyVersion, 'nothing saved');
    assert.deepEqual(after.policy, before.policy);

    await deadline.fill('PT12H');
    await perDay.fill('2');
    await page.getByLabel('Quiet from').fill('20:30');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    const saved = await stack.db.tenant.findUniqueOrThrow({ where: { id: clinic.id } });
    assert.equal(saved.policyVersion, before.policyVersion + 1);
    const policy = saved.policy as { confirmationDeadline: string; frequencyCap: { perDay: number }; quietHours: { start: string } };
    assert.equal(policy.confirmationDeadline, 'PT12H');
    assert.equal(policy.frequencyCap.perDay, 2);
    assert.equal(policy.quietHours.start, '20:30');
    // The form shows the stored version afresh, with the words for the duration.
    await page.getByText(`Version ${saved.policyVersion}.`).waitFor();
    assert.ok((await saidAbout(deadline)).includes('12 hours'));
  });

  it('creates an API key shown once with a copy button, and revokes it: the key is then refused at sign-in', async () => {
    const page = await newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await signIn(page);
    await open(page, 'settings/api-keys', 'Settings');
    await page.getByLabel('Name of the new key').fill('reception tablet');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByTestId('new-api-key');
    await shown.waitFor();
    const newKey = (await shown.innerText()).trim();
    assert.match(newKey, /^aro_/);
    await page.getByRole('button', { name: 'Copy the new key' }).click();
    await page.getByRole('button', { name: 'Copied the new key' }).waitFor();
    assert.equal(await page.evaluate<string>('navigator.clipboard.readText()'), newKey);
    await page.getByRole('row', { name: /reception tablet/ }).getByText('Active').waitFor();
    await assertAccessible(page, 'the API keys tab with a new key');
    await saveScreenshot(page, 'settings-api-key-created');
    const me = await gql(newKey, '{ me { id } }');
    assert.equal(me.data?.me.id, clinic.id, 'the new key opens the clinic');

    // Shown once: away and back, the key is gone from the page.
    await page.getByRole('tab', { name: 'Clinic' }).click();
    await page.getByRole('tab', { name: 'API keys' }).click();
    await page.getByRole('row', { name: /reception tablet/ }).waitFor();
    assert.equal(await page.getByTestId('new-api-key').count(), 0);

    await page.getByRole('button', { name: 'Revoke reception tablet' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke the key “reception tablet”?' });
    await dialog.waitFor();
    await assertAccessible(page, 'the revoke dialog');
    await saveScreenshot(page, 'settings-api-key-revoke-dialog');
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await page.getByRole('row', { name: /reception tablet/ }).getByText(/^Revoked/).waitFor();
    assert.ok((await stack.db.apiKey.findFirstOrThrow({ where: { tenantId: clinic.id, name: 'reception tablet' } })).revokedAt);

    const other = await newPage();
    await other.goto(appUrl);
    await other.getByLabel('API key').fill(newKey);
    await other.getByRole('button', { name: 'Sign in' }).click();
    await other.getByText('This API key was not accepted').waitFor();
    await saveScreenshot(other, 'settings-revoked-key-refused');
  });

  it('shows the week’s rates and the messages by channel as charts with their figures in tables', async () => {
    const stats = await createWebClinic(stack.db, 'web-stats', 'Northgate Clinic', 'America/Chicago');
    // Three visits on one day three days ahead: no reminder falls due while the test runs.
    const day = DateTime.now().setZone(stats.timeZone).plus({ days: 3 }).startOf('day');
    const ids: string[] = [];
    for (const [i, name] of ['Mary Jackson', 'Dorothy Vaughan', 'Annie Easley'].entries()) {
      const booked = await gql(
        stats.apiKey,
        `mutation($input: AppointmentInput!) { createAppointment(input: $input) { externalId } }`,
        { input: { startsAt: day.set({ hour: 9 + i }).toISO(), patient: { name, phone: uniquePhone() } } },
      );
      assert.equal(booked.errors, undefined, JSON.stringify(booked.errors));
      ids.push(booked.data.createAppointment.externalId);
    }
    const outbound = () =>
      stack.db.message.findMany({ where: { tenantId: stats.id, direction: 'outbound', sentAt: { not: null } }, select: { kind: true, channel: true, segments: true } });
    // Each patient has had the booking confirmation before staff act, so the cancelled one is told.
    await eventually(outbound, (rows) => rows.filter((m) => m.kind === 'booking_confirmation').length === 3, 'the booking confirmations');
    const confirmed = await gql(stats.apiKey, `mutation($id: ID!) { confirmAppointment(externalId: $id) { status } }`, { id: ids[0] });
    assert.equal(confirmed.data?.confirmAppointment.status, 'CONFIRMED', JSON.stringify(confirmed.errors));
    const cancelled = await gql(stats.apiKey, `mutation($id: ID!) { cancelAppointment(externalId: $id, reason: "ill") { status } }`, { id: ids[1] });
    assert.equal(cancelled.data?.cancelAppointment.status, 'CANCELLED', JSON.stringify(cancelled.errors));
    // The figures come from the projection and the messages: wait until both have caught up.
    await eventually(
      () => stack.db.appointment.findMany({ where: { tenantId: stats.id }, select: { status: true } }),
      (rows) => rows.map((r) => r.status).sort().join() === 'cancelled,confirmed,scheduled',
      'the projection of the three visits',
    );
    const sent = await eventually(outbound, (rows) => rows.some((m) => m.kind === 'cancelled_notice'), 'the cancellation notice');

    const page = await newPage();
    await signIn(page, stats.apiKey);
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Numbers' }).click();
    await page.getByRole('heading', { level: 1, name: 'Numbers' }).waitFor();
    // Off the navigation: axe judges the page, not the link's hover colour (the shared shell's).
    await page.mouse.move(600, 10);
    const rates = page.getByRole('region', { name: 'Confirmation, cancellation and no-show rates by week', exact: true });
    const channels = page.getByRole('region', { name: 'Messages and segments by channel', exact: true });
    await rates.locator('svg.recharts-surface').first().waitFor();
    await channels.locator('svg.recharts-surface').first().waitFor();

    const week = day.startOf('week').toLocaleString({ day: 'numeric', month: 'short' }, { locale: 'en-US' });
    const weekRow = rates.getByRole('row', { name: new RegExp(`^${week}\\b`) });
    assert.deepEqual(await weekRow.getByRole('cell').allInnerTexts(), ['3', '33%', '33%', '—']);
    const smsRow = channels.getByRole('row', { name: /^SMS\b/ });
    const segments = sent.reduce((sum, m) => sum + (m.segments ?? 0), 0);
    assert.ok(sent.every((m) => m.channel === 'sms'));
    assert.deepEqual(await smsRow.getByRole('cell').allInnerTexts(), [String(sent.length), String(segments)]);
    await assertAccessible(page, 'the numbers page');
    await saveScreenshot(page, 'stats');

    // A range with nothing in it says so rather than drawing empty charts.
    await page.getByLabel('To the week of').fill('2020-01-06');
    await page.getByLabel('From the week of').fill('2020-01-06');
    await channels.getByText('No messages were sent in these weeks.').waitFor();
    await rates.getByText('No appointments start in these weeks.').waitFor();
    assert.equal(await page.locator('svg.recharts-surface').count(), 0);
  });

  it("works at a phone's width, every settings tab and the numbers page", async () => {
    // One visit, so the numbers page draws its charts at this width too.
    const booked = await gql(clinic.apiKey, `mutation($input: AppointmentInput!) { createAppointment(input: $input) { externalId } }`, {
      input: { startsAt: DateTime.now().plus({ days: 2 }).toISO(), patient: { name: 'Edith Clarke', phone: uniquePhone() } },
    });
    assert.equal(booked.errors, undefined, JSON.stringify(booked.errors));
    await eventually(() => stack.db.appointment.count({ where: { tenantId: clinic.id } }), (n) => n > 0, 'the visit in the projection');
    const page = await newPage({ width: 390, height: 844 });
    await signIn(page);
    for (const [path, name] of [
      ['settings/policy', 'policy'],
      ['settings/templates', 'templates'],
      ['settings/clinic', 'clinic'],
      ['settings/api-keys', 'api-keys'],
    ]) {
      await open(page, path, 'Settings');
      if (name === 'templates') await page.getByTestId('template-preview').waitFor();
      assert.equal(await overflow(page), 0, `the ${name} tab fits the width`);
      await assertAccessible(page, `the ${name} tab at a phone's width`);
      await saveScreenshot(page, `phone-settings-${name}`);
    }
    await open(page, 'stats', 'Numbers');
    await page.getByRole('region', { name: 'Confirmation, cancellation and no-show rates by week', exact: true }).locator('svg.recharts-surface').waitFor();
    assert.equal(await overflow(page), 0, 'the numbers page fits the width');
    await assertAccessible(page, "the numbers page at a phone's width");
    await saveScreenshot(page, 'phone-stats');
  });

  it('changes the clinic’s details, and shows a bad language code beside its field', async () => {
    const page = await newPage();
    await signIn(page);
    await open(page, 'settings/clinic', 'Settings');
    await assertAccessible(page, 'the clinic tab');
    const language = page.getByLabel('Default language');
    await language.fill('english');
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByRole('alert').getByText("The clinic's details were not saved").waitFor();
    assert.ok((await saidAbout(language)).includes('"english" is not a locale such as en, es or pt-BR'), await saidAbout(language));
    assert.equal((await stack.db.tenant.findUniqueOrThrow({ where: { id: clinic.id } })).defaultLocale, 'en');

    await language.fill('es');
    await page.getByLabel('Clinic name').fill('Lakeside Physio & Sports');
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    // The header shows the new name without a reload.
    await page.getByRole('banner').getByText('Lakeside Physio & Sports').waitFor();
    const stored = await stack.db.tenant.findUniqueOrThrow({ where: { id: clinic.id } });
    assert.deepEqual([stored.name, stored.defaultLocale], ['Lakeside Physio & Sports', 'es']);
    await saveScreenshot(page, 'settings-clinic-saved');
  });
});
