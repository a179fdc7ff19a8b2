// End to end: an "InfluxDB 3" connection to this app's own endpoint (its /api/v3/write_lp). The
// editor checks with InfluxDB 3's rules; a partial write marks the line the server refused and
// the other lines are stored; Copy as curl gives the 3.x docs' form.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readBucket, type RunningServer } from '../support/serve.js';
import { choose, closeSignedIn, openSignedIn, setEditorText, shot as saveShot, waitForStatus } from './support/browser.js';
import { editorText, savedWorkspace, storedPoints } from './support/workbench.js';

let server: RunningServer;
let browser: Browser;
let page: Page;
const shot = (name: string) => saveShot(page, `influxdb3-${name}`);
const lastSend = () => page.getByRole('status', { name: 'Last send' });
const marked = () => page.locator('.cm-line.cm-server-error');
const problemItems = () => page.getByLabel('Problems').locator('li');
const tab = (name: string) => page.getByRole('tab', { name, exact: true });
const target = () => page.getByRole('combobox', { name: 'Target' });
const precision = () => page.locator('input').and(page.getByLabel('Precision', { exact: true }));
const note = () => page.getByRole('region', { name: 'What changes with this target' });
/** The shown document's Copy as curl command. */
async function curl(): Promise<string> {
  await page.getByRole('button', { name: 'Copy as curl' }).click();
  const c = page.getByLabel('curl command');
  await expect.poll(() => c.inputValue()).toMatch(/^curl/);
  const command = await c.inputValue();
  await page.keyboard.press('Escape');
  await c.waitFor({ state: 'hidden' });
  return command;
}

beforeAll(async () => {
  ({ server, browser, page } = await openSignedIn());
});

afterAll(() => closeSignedIn({ browser }));

it('a new InfluxDB 3 connection to this endpoint: database, token, precision auto, Accept partial writes and No sync controls', async () => {
  await page.getByRole('button', { name: 'New connection' }).click();
  const m = page.getByRole('dialog', { name: 'Connection' });
  await m.waitFor();
  await m.getByLabel('Name').fill('Local 3.x');
  await m.getByLabel('URL').fill(server.url);
  await m.locator('input').and(m.getByLabel('Kind', { exact: true })).click();
  await page.getByRole('option', { name: /InfluxDB 3/ }).click();
  await m.getByLabel('Database').fill('v3db');
  await m.getByLabel('Secret').fill(server.token);
  await m.getByRole('button', { name: 'Save connection' }).click();
  const store = m.getByLabel('Store it anyway');
  if (await store.isVisible().catch(() => false)) {
    await store.check();
    await m.getByRole('button', { name: 'Save connection' }).click();
  }
  await m.waitFor({ state: 'hidden' });
  await expect.poll(() => page.getByRole('combobox', { name: 'Target' }).inputValue()).toBe('Local 3.x');
  await expect.poll(() => page.locator('input').and(page.getByLabel('Precision', { exact: true })).inputValue()).toBe('Auto (by magnitude)');
  expect(await page.getByLabel('Accept partial writes').isChecked()).toBe(true);
  expect(await page.getByLabel('No sync').isChecked()).toBe(false);
  await shot('01-target');
});

it('switching the target between this endpoint (2.x rules) and InfluxDB 3 says which lines one refuses and the other accepts', async () => {
  await setEditorText(page, 'ok v=1 1700000000\ntrail v=1 \nm,t=a=b v=1 1700000000');
  const note = page.getByRole('region', { name: 'What changes with this target' });
  const target = page.getByRole('combobox', { name: 'Target' });
  await target.click();
  await page.getByRole('option', { name: "This app's endpoint" }).click();
  await expect.poll(async () => (await note.textContent()) ?? '').toContain("InfluxDB 3 refuses line 2, which this app's endpoint accepts; InfluxDB 3 accepts line 3, which this app's endpoint refuses.");
  await shot('02-switch-note');
  await target.click();
  await page.getByRole('option', { name: 'Local 3.x' }).click();
  await expect.poll(() => target.inputValue()).toBe('Local 3.x');
  await expect.poll(async () => (await note.textContent()) ?? '').toContain('InfluxDB 3 refuses line 2');
});

it("the editor checks with InfluxDB 3's rules: a field that changes type is an error with 3.x's text", async () => {
  await setEditorText(page, 'cpu,host=a v=1 1700000000\ncpu,host=b v="text" 1700000001\ncpu,host=c v=3 1700000002000');
  await waitForStatus(page, /1 error/);
  await expect.poll(async () => (await problemItems().allTextContents()).join('\n')).toContain("invalid column type for column 'v'");
  await shot('02-editor-rules');
});

it('a partial write: the refused line is marked with its reason, the other lines are stored', async () => {
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect.poll(async () => (await lastSend().textContent()) ?? '', { timeout: 15_000 }).toMatch(/^400/);
  expect(await lastSend().textContent()).toContain('2 of 3 points written; line 2 rejected');
  await expect.poll(() => marked().count()).toBe(1);
  expect(await page.locator('.cm-line').nth(1).getAttribute('class')).toContain('cm-server-error');
  await shot('03-partial-write');
});

it('Copy as curl is the 3.x docs’ form: /api/v3/write_lp, Authorization: Bearer, --data-raw', async () => {
  await page.getByRole('button', { name: 'Copy as curl' }).click();
  await expect.poll(() => page.getByLabel('curl command').inputValue()).toMatch(/^curl -v "http:\/\/127\.0\.0\.1:\d+\/api\/v3\/write_lp\?db=v3db&precision=auto" \\\n {2}--header "Authorization: Bearer \$INFLUX_TOKEN" \\\n {2}--data-raw 'cpu,host=a v=1 1700000000\n/);
  await shot('04-curl');
  await page.keyboard.press('Escape');
  await page.getByLabel('curl command').waitFor({ state: 'hidden' });
});

it('with Accept partial writes off, nothing is written and the line is marked', async () => {
  await page.getByLabel('Accept partial writes').uncheck();
  await setEditorText(page, 'strict v=1 1700000000\nstrict v="no" 1700000001');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect.poll(async () => (await lastSend().textContent()) ?? '', { timeout: 15_000 }).toMatch(/^400/);
  expect(await lastSend().textContent()).toMatch(/nothing was written/i);
  await expect.poll(() => marked().count()).toBe(1);
  await shot('05-strict');
});

it('two tabs, one on InfluxDB 3 (partial writes off, no sync on, ms) and one on a 2.x-rules target, each keep their own 3.x choices, notes and marks across tab switches and a reload', async () => {
  // The first tab (InfluxDB 3, partial writes off since the test before, its line 2 marked by the server): no sync on, precision ms.
  await expect.poll(() => target().inputValue()).toBe('Local 3.x');
  const firstText = await editorText(page);
  await page.getByLabel('No sync').check();
  await choose(page, 'Precision', /Milliseconds/);
  expect(await page.getByLabel('Accept partial writes').isChecked()).toBe(false);
  // A second tab (it starts with the first's choices): on InfluxDB 3 its own, the 3.x defaults; then on this app's endpoint (2.x rules).
  await page.getByRole('button', { name: 'New document' }).click();
  await expect.poll(() => tab('Untitled 2').getAttribute('aria-selected')).toBe('true');
  await page.getByLabel('Accept partial writes').check();
  await page.getByLabel('No sync').uncheck();
  await choose(page, 'Precision', /Auto/);
  await setEditorText(page, 'two v=1 1700000000000');
  await target().click();
  await page.getByRole('option', { name: "This app's endpoint" }).click();
  await expect.poll(() => target().inputValue()).toBe("This app's endpoint");
  expect(await page.getByLabel('No sync').count()).toBe(0);
  await expect.poll(async () => (await note().textContent()) ?? '').toContain("this app's endpoint and InfluxDB 3 take every line of this text alike");
  // Back on the first: its target, its choices, its own note and the server's mark, none of the second's.
  await tab('Untitled 1').click();
  await expect.poll(() => target().inputValue()).toBe('Local 3.x');
  expect(await editorText(page)).toBe(firstText);
  expect(await page.getByLabel('Accept partial writes').isChecked()).toBe(false);
  expect(await page.getByLabel('No sync').isChecked()).toBe(true);
  expect(await precision().inputValue()).toMatch(/Milliseconds/);
  expect(await note().textContent()).toContain('InfluxDB 3 refuses line 2');
  await expect.poll(() => marked().count()).toBe(1);
  await expect.poll(async () => (await problemItems().allTextContents()).join('\n')).toMatch(/server/);
  expect(await curl()).toContain('/api/v3/write_lp?db=v3db&precision=millisecond&accept_partial=false&no_sync=true"');
  await shot('06-tabs-own-choices');
  // The session keeps each document's choices.
  await expect
    .poll(async () => (await savedWorkspace(page)).documents.map((d) => [d.name, d.autoPrecision, d.acceptPartial, d.noSync, d.precision]), { timeout: 10_000 })
    .toEqual([
      ['Untitled 1', false, false, true, 'ms'],
      ['Untitled 2', true, true, false, 'ns'],
    ]);
  // After a reload: the same, tab by tab.
  await page.reload();
  await page.getByLabel('Line protocol').waitFor({ state: 'visible' });
  await expect.poll(() => target().inputValue(), { timeout: 10_000 }).toBe('Local 3.x');
  await expect.poll(() => page.getByLabel('No sync').isChecked()).toBe(true);
  expect(await page.getByLabel('Accept partial writes').isChecked()).toBe(false);
  expect(await precision().inputValue()).toMatch(/Milliseconds/);
  expect(await curl()).toContain('precision=millisecond&accept_partial=false&no_sync=true"');
  await tab('Untitled 2').click();
  await expect.poll(() => target().inputValue()).toBe("This app's endpoint");
  expect(await page.getByLabel('No sync').count()).toBe(0);
  // Its own 3.x choices come back when it moves to InfluxDB 3 again.
  await target().click();
  await page.getByRole('option', { name: 'Local 3.x' }).click();
  await expect.poll(() => page.getByLabel('Accept partial writes').isChecked()).toBe(true);
  expect(await page.getByLabel('No sync').isChecked()).toBe(false);
  await expect.poll(() => precision().inputValue()).toBe('Auto (by magnitude)');
  expect(await curl()).toMatch(/\/api\/v3\/write_lp\?db=v3db&precision=auto"/);
  await tab('Untitled 1').click();
  await expect.poll(() => page.getByLabel('No sync').isChecked()).toBe(true);
  await shot('07-tabs-after-reload');
});

it("a new tab on InfluxDB 3 takes the shown one's 3.x choices; its ${now} is sent resolved, in ms, with no_sync and accept_partial=false", async () => {
  await page.getByRole('button', { name: 'New document' }).click();
  await expect.poll(() => tab('Untitled 3').getAttribute('aria-selected')).toBe('true');
  expect(await page.getByLabel('No sync').isChecked()).toBe(true);
  expect(await page.getByLabel('Accept partial writes').isChecked()).toBe(false);
  await page.locator('input').and(page.getByLabel('Database', { exact: true })).fill('v3ph');
  await setEditorText(page, 'ph,src=e2e v=1 ${now}');
  await waitForStatus(page, /1 point · 0 errors/);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect.poll(async () => (await page.getByTestId('response-status').textContent()) ?? '', { timeout: 15_000 }).toMatch(/^204/);
  expect(await page.getByRole('region', { name: 'Response' }).textContent()).toContain('/api/v3/write_lp?db=v3ph&precision=millisecond&accept_partial=false&no_sync=true');
  const [p] = await storedPoints(page, 'v3ph', 'ph');
  expect(Math.abs(Number(BigInt(p.time) / 1_000_000n) - Date.now())).toBeLessThan(60_000);
});

it('the data browser says the database was created by an InfluxDB 3 write', async () => {
  await page.getByRole('button', { name: 'Data', exact: true }).click();
  await page.locator('input').and(page.getByLabel('Bucket', { exact: true })).click();
  await expect.poll(async () => await page.getByRole('option').allTextContents()).toContain('v3db (database created by an InfluxDB 3 write)');
  expect(await page.getByRole('option').allTextContents()).toContain('default');
  await shot('08-data-browser');
  await page.keyboard.press('Escape');
});

it('the database was created by the first write and holds exactly the accepted lines', async () => {
  await server.stop();
  const points = await readBucket(server.dataDir, 'v3db');
  expect(points.map((p) => [p.measurement, p.tags.host, p.time]).sort()).toEqual([
    ['cpu', 'a', '1700000000000000000'],
    ['cpu', 'c', '1700000002000000000'],
  ]);
});

