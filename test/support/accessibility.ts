// The browser suites' accessibility check: axe-core (WCAG 2.1 A and AA) on the page as a person sees
// it at rest, failing on any serious or critical violation.
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** What the wait reads in the page (the tests compile without the DOM's types). */
interface BrowserWindow {
  document: { getAnimations(): { playState: string }[] };
}

export async function assertAccessible(page: Page, what: string): Promise<void> {
  // The resting page: not the hover colour of whatever was clicked last, nor a dialog still fading
  // in over its backdrop (its colours are half-blended until its transition ends).
  await page.mouse.move(0, 0);
  await page.waitForFunction(() => (globalThis as unknown as BrowserWindow).document.getAnimations().every((a) => a.playState !== 'running'));
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')} ${n.any.map((c) => c.message).join(' ')}`).join(', ')}`),
    [],
    `accessibility of ${what}`,
  );
}
