// End to end, the composer's text tools against a real `lpstudio serve`: placeholders (${now}
// sent in seconds is stored at the clock's time; an unknown variable is an error at its place
// and blocks the send until the Environment defines it; Copy as curl shows the resolved body),
// Convert timestamps (dialog and quick fix), Insert and Fill timestamps, Generate with a seed,
// Format document. Screenshots: test-output/e2e/tools-*.png.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choose, closeSignedIn, openSignedIn, setEditorText, shot, waitForStatus } from './support/browser.js';
import { editorText, savedWorkspace, storedPoints } from './support/workbench.js';

let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  ({ browser, page } = await openSignedIn());
  page.on('pageerror', (e) => pageErrors.push(e.message));
});
afterAll(() => closeSignedIn({ browser }));

const tool = async (name: string | RegExp) => {
  await page.getByRole('button', { name: 'Tools', exact: true }).click();
  await page.getByRole('menuitem', { name }).click();
};
const send = async () => {
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect.poll(async () => (await page.getByTestId('response-status').textContent()) ?? '', { timeout: 15_000 }).toMatch(/^204/);
};
const problems = () => page.getByLabel('Problems');
const outcome = () => page.getByRole('status', { name: 'Tool outcome' });

describe('placeholders', () => {
  it('${now} sent with precision s is stored within 60 s of the clock', async () => {
    await expect.poll(() => page.locator('input').and(page.getByLabel('Database', { exact: true })).inputValue(), { timeout: 10_000 }).toBe('default');
    await choose(page, 'Precision', /Seconds \(s\)/);
    await setEditorText(page, 'ph_now,src=e2e v=1 ${now}');
    // Checked after substitution: no error for the placeholder in the timestamp's place.
    await waitForStatus(page, /1 point · 0 errors · 0 warnings/);
    await page.locator('.lp-placeholder', { hasText: '${now}' }).hover();
    const tip = page.locator('.cm-placeholder-tooltip');
    await tip.waitFor();
    expect(await tip.textContent()).toMatch(/^\$\{now\} = \d{10} \(s\)$/);
    await shot(page, 'tools-placeholder-hover');
    await page.mouse.move(0, 0);
    await send();
    const [p] = await storedPoints(page, 'default', 'ph_now');
    expect(Math.abs(Number(BigInt(p.time) / 1_000_000_000n) - Date.now() / 1000)).toBeLessThan(60);
  });

  it('an unknown variable is an error at its position; the send names it and sends nothing; the Environment defines it; curl shows the resolved body', async () => {
    await setEditorText(page, 'ph_var,host=${host} v=1 ${now-1h}');
    await waitForStatus(page, /1 error/);
    expect(await problems().textContent()).toMatch(/Line 1, column 13.*unknown variable \$\{host\}/);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(async () => (await page.getByRole('region', { name: 'Response' }).textContent()) ?? '').toMatch(/Not sent: line 1, column 13: unknown variable \$\{host\}/);
    await shot(page, 'tools-placeholder-unknown');
    await tool('Environment…');
    const env = page.getByRole('dialog', { name: 'Environment' });
    await env.getByLabel('Variables (name=value, one per line)').fill('host=server-7');
    await env.getByRole('button', { name: 'Save variables' }).click();
    await env.waitFor({ state: 'detached' });
    await waitForStatus(page, /1 point · 0 errors · 0 warnings/);
    await page.getByRole('button', { name: 'Copy as curl' }).click();
    await expect.poll(() => page.getByLabel('curl command').inputValue()).toMatch(/ph_var,host=server-7 v=1 \d{10}/);
    await page.keyboard.press('Escape');
    await send();
    const [p] = await storedPoints(page, 'default', 'ph_var');
    expect(p.series).toBe('ph_var,host=server-7');
    expect(Math.abs(Number(BigInt(p.time) / 1_000_000_000n) - (Date.now() / 1000 - 3600))).toBeLessThan(60);
    // The variables are kept with the session.
    await expect.poll(async () => (await savedWorkspace(page)).environments).toEqual({ local: { host: 'server-7' } });
  });
});

describe('timestamp tools', () => {
  it('Convert timestamps… from ms to ns clears the precision warning and the points land on the right date', async () => {
    await choose(page, 'Precision', /Nanoseconds/);
    await setEditorText(page, 'conv,k=a v=1 1700000000000\nconv,k=b v=2 1700000060000');
    await waitForStatus(page, /2 points · 0 errors · 2 warnings/);
    expect(await problems().textContent()).toMatch(/looks like milliseconds/);
    await tool('Convert timestamps…');
    const dialog = page.getByRole('dialog', { name: 'Convert timestamps' });
    await choose(page, 'From', /Milliseconds/);
    await choose(page, 'To', /Nanoseconds/);
    await shot(page, 'tools-convert-dialog');
    await dialog.getByRole('button', { name: 'Convert' }).click();
    await waitForStatus(page, /2 points · 0 errors · 0 warnings/);
    expect(await editorText(page)).toBe('conv,k=a v=1 1700000000000000000\nconv,k=b v=2 1700000060000000000');
    expect(await outcome().textContent()).toContain('Converted 2 timestamps from ms to ns');
    await send();
    const points = await storedPoints(page, 'default', 'conv');
    expect(points.map((p) => new Date(Number(BigInt(p.time) / 1_000_000n)).toISOString())).toEqual(['2023-11-14T22:13:20.000Z', '2023-11-14T22:14:20.000Z']);
    // Undo takes the whole conversion back in one step.
    await page.getByLabel('Line protocol').click();
    await page.keyboard.press('Control+Z');
    expect(await editorText(page)).toBe('conv,k=a v=1 1700000000000\nconv,k=b v=2 1700000060000');
  });

  it("the warning's quick fix converts the whole document in one action", async () => {
    await setEditorText(page, 'qf v=1 1700000000\nqf v=2 1700000001');
    await waitForStatus(page, /2 warnings/);
    await page.locator('.cm-lintRange-warning').first().hover();
    await page.getByRole('button', { name: 'Convert timestamps s → ns' }).click();
    await waitForStatus(page, /0 errors · 0 warnings/);
    expect(await editorText(page)).toBe('qf v=1 1700000000000000000\nqf v=2 1700000001000000000');
  });

  it('Insert timestamp puts now in the precision at the cursor; Fill missing timestamps gives the others start, start + interval, …', async () => {
    await choose(page, 'Precision', /Seconds \(s\)/);
    await setEditorText(page, 'ins v=1 ');
    await tool('Insert timestamp');
    const t = Number(/^ins v=1 (\d+)$/.exec(await editorText(page))![1]);
    expect(Math.abs(t - Date.now() / 1000)).toBeLessThan(60);
    await setEditorText(page, 'fill v=1\nfill v=2 5\nfill v=3');
    await tool('Fill missing timestamps…');
    const dialog = page.getByRole('dialog', { name: 'Fill missing timestamps' });
    await dialog.getByLabel('Start (UTC)').fill('2026-01-01T00:00:00Z');
    await dialog.getByLabel('Interval').fill('1m');
    await dialog.getByRole('button', { name: 'Fill' }).click();
    expect(await editorText(page)).toBe('fill v=1 1767225600\nfill v=2 5\nfill v=3 1767225660');
  });
});

describe('Generate and Format', () => {
  const generateOnce = async () => {
    await tool('Generate…');
    const dialog = page.getByRole('dialog', { name: 'Generate sample data' });
    await dialog.getByLabel('Count').fill('1000');
    await dialog.getByLabel('Seed').fill('7');
    await dialog.getByLabel('Start (UTC)').fill('2026-01-01T00:00:00Z');
    await dialog.getByLabel('Interval').fill('10s');
    await dialog.getByRole('button', { name: 'Generate' }).click();
    await dialog.waitFor({ state: 'detached' });
  };

  it('Generate… 1,000 points with a seed inserts the same text twice, as valid line protocol', async () => {
    await generateOnce();
    await page.getByRole('tab', { name: 'Generated 1' }).waitFor();
    await waitForStatus(page, /1,000 lines · 1,000 points · 0 errors · 0 warnings/);
    await shot(page, 'tools-generated');
    await generateOnce();
    await page.getByRole('tab', { name: 'Generated 2' }).waitFor();
    await waitForStatus(page, /1,000 points · 0 errors · 0 warnings/);
    const texts = async () => Object.fromEntries((await savedWorkspace(page)).documents.map((d) => [d.name, d.text]));
    await expect.poll(async () => Object.keys(await texts())).toContain('Generated 2');
    const t = await texts();
    expect(t['Generated 1'].split('\n')).toHaveLength(1001);
    expect(t['Generated 2']).toBe(t['Generated 1']);
    expect(t['Generated 1'].split('\n')[0]).toMatch(/^cpu,host=server-\d,region=(eu|us) usage=[\d.]+,requests=\d+i,healthy=(true|false) 1767225600$/);
  });

  it('Format document sorts tags (undoable) and lists what changed', async () => {
    await page.getByRole('button', { name: 'New document' }).click();
    await setEditorText(page, 'fmt,zone=b,host=a,az=c  v=1.50 1\n# kept\nfmt,a=1 v=2 2');
    await tool('Format document');
    expect(await editorText(page)).toBe('fmt,az=c,host=a,zone=b v=1.50 1\n# kept\nfmt,a=1 v=2 2');
    expect(await outcome().textContent()).toContain('Formatted 1 line');
    expect(await page.getByRole('list', { name: 'What Format changed' }).textContent()).toContain('line 1: + fmt,az=c,host=a,zone=b v=1.50 1');
    await shot(page, 'tools-format');
    await page.getByLabel('Line protocol').click();
    await page.keyboard.press('Control+Z');
    expect(await editorText(page)).toBe('fmt,zone=b,host=a,az=c  v=1.50 1\n# kept\nfmt,a=1 v=2 2');
  });

  it('the page threw no errors along the way', () => {
    expect(pageErrors).toEqual([]);
  });
});
