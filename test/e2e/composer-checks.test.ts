// End to end, checks that match the target, in Chromium against a real `lpstudio serve`: CRLF
// is accepted by this app's endpoint (a warning naming InfluxDB 2.x; the send stores the points;
// the inspector agrees) and refused by a 2.x target (an error); the missing-comma fix comes
// first; "Set precision to ms" sets the composer's precision; the upload dialog's own precision
// and target re-check the file, group its problems and fix them all; a CRLF file to this endpoint
// has no errors. Screenshots: test-output/e2e/checks-*.png.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, makeTempDir, startServer, type RunningServer } from '../support/serve.js';
import { choose, launchBrowser, pasteText, setEditorText, shot as saveShot, signIn, waitForStatus } from './support/browser.js';

let server: RunningServer;
let browser: Browser;
let page: Page;
let dir: string;
const pageErrors: string[] = [];
const shot = (n: string) => saveShot(page, `checks-${n}`);
const problems = () => page.getByLabel('Problems');
const response = () => page.getByRole('region', { name: 'Response' });

/** A call of the app API from the signed-in page (its session cookie). */
async function call<T>(method: string, input: unknown): Promise<T> {
  return (await page.evaluate(
    async ([m, i]) => {
      const r = await fetch(`/app-api/${m}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(i) });
      if (!r.ok) throw new Error(`${m}: ${r.status} ${await r.text()}`);
      return (await r.json()) as unknown;
    },
    [method, input] as const,
  )) as T;
}

/** Stored points of a measurement of the bucket `default`: [time, first field's value]. */
async function stored(measurement: string): Promise<[string, unknown][]> {
  const buckets = await call<{ id: string; name: string }[]>('listBuckets', {});
  const bucketId = buckets.find((b) => b.name === 'default')!.id;
  const r = await call<{ points: { time: string; fields: { value: unknown }[] }[] }>('readPoints', { bucketId, measurement, limit: 100 });
  return r.points.map((p): [string, unknown] => [p.time, p.fields[0].value]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}


/** Picks a file as the "Upload file" button's picker does (its file input; Ctrl+U is covered in file-upload.test.ts). */
async function pickFile(file: string) {
  await page.getByLabel('Line-protocol file').setInputFiles(file);
}

async function closeDialog() {
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
}

const summaryRow = async (dialog: ReturnType<Page['getByRole']>, k: string) =>
  (await dialog.getByRole('table', { name: 'File summary' }).locator('tr', { has: page.getByRole('rowheader', { name: k, exact: true }) }).locator('td').textContent()) ?? '';

const CRLF_TEXT = 'crlf,host=a v=1 1700000000000000000\r\ncrlf,host=b v=2 1700000001000000000\r\n';

beforeAll(async () => {
  server = await startServer();
  dir = makeTempDir('lpstudio-checks-');
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await signIn(page, server.url, server.token);
  // A saved connection of kind InfluxDB 2.x (nothing listens there: only its rules matter here).
  await call('saveProfile', { id: 'remote-v2', name: 'Remote 2.x', url: 'http://127.0.0.1:9', kind: 'influxdb2', org: 'acme', bucket: 'metrics', precision: 'ns', auth: 'none' });
  await page.reload();
  await page.getByLabel('Line protocol').waitFor();
});
afterAll(async () => {
  await browser?.close();
  await cleanup();
});

describe('checks that match the target', () => {
  it("CRLF to this app's endpoint: points counted, 0 errors, a warning naming InfluxDB 2.x; Send → 204, both points stored; the inspector agrees", async () => {
    await setEditorText(page, '');
    await pasteText(page, CRLF_TEXT);
    await waitForStatus(page, /2 lines · 2 points · 0 errors · 2 warnings/);
    await expect.poll(async () => (await problems().textContent()) ?? '').toContain('accepted here, refused by InfluxDB 2.x');
    expect(await page.locator('.cm-lintRange-error').count()).toBe(0);
    await shot('01-crlf-endpoint-warning');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(async () => (await response().textContent()) ?? '', { timeout: 15_000 }).toMatch(/204 No Content/);
    expect(await stored('crlf')).toEqual([
      ['1700000000000000000', 1],
      ['1700000001000000000', 2],
    ]);

    await page.getByRole('button', { name: 'Inspector' }).click();
    const drawer = page.getByRole('dialog', { name: 'Request inspector' });
    await drawer.waitFor();
    await page.getByRole('button', { name: /204\s*POST \/write/ }).first().click();
    const body = page.getByRole('region', { name: 'Request body' });
    await expect.poll(async () => (await body.textContent()) ?? '').toMatch(/warning Line 1, column \d+: line ends with CRLF .*accepted here, refused by InfluxDB 2\.x/);
    expect((await body.textContent()) ?? '').not.toMatch(/error Line/);
    await shot('02-crlf-inspector');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
  });

  it('CRLF to a saved InfluxDB 2.x connection: an error on each line', async () => {
    await choose(page, 'Target', 'Remote 2.x');
    await setEditorText(page, '');
    await pasteText(page, CRLF_TEXT);
    await waitForStatus(page, /2 lines · 0 points · 2 errors/);
    await shot('03-crlf-v2-error');
    await choose(page, 'Target', "This app's endpoint");
    await waitForStatus(page, /2 points · 0 errors · 2 warnings/);
  });

  it('missing comma: the first quick fix inserts it, and the line is clean', async () => {
    await setEditorText(page, 'disk host=a free=1');
    await waitForStatus(page, /1 error/);
    await page.locator('.cm-lintRange-error').first().hover();
    const tooltip = page.locator('.cm-tooltip-lint');
    await tooltip.waitFor();
    const actions = tooltip.locator('button');
    expect(await actions.allTextContents()).toEqual(['Insert a comma: make host=a a tag', 'Escape the space']);
    await shot('04-comma-fix-menu');
    await actions.first().click();
    await waitForStatus(page, /1 point · 0 errors · 0 warnings/);
    expect(await page.locator('.cm-content').textContent()).toBe('disk,host=a free=1');
    expect(await page.locator('.cm-lintRange-error, .cm-lintRange-warning').count()).toBe(0);
  });

  it('"Set precision to ms" from a precision warning sets the precision control, and the warning goes', async () => {
    await page.mouse.move(0, 0);
    await setEditorText(page, 'cpu v=1 1700000000000');
    await waitForStatus(page, /1 point · 0 errors · 1 warning/);
    expect(await page.locator('input').and(page.getByLabel('Precision', { exact: true })).inputValue()).toBe('Nanoseconds (ns)');
    await page.locator('.cm-lintRange-warning').first().hover();
    await page.locator('.cm-tooltip-lint').waitFor();
    await shot('05-precision-fix');
    await page.getByRole('button', { name: 'Set precision to ms' }).click();
    await waitForStatus(page, /1 point · 0 errors · 0 warnings/);
    expect(await page.locator('input').and(page.getByLabel('Precision', { exact: true })).inputValue()).toBe('Milliseconds (ms)');
    expect(await page.locator('.cm-content').textContent()).toBe('cpu v=1 1700000000000');
    await choose(page, 'Precision', /Nanoseconds \(ns\)/);
  });
});

describe('the upload dialog acts on what it finds', () => {
  it('millisecond timestamps: grouped warnings ×5; "fix all" sets the upload precision to ms, the warnings go, the points land at the right times', async () => {
    const file = path.join(dir, 'ms.lp');
    const ms = Array.from({ length: 5 }, (_, i) => 1700000000000 + i * 1000);
    writeFileSync(file, ms.map((t, i) => `msfile,host=a v=${i} ${t}`).join('\n') + '\n');
    await pickFile(file);
    const dialog = page.getByRole('dialog', { name: 'Upload ms.lp' });
    const groups = dialog.getByRole('list', { name: 'Problems by kind' });
    await expect.poll(async () => (await groups.textContent()) ?? '', { timeout: 15_000 }).toMatch(/warning ×5timestamp looks like milliseconds/);
    expect(await summaryRow(dialog, 'Warnings')).toBe('5');
    const precision = dialog.locator('input').and(dialog.getByLabel('Precision', { exact: true }));
    expect(await precision.inputValue()).toBe('Nanoseconds (ns)');
    await shot('06-upload-ms-warnings');
    await dialog.getByRole('button', { name: 'Fix all: set precision to ms' }).click();
    await expect.poll(() => summaryRow(dialog, 'Warnings'), { timeout: 15_000 }).toBe('0');
    expect(await precision.inputValue()).toBe('Milliseconds (ms)');
    expect(await groups.count()).toBe(0);
    expect(await summaryRow(dialog, 'Time range')).toBe('2023-11-14T22:13:20Z to 2023-11-14T22:13:24Z');
    await shot('07-upload-ms-fixed');
    // The composer's precision is its own: still ns.
    expect(await page.locator('input').and(page.getByLabel('Precision', { exact: true })).first().inputValue()).toBe('Nanoseconds (ns)');
    await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
    const report = dialog.getByLabel('Upload report');
    await expect.poll(async () => (await report.textContent()) ?? '', { timeout: 15_000 }).toMatch(/^Done/);
    expect(await stored('msfile')).toEqual(ms.map((t, i) => [`${t}000000`, i]));
    await closeDialog();
  });

  it('changing the precision in the dialog re-checks the file', async () => {
    const file = path.join(dir, 'ms2.lp');
    writeFileSync(file, Array.from({ length: 5 }, (_, i) => `ms2 v=${i} ${1700000000000 + i}`).join('\n') + '\n');
    await pickFile(file);
    const dialog = page.getByRole('dialog', { name: 'Upload ms2.lp' });
    await expect.poll(() => summaryRow(dialog, 'Warnings'), { timeout: 15_000 }).toBe('5');
    await dialog.locator('input').and(dialog.getByLabel('Precision', { exact: true })).click();
    await page.getByRole('option', { name: /Milliseconds \(ms\)/ }).click();
    await expect.poll(() => summaryRow(dialog, 'Warnings'), { timeout: 15_000 }).toBe('0');
    expect(await dialog.getByText(/to This app's endpoint · database default · precision ms/).count()).toBe(1);
    await closeDialog();
  });

  it("a CRLF file to this app's endpoint: points counted, no errors; to InfluxDB 2.x: errors; uploaded here, all stored", async () => {
    const file = path.join(dir, 'crlf.lp');
    writeFileSync(file, Array.from({ length: 5 }, (_, i) => `crlffile,host=h${i} v=${i} ${1700000000000000000 + i * 1e9}\r\n`).join(''));
    await pickFile(file);
    const dialog = page.getByRole('dialog', { name: 'Upload crlf.lp' });
    await expect.poll(() => summaryRow(dialog, 'Points'), { timeout: 15_000 }).toBe('5');
    expect(await summaryRow(dialog, 'Errors')).toBe('0');
    expect(await summaryRow(dialog, 'Warnings')).toBe('5');
    const groups = dialog.getByRole('list', { name: 'Problems by kind' });
    expect((await groups.textContent()) ?? '').toMatch(/warning ×5.*accepted here, refused by InfluxDB 2\.x/);
    await shot('08-upload-crlf-endpoint');
    // The same file for the 2.x connection: refused there.
    await dialog.locator('input').and(dialog.getByLabel('Upload to', { exact: true })).click();
    await page.getByRole('option', { name: 'Remote 2.x' }).click();
    await expect.poll(() => summaryRow(dialog, 'Errors'), { timeout: 15_000 }).toBe('5');
    expect(await summaryRow(dialog, 'Points')).toBe('0');
    await shot('09-upload-crlf-v2');
    await dialog.locator('input').and(dialog.getByLabel('Upload to', { exact: true })).click();
    await page.getByRole('option', { name: "This app's endpoint" }).click();
    await expect.poll(() => summaryRow(dialog, 'Errors'), { timeout: 15_000 }).toBe('0');
    await dialog.getByLabel('Database').fill('default');
    await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
    const report = dialog.getByLabel('Upload report');
    await expect.poll(async () => (await report.textContent()) ?? '', { timeout: 15_000 }).toMatch(/^Done.*5 points written/);
    expect((await stored('crlffile')).map(([, v]) => v)).toEqual([0, 1, 2, 3, 4]);
    await shot('10-upload-crlf-done');
    await closeDialog();
  });

  it('the page threw no errors along the way', () => {
    expect(pageErrors).toEqual([]);
  });
});
