// End to end, in Chromium against a real `lpstudio serve`: a 100k-line paste is checked in slices,
// the status bar counting up with "checking… N%" while the page keeps handling clicks (a drawer
// opens meanwhile), and a character typed at the end is counted in the end; and the views split off the
// bundle load only when opened (the data browser's chunk, with the chart, is requested after the
// click on "Data", not before). Screenshots: test-output/e2e/big-*.png.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, startServer, type RunningServer } from '../support/serve.js';
import { launchBrowser, shot, signIn } from './support/browser.js';

let server: RunningServer;
let browser: Browser;
let page: Page;
const scripts: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('request', (r) => {
    if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await signIn(page, server.url, server.token);
});

afterAll(async () => {
  await browser?.close();
  await cleanup();
});

const LINES = 100_000;

describe('a big document in the editor', () => {
  it('is checked in slices after a paste: progress shown, a click handled meanwhile, the final counts include a key typed since', async () => {
    const editor = page.getByLabel('Line protocol');
    await editor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    // The status texts as they change, recorded in the page (a test's polling could miss the short ones).
    await page.evaluate(() => {
      const w = window as unknown as { statuses: string[] };
      w.statuses = [];
      const status = document.querySelector('[role="status"][aria-label="Editor status"]')!;
      const progress = document.querySelector('[aria-label="Check progress"]')!;
      const note = () => w.statuses.push(`${status.textContent} | ${progress.textContent}`);
      new MutationObserver(note).observe(status.parentElement!, { subtree: true, childList: true, characterData: true });
    });
    await page.evaluate((lines) => {
      const out = new Array<string>(lines);
      for (let i = 0; i < lines; i++) out[i] = `cpu,host=h${i % 10} usage_user=${i % 100}.5,usage_idle=${i}i ${1_700_000_000_000_000_000n + BigInt(i)}`;
      const dt = new DataTransfer();
      dt.setData('text/plain', out.join('\n'));
      document.querySelector('.cm-content')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, LINES);
    const progress = page.getByLabel('Check progress');
    await progress.filter({ hasText: /^checking… \d+%$/ }).waitFor({ timeout: 60_000 });
    // While it checks: a click opens the history drawer (what the check said when the click
    // arrived is noted in the page), and a key typed at the end of the text (it breaks the last
    // line's timestamp) is taken in.
    await page.evaluate(() => {
      const w = window as unknown as { atClick: string };
      const button = [...document.querySelectorAll('button')].find((b) => b.textContent === 'History')!;
      button.addEventListener('click', () => (w.atClick = document.querySelector('[aria-label="Check progress"]')!.textContent ?? ''), { capture: true, once: true });
    });
    await page.getByRole('button', { name: 'History' }).click();
    const history = page.getByRole('dialog', { name: 'History' });
    await history.waitFor();
    await shot(page, 'big-checking');
    const stillChecking = await page.evaluate(() => (window as unknown as { atClick: string }).atClick);
    await page.keyboard.press('Escape');
    await history.waitFor({ state: 'detached' });
    await editor.click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.type('x');
    const status = page.getByRole('status', { name: 'Editor status' });
    await status.filter({ hasText: /^100,000 lines · 99,999 points · 1 error · 0 warnings$/ }).waitFor({ timeout: 120_000 });
    await expect.poll(async () => (await progress.textContent()) ?? '', { timeout: 30_000 }).not.toContain('checking');
    await shot(page, 'big-checked');
    // The lines in view are highlighted (tokens in spans of their own), there at the end of 100k lines.
    await expect.poll(() => page.locator('.cm-line span', { hasText: /^cpu$/ }).count()).toBeGreaterThan(5);
    expect(await page.locator('.cm-line span', { hasText: /^usage_idle$/ }).count()).toBeGreaterThan(5);
    const statuses = await page.evaluate(() => (window as unknown as { statuses: string[] }).statuses);
    // Partial counts came first, growing slice by slice, shown with the share checked so far.
    const lineCounts = statuses.map((st) => Number(/^([\d,]+) lines?/.exec(st)?.[1].replace(/,/g, '') ?? 'NaN'));
    const partial = lineCounts.filter((n) => n > 0 && n < LINES);
    expect(partial.length).toBeGreaterThanOrEqual(2);
    expect(partial.every((n, i) => i === 0 || n >= partial[i - 1])).toBe(true);
    expect(new Set(partial).size).toBeGreaterThanOrEqual(2);
    expect(statuses.some((st) => /^[\d,]+ lines · .* \| checking… \d+%$/.test(st))).toBe(true);
    // The click was handled while the check was still under way (its slices, or the cross-line
    // checks that follow them): the page was not blocked by it.
    expect(stillChecking).toMatch(/^checking…/);
    expect(pageErrors).toEqual([]);
  });

  it('loads the data browser (and its chart) only when it is opened', async () => {
    const before = [...scripts];
    expect(before.some((s) => /\/assets\/index-[^/]+\.js$/.test(s))).toBe(true);
    expect(before.filter((s) => /DataDrawer/.test(s))).toEqual([]);
    await page.getByRole('button', { name: 'Data' }).click();
    const drawer = page.getByRole('dialog', { name: 'Data' });
    await drawer.waitFor();
    expect(scripts.filter((s) => /\/assets\/DataDrawer-[^/]+\.js$/.test(s))).toHaveLength(1);
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    // Opened again: nothing loads twice.
    await page.getByRole('button', { name: 'Data' }).click();
    await drawer.waitFor();
    expect(scripts.filter((s) => /DataDrawer/.test(s))).toHaveLength(1);
    expect(scripts.filter((s) => /InspectorDrawer|FileUploadModal/.test(s))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
