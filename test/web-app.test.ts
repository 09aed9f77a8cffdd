// The clinic web app as the front desk uses it, in a real Chromium against ARO wired as `npm run dev`
// wires it (workers and API in one process, dev mode, the built app at /app/): sign-in, Today, one
// appointment, the inbox, a phone's width, and an accessibility check of every page.
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertAccessible } from './support/accessibility';
import { startAroStack, type AroStack } from './support/aro-stack';
import { launchBrowser, saveScreenshot as saveFullPage } from './support/browser';
import { graphqlClient } from './support/graphql-client';
import { eventually, uniquePhone } from './support/lifecycle-harness';
import { bookingSignature } from './support/signing';
import { createWebClinic, type WebClinic } from './support/web-clinic';

/**
 * Zones about an hour apart: one of them is between 09:00 and 15:00 now, so the test clinic's "today"
 * has hours left and it is outside the default quiet hours (21:00–08:00), when staff may write.
 */
const ZONES = [
  'Pacific/Honolulu',
  'America/Anchorage',
  'America/Los_Angeles',
  'America/Denver',
  'America/Chicago',
  'America/New_York',
  'America/Halifax',
  'America/Sao_Paulo',
  'Atlantic/South_Georgia',
  'Atlantic/Azores',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Athens',
  'Europe/Moscow',
  'Asia/Dubai',
  'Asia/Karachi',
  'Asia/Dhaka',
  'Asia/Bangkok',
  'Asia/Shanghai',
  'Asia/Tokyo',
  'Australia/Brisbane',
  'Pacific/Noumea',
  'Pacific/Auckland',
];

describe('clinic web app (Chromium)', function () {
  this.timeout(180_000);
  let stack: AroStack;
  let browser: Browser;
  let clinic: WebClinic;
  let otherClinic: WebClinic;
  let appUrl: string;
  const contexts: BrowserContext[] = [];
  /** Script errors and Content-Security-Policy refusals in any tab: each test ends with none. */
  const pageProblems: string[] = [];

  before(async () => {
    // Fail at once, with the install command, rather than after starting the servers.
    browser = await launchBrowser();
    stack = await startAroStack({ ARO_DEV_MODE: '1' }, { apiCoversWorkers: true });
    appUrl = `${stack.url}/app/`;
    const timeZone = ZONES.find((zone) => {
      const hour = DateTime.now().setZone(zone).hour;
      return hour >= 9 && hour < 15;
    })!;
    clinic = await createWebClinic(stack.db, 'web-a', 'Riverside Family Practice', timeZone);
    otherClinic = await createWebClinic(stack.db, 'web-b', 'Hillcrest Dental', 'Europe/Madrid');
  });

  afterEach(() => {
    assert.deepEqual(pageProblems.splice(0), [], 'script errors or CSP refusals in the app');
  });

  after(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await stack?.stop();
  });

  async function book(owner: WebClinic, patient: string, startsAt: DateTime, phone = uniquePhone()): Promise<string> {
    const externalId = `web-${Math.random().toString(36).slice(2, 10)}`;
    const body = JSON.stringify({
      id: `evt-${externalId}`,
      type: 'appointment.created',
      occurredAt: DateTime.now().toISO(),
      appointment: { externalId, startsAt: startsAt.toISO(), provider: 'Dr. Okafor', location: 'Room 3', patient: { name: patient, phone } },
    });
    const res = await fetch(`${stack.url}/webhooks/booking/${owner.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-aro-signature': bookingSignature(owner.webhookSecret, body) },
      body,
    });
    assert.equal(res.status, 202, await res.text());
    return externalId;
  }

  /** A fresh tab (the key lives in the tab), in a browser whose own time zone is not the clinic's. */
  async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
    const context = await browser.newContext({ viewport, timezoneId: 'Pacific/Chatham', locale: 'en-US' });
    contexts.push(context);
    context.on('page', watchProblems);
    const page = await context.newPage();
    return page;
  }

  function watchProblems(page: Page): void {
    page.on('pageerror', (err) => pageProblems.push(`${page.url()}: ${err.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && message.text().includes('Content Security Policy')) pageProblems.push(`${page.url()}: ${message.text()}`);
    });
  }

  async function signIn(page: Page, key = clinic.apiKey): Promise<void> {
    await page.goto(appUrl);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  /** A full-page screenshot from the top, where the fixed header belongs. */
  async function saveScreenshot(page: Page, name: string): Promise<void> {
    await page.evaluate('window.scrollTo(0, 0)');
    await saveFullPage(page, name);
  }

  /** On a phone the navigation slides away once a page is chosen: wait until it is off the screen. */
  async function navigationClosed(page: Page): Promise<void> {
    const nav = page.getByRole('navigation', { name: 'Pages' });
    for (let box = await nav.boundingBox(); box && box.x + box.width > 0; box = await nav.boundingBox()) {
      await page.waitForTimeout(50);
    }
  }

  /** Marks the loaded document, to tell later that what changed came without a reload. */
  async function markDocument(page: Page): Promise<void> {
    await page.evaluate('window.__aroSameDocument = true');
  }

  async function assertSameDocument(page: Page, what: string): Promise<void> {
    assert.equal(await page.evaluate('window.__aroSameDocument === true'), true, what);
  }

  async function openPhone(page: Page, patient: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Patient phone' }).click();
    await page.getByRole('heading', { name: 'Patient phone' }).waitFor();
    await page.getByRole('navigation', { name: 'Phones' }).getByText(patient).click();
  }

  /** axe-core finds no serious or critical WCAG 2 A/AA violation on what the page shows now. */
  it('is served at /app/ with its security headers; other addresses under it are the app', async () => {
    const moved = await fetch(`${stack.url}/app`, { redirect: 'manual' });
    assert.equal(moved.status, 301);
    assert.equal(moved.headers.get('location'), '/app/');
    for (const path of ['/app/', '/app/inbox', '/app/appointments/any-id']) {
      const res = await fetch(`${stack.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self';.*frame-ancestors 'none'/);
      assert.match(await res.text(), /<meta name="aro-dev-mode" content="1" \/>/, 'dev mode is told to the app');
    }
    const missing = await fetch(`${stack.url}/app/assets/no-such-bundle.js`);
    assert.equal(missing.status, 404, 'a missing bundle file is not answered with the page');
  });

  it('refuses a wrong key, then signs in with the clinic key for this tab only', async () => {
    const page = await newPage();
    await page.goto(appUrl);
    await assertAccessible(page, 'the sign-in page');
    await page.getByLabel('API key').fill('aro_not-a-key-of-any-clinic');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This API key was not accepted').waitFor();
    await saveScreenshot(page, 'sign-in-refused');
    assert.equal(await page.evaluate<number>('sessionStorage.length'), 0, 'a refused key is not kept');

    await page.getByLabel('API key').fill(clinic.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByText(clinic.name).waitFor();
    assert.equal(await page.evaluate<number>('localStorage.length'), 0, 'nothing is kept beyond the tab');

    // Another tab of the same browser is not signed in.
    const other = await page.context().newPage();
    await other.goto(appUrl);
    await other.getByRole('button', { name: 'Sign in' }).waitFor();
  });

  it('shows a booked appointment appear on Today live, in the clinic time, opens it, reads the thread and confirms it', async () => {
    const page = await newPage();
    await signIn(page);
    await page.getByRole('heading', { name: 'Today' }).waitFor();
    await markDocument(page);
    const startsAt = DateTime.now().setZone(clinic.timeZone).plus({ hours: 2 }).startOf('minute');
    const externalId = await book(clinic, 'Ada Lovelace', startsAt);
    const link = page.getByRole('link', { name: 'Ada Lovelace' });
    await link.waitFor();
    await assertSameDocument(page, 'the booking appeared without a reload');
    // The clinic's time, not the browser's (Pacific/Chatham).
    const row = page.getByRole('row').filter({ has: link });
    const when = startsAt.toLocaleString({ weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' }, { locale: 'en-US' });
    assert.ok((await row.innerText()).includes(when), `${await row.innerText()} shows ${when}`);
    await assertAccessible(page, 'Today');
    await saveScreenshot(page, 'today');

    await link.click();
    await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/app/appointments/${externalId}`);
    const thread = page.getByRole('log', { name: 'Conversation with Ada Lovelace' });
    await thread.getByText('is booked for').waitFor();
    assert.ok((await thread.innerText()).includes('Booking confirmation'));
    await assertAccessible(page, 'the appointment page');
    await saveScreenshot(page, 'appointment');

    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByText('Confirmed', { exact: true }).first().waitFor();
    await page.getByRole('button', { name: 'Confirm', exact: true }).waitFor({ state: 'detached' });
    await saveScreenshot(page, 'appointment-confirmed');
  });

  it("cancels with a reason; a colleague's open page follows without a reload", async () => {
    const externalId = await book(clinic, 'Grace Hopper', DateTime.now().plus({ hours: 3 }));
    const page = await newPage();
    await signIn(page);
    await page.goto(`${appUrl}appointments/${externalId}`);
    await page.getByRole('heading', { name: 'Grace Hopper' }).waitFor();
    // A colleague has the same appointment open in another browser.
    const colleague = await newPage();
    await signIn(colleague);
    await colleague.goto(`${appUrl}appointments/${externalId}`);
    await colleague.getByRole('button', { name: 'Confirm', exact: true }).waitFor();
    await markDocument(colleague);

    await page.getByRole('button', { name: 'Cancel appointment…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this appointment?' });
    await dialog.getByLabel('Reason').fill('Doctor unwell');
    await assertAccessible(page, 'the cancel dialog');
    await dialog.getByRole('button', { name: 'Cancel appointment' }).click();
    await page.getByText('Cancelled', { exact: true }).first().waitFor();
    await page.getByText('Doctor unwell', { exact: false }).first().waitFor();
    await saveScreenshot(page, 'appointment-cancelled');

    // The colleague cannot confirm a cancelled appointment: their page no longer offers it.
    await colleague.getByText('Cancelled', { exact: true }).first().waitFor();
    await colleague.getByRole('button', { name: 'Confirm', exact: true }).waitFor({ state: 'detached' });
    await assertSameDocument(colleague, "the colleague's page followed without a reload");
    await saveScreenshot(colleague, 'appointment-cancelled-colleague');
  });

  it('plays "can we move it to Friday?" on the patient phone: the inbox shows it live; staff reply and deal with it', async () => {
    const externalId = await book(clinic, 'Linus Pauling', DateTime.now().plus({ hours: 4 }));
    const desk = await newPage();
    await signIn(desk);
    await desk.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Inbox' }).click();
    await desk.getByRole('heading', { name: 'Needs attention' }).waitFor();
    await markDocument(desk);

    const phone = await newPage();
    await signIn(phone);
    await openPhone(phone, 'Linus Pauling');
    const screen = phone.getByRole('log', { name: /^Messages on / });
    await screen.getByText('is booked for').waitFor();
    await phone.getByLabel("Patient's reply").fill('can we move it to Friday?');
    await phone.getByRole('button', { name: 'Send' }).click();
    await screen.getByText('can we move it to Friday?').waitFor();
    await assertAccessible(phone, 'the patient phone');
    await saveScreenshot(phone, 'patient-phone-reply');

    const why = desk.getByRole('list', { name: 'Why Linus Pauling needs attention' });
    await why.getByText('Asked to move the appointment').waitFor();
    await why.getByText('can we move it to Friday?', { exact: false }).waitFor();
    await assertSameDocument(desk, 'the inbox item appeared without a reload');
    await saveScreenshot(desk, 'inbox-live');

    await desk.getByRole('link', { name: 'Linus Pauling' }).click();
    await desk.getByRole('heading', { name: 'Linus Pauling' }).waitFor();
    assert.equal(new URL(desk.url()).pathname, `/app/appointments/${externalId}`);
    await desk.getByLabel('Reply to Linus Pauling').fill('Of course: Friday at 10:00 works. See you then!');
    await markDocument(phone);
    await desk.getByRole('button', { name: 'Send', exact: true }).click();
    const thread = desk.getByRole('log', { name: 'Conversation with Linus Pauling' });
    await thread.getByText('Friday at 10:00 works').waitFor();
    assert.ok((await thread.innerText()).includes('From the front desk'));
    // The patient's phone shows it too, without a reload.
    await screen.getByText('Friday at 10:00 works').waitFor();
    await assertSameDocument(phone, 'the reply reached the phone page without a reload');

    await desk.getByRole('button', { name: 'Mark as dealt with' }).click();
    const dialog = desk.getByRole('dialog');
    await dialog.getByLabel('What was done').fill('Moved to Friday 10:00 in the booking system');
    await dialog.getByRole('button', { name: 'Mark as dealt with' }).click();
    await desk.getByText('Why this needs you').waitFor({ state: 'detached' });
    await desk.getByText('Moved to Friday 10:00 in the booking system', { exact: false }).first().waitFor();
    await saveScreenshot(desk, 'appointment-replied-and-resolved');
  });

  it("quotes each unanswered reply in its own words, in the inbox and on the appointment, whichever is dealt with first", async () => {
    const phone = uniquePhone();
    const externalId = await book(clinic, 'Dorothy Hodgkin', DateTime.now().plus({ hours: 6 }), phone);
    const reasons = async () =>
      (await stack.db.appointment.findFirst({ where: { tenantId: clinic.id, externalId }, select: { attentionReasons: true } }))?.attentionReasons ?? [];
    await eventually(() => stack.db.message.count({ where: { tenantId: clinic.id, toPhone: phone, direction: 'outbound' } }), (n) => n > 0, 'the booking confirmation');
    for (const body of ['Is there parking near the clinic?', 'Can my daughter come in with me?']) {
      const res = await fetch(`${stack.url}/dev/inbound/${clinic.id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: phone, body }) });
      assert.equal(res.status, 202);
    }
    const [first, second] = await eventually(reasons, (r) => r.filter((reason) => reason.startsWith('reply:')).length === 2, 'both replies waiting for staff');
    // The later reply dealt with by the API: the earlier one's words must stay.
    const resolved = await graphqlClient(stack.url)(clinic.apiKey, 'mutation($id: ID!, $r: String) { resolveAttention(externalId: $id, reason: $r) { attentionReasons } }', { id: externalId, r: second });
    assert.deepEqual(resolved.data?.resolveAttention.attentionReasons, [first], JSON.stringify(resolved.errors));
    await eventually(reasons, (r) => r.length === 1, 'the projection with one reason left');

    const page = await newPage();
    await signIn(page);
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Inbox' }).click();
    const why = page.getByRole('list', { name: 'Why Dorothy Hodgkin needs attention' });
    await why.getByText('Is there parking near the clinic?', { exact: false }).waitFor();
    assert.equal(await why.getByText('Can my daughter come in with me?', { exact: false }).count(), 0, 'the reply dealt with is not quoted');
    await saveScreenshot(page, 'inbox-reply-words');
    await page.getByRole('link', { name: 'Dorothy Hodgkin' }).click();
    await page.getByRole('heading', { name: 'Dorothy Hodgkin' }).waitFor();
    const needs = page.getByRole('alert').filter({ hasText: 'Why this needs you' });
    await needs.getByText('Is there parking near the clinic?', { exact: false }).waitFor();
    assert.equal(await needs.getByText('Can my daughter come in with me?', { exact: false }).count(), 0);
  });

  it('refuses a reply to a patient who opted out, beside the reply box', async () => {
    await book(clinic, 'Rosalind Franklin', DateTime.now().plus({ hours: 5 }));
    const page = await newPage();
    await signIn(page);
    await openPhone(page, 'Rosalind Franklin');
    await page.getByLabel("Patient's reply").fill('STOP');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('log', { name: /^Messages on / }).getByText('STOP', { exact: true }).waitFor();

    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Today' }).click();
    await page.getByRole('link', { name: 'Rosalind Franklin' }).click();
    await page.getByLabel('Reply to Rosalind Franklin').fill('Please call us back.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    // The refusal sits under the reply box; the timeline may also show the opt-out itself by now.
    await page.getByText('This patient has opted out of messages', { exact: false }).waitFor();
    assert.equal(await page.getByLabel('Reply to Rosalind Franklin').inputValue(), 'Please call us back.', 'the text is kept');
    await saveScreenshot(page, 'reply-refused-opted-out');
  });

  it('marks a visit that has started as attended', async () => {
    const externalId = await book(clinic, 'Marie Curie', DateTime.now().minus({ minutes: 5 }));
    const page = await newPage();
    await signIn(page);
    await page.goto(`${appUrl}appointments/${externalId}`);
    await page.getByRole('heading', { name: 'Marie Curie' }).waitFor();
    await page.getByRole('button', { name: 'Mark attended' }).click();
    await page.getByText('Attended', { exact: true }).first().waitFor();
    await page.getByRole('button', { name: 'Mark attended' }).waitFor({ state: 'detached' });
    await saveScreenshot(page, 'appointment-attended');
  });

  it("keeps another clinic's appointment out of reach by its address", async () => {
    const theirs = await book(otherClinic, 'Someone Elsewhere', DateTime.now().plus({ days: 2 }));
    const page = await newPage();
    await signIn(page);
    await page.goto(`${appUrl}appointments/${theirs}`);
    await page.getByRole('heading', { name: 'Appointment not found' }).waitFor();
    assert.equal(await page.getByText('Someone Elsewhere').count(), 0);
    await saveScreenshot(page, 'other-clinic-not-found');
  });

  it("works at a phone's width", async () => {
    await book(clinic, 'Katherine Johnson', DateTime.now().setZone(clinic.timeZone).plus({ hours: 1 }));
    const page = await newPage({ width: 390, height: 844 });
    await signIn(page);
    const card = page.getByRole('link', { name: 'Katherine Johnson' });
    await card.waitFor();
    const overflow = () => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    assert.equal(await overflow(), 0, 'Today fits the width');
    await saveScreenshot(page, 'phone-today');

    await page.getByRole('button', { name: 'Open the navigation' }).click();
    await page.getByRole('link', { name: 'Inbox' }).click();
    await page.getByRole('heading', { name: 'Needs attention' }).waitFor();
    await navigationClosed(page);
    assert.equal(await overflow(), 0, 'the inbox fits the width');
    await saveScreenshot(page, 'phone-inbox');

    await page.goBack();
    await card.click();
    await page.getByRole('heading', { name: 'Katherine Johnson' }).waitFor();
    await page.getByRole('log').getByText('is booked for').waitFor();
    assert.equal(await overflow(), 0, 'the appointment fits the width');
    await assertAccessible(page, 'the appointment page at a phone width');
    await saveScreenshot(page, 'phone-appointment');

    await page.getByRole('button', { name: 'Open the navigation' }).click();
    await page.getByRole('link', { name: 'Patient phone' }).click();
    await page.getByRole('combobox', { name: 'Phone' }).waitFor();
    await navigationClosed(page);
    assert.equal(await overflow(), 0, 'the patient phone fits the width');
    await assertAccessible(page, 'the patient phone at a phone width');
    await saveScreenshot(page, 'phone-patient-phone');
  });

  it('passes an accessibility check on every page of the navigation', async () => {
    const page = await newPage();
    await signIn(page);
    const nav = page.getByRole('navigation', { name: 'Pages' });
    const names = await nav.getByRole('link').allInnerTexts();
    assert.ok(names.length >= 2, `navigation: ${names.join(', ')}`);
    for (const name of names) {
      const label = name.split('\n')[0].trim();
      await nav.getByRole('link', { name: label }).click();
      await page.getByRole('heading', { level: 1 }).waitFor();
      // Let the page's data arrive: no loader left.
      await page.locator('.mantine-Loader-root').waitFor({ state: 'detached' });
      await assertAccessible(page, `the ${label} page`);
      await saveScreenshot(page, `page-${label.toLowerCase().replace(/\W+/g, '-')}`);
    }
    await page.goto(`${appUrl}no-such-page`);
    await page.getByRole('heading', { name: 'No such page' }).waitFor();
    await assertAccessible(page, 'the not-found page');
  });
});
