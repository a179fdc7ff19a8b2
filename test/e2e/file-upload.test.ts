// End to end: a generated 200 MB line-protocol file dropped on the window of a real `lpstudio
// serve` in Chromium: the summary, the first lines read-only, an upload with the progress bar
// moving, a cancel half-way that leaves exactly the acknowledged lines stored, an upload again
// and its final report. The store is read back through the app API after each step.
import { createWriteStream, writeFileSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type RunningServer } from '../support/serve.js';
import { closeSignedIn, openSignedIn, shot } from './support/browser.js';
import { dragFileOver } from './support/drag-file.js';

const TARGET_BYTES = 200 * 1000 * 1000;
const BASE_NS = 1_700_000_000_000_000_000n;
/** Line i (1-based) is one point, its own time: a second after the one before. */
const timeOf = (i: number) => (BASE_NS + BigInt(i) * 1_000_000_000n).toString();

let server: RunningServer;
let browser: Browser;
let page: Page;
let file: string;
let lines = 0;

async function generate(to: string): Promise<number> {
  const out = createWriteStream(to);
  let bytes = 0;
  let i = 0;
  while (bytes < TARGET_BYTES) {
    const parts: string[] = [];
    for (let k = 0; k < 5000 && bytes < TARGET_BYTES; k++) {
      i++;
      const line = `sensor,host=host-${i % 64},site=site-${i % 4} temperature=${(20 + (i % 100) / 7).toFixed(3)},humidity=${i % 100}i,status="ok",load=${((i % 17) / 3).toFixed(4)} ${timeOf(i)}\n`;
      bytes += line.length;
      parts.push(line);
    }
    if (!out.write(parts.join(''))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return i;
}

/** Drops a file on the app as a user's drag from the desktop does, with a look at the drag-over overlay before the drop. */
async function dropFile(p: Page, filePath: string): Promise<void> {
  const drag = await dragFileOver(p, '.lp-app', filePath);
  await p.getByText('Drop a .lp, .txt or .gz file to upload it').waitFor();
  await shot(p, 'file-drag-over');
  await drag.drop();
}

/** How many points the bucket's measurement holds, exactly: the last page that still has one. */
async function storedPoints(p: Page): Promise<{ count: (n: number) => Promise<boolean>; newest: () => Promise<string | undefined> }> {
  const call = (method: string, input: unknown) =>
    p.evaluate(
      async ([m, i]) => {
        const r = await fetch(`/app-api/${m}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(i) });
        return (await r.json()) as unknown;
      },
      [method, input] as const,
    );
  const buckets = (await call('listBuckets', {})) as { id: string; name: string }[];
  const bucketId = buckets.find((b) => b.name === 'default')!.id;
  const page1 = async (offset: number) => ((await call('readPoints', { bucketId, measurement: 'sensor', limit: 1, offset })) as { points: { time: string }[] }).points;
  return {
    /** True when exactly n points are stored. */
    count: async (n) => (n === 0 || (await page1(n - 1)).length === 1) && (await page1(n)).length === 0,
    newest: async () => (await page1(0))[0]?.time,
  };
}

beforeAll(async () => {
  file = path.join(makeTempDir('lpstudio-e2e-file-'), 'sensors.lp');
  lines = await generate(file);
  ({ server, browser, page } = await openSignedIn({ page: { viewport: { width: 1400, height: 1000 } } }));
}, 120_000);

afterAll(() => closeSignedIn({ browser }));

describe('file upload', () => {
  it('summarizes a dropped 200 MB file, uploads it with progress, cancels half-way with exactly the acknowledged lines stored, and uploads it again', async () => {
    await dropFile(page, file);
    const dialog = page.getByRole('dialog', { name: 'Upload sensors.lp' });
    await dialog.waitFor();

    // The summary: every line checked, its first lines in the read-only editor.
    const summary = dialog.getByRole('table', { name: 'File summary' });
    await summary.waitFor({ timeout: 120_000 });
    const row = async (k: string) => (await summary.locator('tr', { has: page.getByRole('rowheader', { name: k, exact: true }) }).locator('td').textContent()) ?? '';
    expect(await row('Lines')).toBe(lines.toLocaleString('en'));
    expect(await row('Points')).toBe(lines.toLocaleString('en'));
    expect(await row('Errors')).toBe('0');
    expect(await row('Measurements')).toBe('1: sensor');
    expect(await row('Time range')).toBe('2023-11-14T22:13:21Z to ' + new Date(Number((BASE_NS + BigInt(lines) * 1_000_000_000n) / 1_000_000n)).toISOString().replace('.000Z', 'Z'));
    expect(Number((await row('Size')).replace(' MB', ''))).toBeCloseTo(200, 0);
    const preview = dialog.getByLabel('File preview');
    await expect.poll(async () => ((await preview.textContent()) ?? '').length).toBeGreaterThan(1000);
    expect((await preview.textContent()) ?? '').toContain(`sensor,host=host-1,site=site-1 temperature=20.143,humidity=1i,status="ok",load=0.3333 ${timeOf(1)}`);
    await shot(page, 'file-summary');

    // Upload, watch the bar move, cancel half-way.
    await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
    const bar = dialog.getByRole('progressbar', { name: 'Upload progress' });
    await bar.waitFor();
    const seen = new Set<number>();
    for (;;) {
      const v = Number(await bar.getAttribute('aria-valuenow'));
      seen.add(v);
      if (v >= 40) break;
      await page.waitForTimeout(50);
    }
    await shot(page, 'file-uploading');
    await dialog.getByRole('button', { name: 'Cancel upload' }).click();
    expect([...seen].filter((v) => v > 0 && v < 100).length).toBeGreaterThanOrEqual(2);
    const report = dialog.getByLabel('Upload report');
    await report.waitFor({ timeout: 60_000 });
    const cancelled = (await report.textContent()) ?? '';
    expect(cancelled).toMatch(/^Cancelled/);
    const written = Number(/([\d,]+) points written/.exec(cancelled)![1].replace(/,/g, ''));
    const stored = /file lines 1–([\d,]+)\./.exec(cancelled);
    expect(stored, cancelled).not.toBeNull();
    const lastLine = Number(stored![1].replace(/,/g, ''));
    // Exactly the acknowledged lines, one point each: no more, no less, nothing after them.
    expect(written).toBe(lastLine);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(lines);
    const store = await storedPoints(page);
    expect(await store.count(written)).toBe(true);
    expect(await store.newest()).toBe(timeOf(lastLine));
    await shot(page, 'file-cancelled');

    // Again, to the end: the final report, and every point stored (the first part overwritten, not doubled).
    await dialog.getByRole('button', { name: 'Upload again' }).click();
    await expect.poll(async () => (await report.textContent()) ?? '', { timeout: 180_000, interval: 500 }).toMatch(/^Done/);
    const done = (await report.textContent()) ?? '';
    expect(done).toContain(`${lines.toLocaleString('en')} points written in ${Math.ceil(lines / 5000)} batches`);
    expect(await bar.getAttribute('aria-valuenow')).toBe('100');
    expect(await store.count(lines)).toBe(true);
    expect(await store.newest()).toBe(timeOf(lines));
    await shot(page, 'file-report');
  }, 400_000);

  it('picks a file with Ctrl+U, lists its bad lines, and uploads the rest with "skip invalid lines"', async () => {
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    const small = path.join(path.dirname(file), 'mixed.txt');
    const text = ['mixed,k=a v=1i 1700000000000000000', 'mixed,k=b v=2i 1700000001000000000', 'mixed,k=c v=oops 1700000002000000000', 'mixed,k=d v=4i 1700000003000000000', 'mixed v=5i 1700000004000000000 trailing', 'mixed,k=e v=6i 1700000005000000000'].join('\n') + '\n';
    writeFileSync(small, text);
    await page.getByLabel('Line protocol').click();
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('ControlOrMeta+U')]);
    await chooser.setFiles(small);
    const dialog = page.getByRole('dialog', { name: 'Upload mixed.txt' });
    const summary = dialog.getByRole('table', { name: 'File summary' });
    await summary.waitFor();
    expect(await summary.locator('tr', { has: page.getByRole('rowheader', { name: 'Errors', exact: true }) }).locator('td').textContent()).toBe('2');
    const problems = dialog.getByRole('list', { name: 'File problems' });
    expect(await problems.locator('li').allTextContents()).toEqual([
      expect.stringMatching(/^line 3:\d+: error: /),
      expect.stringMatching(/^line 5:\d+: error: /),
    ]);
    // The preview underlines the bad lines where they are.
    await expect.poll(() => dialog.getByLabel('File preview').locator('..').locator('.cm-lintRange-error, .cm-lintPoint-error').count()).toBeGreaterThanOrEqual(2);

    await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
    const report = dialog.getByLabel('Upload report');
    await expect.poll(async () => (await report.textContent()) ?? '').toMatch(/^Finished with problems/);
    const refused = (await report.textContent()) ?? '';
    expect(refused).toContain('0 points written in 1 batch (');
    expect(refused).toContain('batch 1 (lines 1-6): 400');
    expect(refused).toContain('tick “Skip invalid lines” and upload again');

    await dialog.getByLabel('Skip the 2 invalid lines').check();
    await dialog.getByRole('button', { name: 'Upload again' }).click();
    await expect.poll(async () => (await report.textContent()) ?? '').toContain('4 points written in 1 batch (');
    const skipped = (await report.textContent()) ?? '';
    expect(skipped).toMatch(/2 invalid lines skipped: line 3:\d+, line 5:\d+/);
    await shot(page, 'file-skip-invalid');
  });
});
