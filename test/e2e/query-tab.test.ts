// End to end: the data browser's Query tab runs InfluxQL on the endpoint's data (through the app
// API's runQuery): a GROUP BY time() query's table and chart, the syntax error marked at its
// character, highlighting, completion from the store, the history; and the Points view's InfluxQL
// selects what it shows.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer } from '../support/serve.js';
import { choose, closeSignedIn, openSignedIn, shot } from './support/browser.js';

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ server, browser, page } = await openSignedIn({ page: { viewport: { width: 1400, height: 1000 } } }));
  // 18 points per host, every 10 s from 2023-11-14T22:14:00Z: three whole minutes.
  const lines: string[] = [];
  for (let i = 0; i < 18; i++) {
    lines.push(`cpu,host=a usage=${i} ${1_700_000_040 + i * 10}`);
    lines.push(`cpu,host=b usage=${100 + i} ${1_700_000_040 + i * 10}`);
  }
  lines.push('disk,host=a,path=/ free=1i 1700000040');
  const res = await fetch(`${server.url}/write?db=default&precision=s`, { method: 'POST', headers: { Authorization: `Token ${server.token}` }, body: lines.join('\n') });
  expect(res.status).toBe(204);
});

afterAll(() => closeSignedIn({ browser }));

const drawer = () => page.getByRole('dialog', { name: 'Data' });
const editor = () => drawer().getByLabel('InfluxQL query');

async function typeQuery(text: string): Promise<void> {
  await editor().click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

const cells = async (table: Locator) => table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));

describe('query tab', () => {
  it('runs a GROUP BY time() query: the table has the means, the chart draws them', async () => {
    await page.getByRole('button', { name: 'Data' }).click();
    await drawer().waitFor();
    await drawer().getByRole('tab', { name: 'Query' }).click();
    await editor().waitFor();
    const q = `SELECT mean("usage") FROM "cpu" WHERE "host" =~ /a|b/ AND time >= '2023-11-14T22:14:00Z' AND time < '2023-11-14T22:17:00Z' GROUP BY time(1m)`;
    await typeQuery(q);
    // Highlighting by the InfluxQL scanner's tokens.
    const content = drawer().locator('.cm-content');
    expect(await content.locator('.cm-iql-keyword').first().textContent()).toBe('SELECT');
    expect(await content.locator('.cm-iql-function').allTextContents()).toEqual(['mean', 'time']);
    expect(await content.locator('.cm-iql-regex').allTextContents()).toEqual(['/a|b/']);
    expect(await content.locator('.cm-iql-string').allTextContents()).toEqual(["'2023-11-14T22:14:00Z'", "'2023-11-14T22:17:00Z'"]);
    expect(await content.locator('.cm-iql-duration').allTextContents()).toEqual(['1m']);
    expect(await content.locator('.cm-iql-identifier').allTextContents()).toEqual(['"usage"', '"cpu"', '"host"', 'time', 'time']);
    expect(await drawer().getByLabel('Syntax error').count()).toBe(0);

    await drawer().getByRole('button', { name: 'Run' }).click();
    const table = drawer().getByRole('table', { name: 'Series cpu' });
    await expect.poll(() => cells(table)).toEqual([
      ['2023-11-14T22:14:00Z', '52.5'],
      ['2023-11-14T22:15:00Z', '58.5'],
      ['2023-11-14T22:16:00Z', '64.5'],
    ]);
    expect(await table.locator('thead th').allTextContents()).toEqual(['time', 'mean']);
    // The chart: uPlot's legend names the series, its x scale spans the three windows, its canvas has ink.
    const chart = drawer().getByRole('img', { name: "Chart of the query's series" });
    await expect.poll(async () => (await chart.textContent()) ?? '').toContain('cpu mean');
    expect(await drawer().getByLabel('Chart time range').textContent()).toBe('2023-11-14T22:14:00.000000000Z … 2023-11-14T22:16:00.000000000Z (3 instants)');
    expect(await chart.locator('.u-series').count()).toBe(2); // the x series and "cpu mean"
    const inked = await chart.locator('canvas').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
    expect(inked).toBeGreaterThan(500);
    await shot(page, 'query-group-by-time');

    // Ctrl+Enter runs too; GROUP BY a tag as well gives a table and a chart line per host.
    await typeQuery(`SELECT max(usage) FROM cpu WHERE time >= '2023-11-14T22:14:00Z' AND time < '2023-11-14T22:16:00Z' GROUP BY time(1m), host`);
    await page.keyboard.press('ControlOrMeta+Enter');
    await expect.poll(() => cells(drawer().getByRole('table', { name: 'Series cpu,host=b' }))).toEqual([
      ['2023-11-14T22:14:00Z', '105'],
      ['2023-11-14T22:15:00Z', '111'],
    ]);
    expect(await cells(drawer().getByRole('table', { name: 'Series cpu,host=a' }))).toEqual([
      ['2023-11-14T22:14:00Z', '5'],
      ['2023-11-14T22:15:00Z', '11'],
    ]);
    await expect.poll(async () => (await chart.textContent()) ?? '').toContain('cpu,host=b max');
    // Both queries are in the history, newest first.
    const history = drawer().getByLabel('Query history');
    expect((await history.textContent()) ?? '').toContain(q);
    expect((await history.textContent()) ?? '').toMatch(/GROUP BY time\(1m\), host.*GROUP BY time\(1m\)$/s);
    // "Use" puts a past query back in the editor.
    await history.getByRole('button', { name: 'Use' }).last().click();
    await expect.poll(async () => (await editor().textContent()) ?? '').toBe(q);
  });

  it('marks a syntax error at its character with InfluxDB\'s words, and the run answers the same error', async () => {
    await typeQuery('SELECT mean(usage) FROM FROM cpu');
    const message = 'found FROM, expected identifier at line 1, char 25';
    await expect.poll(async () => (await drawer().getByLabel('Syntax error').textContent()) ?? '').toBe(message);
    const mark = drawer().locator('.cm-content .cm-lintRange-error');
    await expect.poll(() => mark.count()).toBe(1);
    expect(await mark.textContent()).toBe('FROM');
    // The mark starts at char 25 (offset 24): the second FROM.
    const offset = await mark.evaluate((el) => {
      const r = document.createRange();
      r.setStart(el.closest('.cm-content')!, 0);
      r.setEndBefore(el);
      return r.toString().length;
    });
    expect(offset).toBe(24);
    await mark.hover();
    await expect.poll(async () => (await page.locator('.cm-tooltip-lint').textContent()) ?? '').toContain(message);
    await shot(page, 'query-syntax-error');
    await page.mouse.move(0, 0); // the lint tooltip would cover the Run button
    await drawer().getByRole('button', { name: 'Run' }).click();
    await expect.poll(async () => (await drawer().getByLabel('Query error').textContent()) ?? '').toContain(`error parsing query: ${message}`);
    // A statement's own error comes back per statement, the other statement still answers.
    await typeQuery('SHOW MEASUREMENTS; SELECT * FROM "nowhere"."autogen"."cpu"');
    await drawer().getByRole('button', { name: 'Run' }).click();
    await expect.poll(async () => (await drawer().getByLabel('Statement 2').textContent()) ?? '').toContain('database not found: nowhere');
    expect(await cells(drawer().getByRole('table', { name: 'Series measurements' }))).toEqual([['cpu'], ['disk']]);
  });

  it('completes measurement names after FROM, and field and tag keys elsewhere, from the store', async () => {
    await typeQuery('SELECT * FROM ');
    await page.keyboard.type('c');
    const list = page.locator('.cm-tooltip-autocomplete');
    await expect.poll(async () => (await list.getByRole('option').allTextContents()).join('|')).toContain('cpu');
    expect((await list.getByRole('option').allTextContents()).join('|')).not.toContain('usage');
    await shot(page, 'query-completion');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await editor().textContent()) ?? '').toBe('SELECT * FROM cpu');
    await typeQuery('SELECT fr');
    await page.keyboard.press('ControlOrMeta+Space');
    await expect.poll(async () => (await list.getByRole('option').allTextContents()).join('|')).toContain('free');
    // CodeMirror takes keys in a list only 75 ms after it opened (interactionDelay).
    await page.waitForTimeout(150);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await editor().textContent()) ?? '').toBe('SELECT free');
  });

  it('shows the InfluxQL of the Points view, which selects the same points in the Query tab', async () => {
    await drawer().getByRole('tab', { name: 'Points' }).click();
    await choose(page, 'Measurement', 'cpu');
    await choose(page, 'Series', 'cpu,host=a');
    const code = drawer().getByLabel('InfluxQL of the points shown');
    await expect.poll(async () => (await code.textContent()) ?? '').toBe(`SELECT * FROM "cpu" WHERE "host" = 'a' ORDER BY time DESC LIMIT 100`);
    await drawer().getByLabel('From').fill('2023-11-14T22:15:00Z');
    await expect.poll(async () => (await code.textContent()) ?? '').toBe(`SELECT * FROM "cpu" WHERE "host" = 'a' AND time >= '2023-11-14T22:15:00.000000000Z' ORDER BY time DESC LIMIT 100`);
    await expect.poll(() => drawer().getByRole('table', { name: 'Points' }).locator('tbody tr').count()).toBe(12);
    await drawer().getByRole('button', { name: 'Open in Query' }).click();
    await expect.poll(async () => (await editor().textContent()) ?? '').toBe(`SELECT * FROM "cpu" WHERE "host" = 'a' AND time >= '2023-11-14T22:15:00.000000000Z' ORDER BY time DESC LIMIT 100`);
    await drawer().getByRole('button', { name: 'Run' }).click();
    await expect.poll(() => cells(drawer().getByRole('table', { name: 'Series cpu' }))).toHaveLength(12);
    const got = await cells(drawer().getByRole('table', { name: 'Series cpu' }));
    expect(got[0]).toEqual(['2023-11-14T22:16:50Z', 'a', '17']);
    expect(got[11]).toEqual(['2023-11-14T22:15:00Z', 'a', '6']);
    await shot(page, 'query-from-points');
    // Another tab and back: the text, the database and the answer are still there.
    await drawer().getByRole('tab', { name: 'Tokens' }).click();
    await drawer().getByRole('tab', { name: 'Query' }).click();
    await expect.poll(async () => (await editor().textContent()) ?? '').toBe(`SELECT * FROM "cpu" WHERE "host" = 'a' AND time >= '2023-11-14T22:15:00.000000000Z' ORDER BY time DESC LIMIT 100`);
    expect(await cells(drawer().getByRole('table', { name: 'Series cpu' }))).toHaveLength(12);
    expect(await drawer().locator('input').and(page.getByLabel('Database', { exact: true })).inputValue()).toBe('default');
  });
});
