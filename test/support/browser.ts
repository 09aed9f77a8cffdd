// A real browser for the tests: the system's Chromium driven by playwright-core (nothing downloaded).
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
/** test-artifacts/screenshots in the source tree (this file runs from dist/test/support); gitignored. */
const SCREENSHOTS = path.resolve(__dirname, '../../../test-artifacts/screenshots');

export async function launchBrowser(): Promise<Browser> {
  // A browser test that cannot find its browser fails: skipping would pass without testing anything.
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it with \`apt-get install chromium\``);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** Saves the whole page as test-artifacts/screenshots/<name>.png; answers the file's path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
