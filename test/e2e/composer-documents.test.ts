// End to end, the composer's documents in tabs against a real `lpstudio serve`: each tab keeps
// its own target, precision, text and answer and sends its own; unsaved dots, closing with a
// confirmation, middle-click, Ctrl+Alt+N, Ctrl+Tab; and the session comes back after a reload.
// Screenshots: test-output/e2e/documents-*.png.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../support/serve.js';
import { choose, closeSignedIn, openSignedIn, setEditorText, shot, waitForStatus } from './support/browser.js';
import { editorText, savedWorkspace, storedPoints } from './support/workbench.js';

let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  ({ server, browser, page } = await openSignedIn());
  page.on('pageerror', (e) => pageErrors.push(e.message));
});
afterAll(() => closeSignedIn({ browser }));

const tab = (name: string) => page.getByRole('tab', { name, exact: true });
const target = () => page.getByRole('combobox', { name: 'Target' });
const precision = () => page.locator('input').and(page.getByLabel('Precision', { exact: true }));
const responseStatus = () => page.getByTestId('response-status');

describe('documents in tabs', () => {
  it('two tabs with different targets and precisions each send their own', async () => {
    await expect.poll(() => page.locator('input').and(page.getByLabel('Database', { exact: true })).inputValue(), { timeout: 10_000 }).toBe('default');
    await setEditorText(page, 'tab_one,src=a v=1 1700000000000000000');
    await waitForStatus(page, /1 point · 0 errors/);
    // A second document, on a second target: this endpoint as an InfluxDB 2.x, precision s.
    await page.getByRole('button', { name: 'New document' }).click();
    await expect.poll(() => tab('Untitled 2').getAttribute('aria-selected')).toBe('true');
    expect(await editorText(page)).toBe('');
    await page.getByRole('button', { name: 'New connection' }).click();
    const m = page.getByRole('dialog', { name: 'Connection' });
    await m.getByLabel('Name').fill('Same endpoint as 2.x');
    await m.getByLabel('URL').fill(server.url);
    await m.locator('input').and(m.getByLabel('Kind', { exact: true })).click();
    await page.getByRole('option', { name: /2\.x/ }).click();
    await m.getByLabel('Organization').fill('lpstudio');
    await m.getByLabel('Bucket').fill('default');
    await m.getByLabel('Secret').fill(server.token);
    await m.getByLabel('Store it anyway').check();
    await m.getByRole('button', { name: 'Save connection' }).click();
    await m.waitFor({ state: 'hidden' });
    await expect.poll(() => target().inputValue()).toBe('Same endpoint as 2.x');
    await choose(page, 'Precision', /Seconds \(s\)/);
    await setEditorText(page, 'tab_two,src=b v=2 1700000001');
    await waitForStatus(page, /1 point · 0 errors · 0 warnings/);
    // Back to the first: its own target, precision and text.
    await tab('Untitled 1').click();
    await expect.poll(() => target().inputValue()).toBe("This app's endpoint");
    expect(await precision().inputValue()).toMatch(/Nanoseconds/);
    expect(await editorText(page)).toBe('tab_one,src=a v=1 1700000000000000000');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(async () => (await responseStatus().textContent()) ?? '').toMatch(/^204/);
    // The second has no answer yet; it sends its own text to its own target in seconds.
    await tab('Untitled 2').click();
    await expect.poll(() => target().inputValue()).toBe('Same endpoint as 2.x');
    expect(await precision().inputValue()).toMatch(/Seconds/);
    expect(await responseStatus().count()).toBe(0);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(async () => (await responseStatus().textContent()) ?? '').toMatch(/^204/);
    expect(await page.getByRole('region', { name: 'Response' }).textContent()).toContain('/api/v2/write?org=lpstudio&bucket=default&precision=s');
    await tab('Untitled 1').click();
    expect(await page.getByRole('region', { name: 'Response' }).textContent()).toMatch(/\/write\?db=default(?!&precision)/);
    await shot(page, 'documents-two-tabs-sent');
    // Each stored what it sent, at the right time.
    expect(await storedPoints(page, 'default', 'tab_one')).toEqual([{ time: '1700000000000000000', series: 'tab_one,src=a' }]);
    expect(await storedPoints(page, 'default', 'tab_two')).toEqual([{ time: '1700000001000000000', series: 'tab_two,src=b' }]);
  });

  it('a tab with unsaved changes shows a dot; undo back to the saved text clears it; each tab keeps its own undo history', async () => {
    await page.keyboard.press('Control+Alt+N');
    await expect.poll(() => tab('Untitled 3').getAttribute('aria-selected')).toBe('true');
    const dot = tab('Untitled 3').getByTestId('unsaved-dot');
    expect(await dot.count()).toBe(0);
    await page.getByLabel('Line protocol').click();
    await page.keyboard.type('third v=3');
    await dot.waitFor();
    await tab('Untitled 1').click();
    await tab('Untitled 3').click();
    await page.getByLabel('Line protocol').click();
    // The undo history came along with the tab: undoing the typing empties it and the dot goes.
    for (let i = 0; i < 10 && (await editorText(page)) !== ''; i++) await page.keyboard.press('Control+Z');
    expect(await editorText(page)).toBe('');
    await dot.waitFor({ state: 'detached' });
  });

  it('Ctrl+Tab and Ctrl+Shift+Tab move between tabs, wrapping around', async () => {
    await page.getByLabel('Line protocol').click();
    await page.keyboard.press('Control+Tab');
    await expect.poll(() => tab('Untitled 1').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Control+Shift+Tab');
    await expect.poll(() => tab('Untitled 3').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Control+Shift+Tab');
    await expect.poll(() => tab('Untitled 2').getAttribute('aria-selected')).toBe('true');
    // In the tab list itself, the arrow keys move (the tabs pattern).
    await tab('Untitled 2').focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => tab('Untitled 3').getAttribute('aria-selected')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Untitled 3');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => tab('Untitled 2').getAttribute('aria-selected')).toBe('true');
  });

  it('closing a tab with unsaved changes asks first; a clean one closes by middle-click', async () => {
    await tab('Untitled 3').click();
    await page.getByLabel('Line protocol').click();
    await page.keyboard.type('keep me');
    await page.getByRole('button', { name: 'Close Untitled 3' }).click();
    const ask = page.getByRole('dialog', { name: 'Unsaved changes' });
    await ask.waitFor();
    await shot(page, 'documents-close-confirm');
    await ask.getByRole('button', { name: 'Cancel' }).click();
    expect(await tab('Untitled 3').count()).toBe(1);
    await page.getByRole('button', { name: 'Close Untitled 3' }).click();
    await ask.getByRole('button', { name: 'Close without saving' }).click();
    await tab('Untitled 3').waitFor({ state: 'detached' });
    // A clean new tab goes with a middle-click, no question asked.
    await page.getByRole('button', { name: 'New document' }).click();
    await tab('Untitled 3').click({ button: 'middle' });
    await tab('Untitled 3').waitFor({ state: 'detached' });
    expect(await page.getByRole('tab').allTextContents()).toEqual(['Untitled 1', 'Untitled 2']);
  });
});

describe('the session', () => {
  it('comes back after a reload: both tabs, their text and choices, the active tab', async () => {
    await tab('Untitled 2').click();
    await setEditorText(page, 'tab_two,src=b v=2 1700000001\nunsaved v=9');
    await expect
      .poll(async () => (await savedWorkspace(page)).documents.map((d) => [d.name, d.text]), { timeout: 10_000 })
      .toEqual([
        ['Untitled 1', 'tab_one,src=a v=1 1700000000000000000'],
        ['Untitled 2', 'tab_two,src=b v=2 1700000001\nunsaved v=9'],
      ]);
    await page.reload();
    await page.getByLabel('Line protocol').waitFor({ state: 'visible' });
    expect(await page.getByRole('tab').allTextContents()).toEqual(['Untitled 1', 'Untitled 2']);
    await expect.poll(() => tab('Untitled 2').getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => editorText(page)).toBe('tab_two,src=b v=2 1700000001\nunsaved v=9');
    expect(await tab('Untitled 2').getByTestId('unsaved-dot').count()).toBe(1);
    await expect.poll(() => target().inputValue()).toBe('Same endpoint as 2.x');
    expect(await precision().inputValue()).toMatch(/Seconds/);
    await tab('Untitled 1').click();
    await expect.poll(() => editorText(page)).toBe('tab_one,src=a v=1 1700000000000000000');
    expect(await target().inputValue()).toBe("This app's endpoint");
    await shot(page, 'documents-after-reload');
  });

  it('is kept per signed-in user: a one-time link (another user) starts with its own', async () => {
    const ctx = await browser.newContext();
    const p2 = await ctx.newPage();
    const code = /#code=([A-Za-z0-9_-]+)/.exec(server.stdout())![1];
    await p2.goto(`${server.url}/#code=${code}`);
    await p2.getByLabel('Line protocol').waitFor();
    expect(await p2.getByRole('tab').allTextContents()).toEqual(['Untitled 1']);
    expect(await editorText(p2)).toMatch(/^# Type line protocol here/);
    await ctx.close();
  });

  it('the page threw no errors along the way', () => {
    expect(pageErrors).toEqual([]);
  });
});
