// End to end: points written by a client show up in the data browser: the bucket, the
// measurement's series and field types, a table newest first, paged.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { parse } from '../../lineprotocol/parse.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer } from '../support/serve.js';
import { choose, closeSignedIn, openSignedIn, shot } from './support/browser.js';

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ server, browser, page } = await openSignedIn({ page: { viewport: { width: 1400, height: 900 }, acceptDownloads: true } }));
});

afterAll(() => closeSignedIn({ browser }));

describe('data browser', () => {
  it('shows written points newest first with field types, and pages to older ones', async () => {
    const lines = Array.from({ length: 150 }, (_, i) => `weather,city=${i % 2 ? 'oslo' : 'rome'} temp=${i}.5,count=${i}i,ok=true,note="n${i}" ${1_700_000_000 + i}`);
    const res = await fetch(`${server.url}/write?db=default&precision=s`, { method: 'POST', headers: { Authorization: `Token ${server.token}` }, body: lines.join('\n') });
    expect(res.status).toBe(204);
    await page.getByRole('button', { name: 'Data' }).click();
    const drawer = page.getByRole('dialog', { name: 'Data' });
    await drawer.waitFor();
    const schema = drawer.getByLabel('Measurement schema');
    await expect.poll(async () => (await schema.textContent()) ?? '').toBe('2 series ·count: intnote: stringok: booltemp: float');
    const rows = drawer.getByRole('table', { name: 'Points' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(100);
    expect(await rows.first().locator('td').allTextContents()).toEqual(['2023-11-14T22:15:49.000000000Z', 'oslo', '149i', 'n149', 'true', '149.5']);
    // The chart draws: a line per series and numeric field, pixels on its canvas.
    const chart = drawer.getByRole('img', { name: 'Chart of numeric fields' });
    await expect.poll(async () => (await chart.textContent()) ?? '').toContain('weather,city=oslo temp');
    expect((await chart.textContent()) ?? '').toContain('weather,city=rome count');
    expect((await chart.textContent()) ?? '').not.toContain(' note');
    const inked = await chart.locator('canvas').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
    expect(inked).toBeGreaterThan(1000);
    await shot(page, 'data-browser');
    await drawer.getByRole('button', { name: 'Load older points' }).click();
    await expect.poll(() => rows.count()).toBe(150);
    expect(await rows.last().locator('td').allTextContents()).toEqual(['2023-11-14T22:13:20.000000000Z', 'rome', '0i', 'n0', 'true', '0.5']);
    expect(await drawer.getByRole('button', { name: 'Load older points' }).count()).toBe(0);
    // Export: the measurement as line protocol, which parses back to exactly what was written.
    const [download] = await Promise.all([page.waitForEvent('download'), drawer.getByRole('button', { name: 'Export as line protocol' }).click()]);
    expect(download.suggestedFilename()).toBe('weather.lp');
    const text = readFileSync((await download.path())!, 'utf8');
    // Stored fields come back sorted by key, as from InfluxDB.
    const key = (p: { series: string; time: string; fields: { key: string }[] }) => `${p.series} ${p.time} ${JSON.stringify([...p.fields].sort((a, b) => a.key.localeCompare(b.key)))}`;
    expect(parse(text).points.map(key).sort()).toEqual(parse(lines.join('\n'), { precision: 's' }).points.map(key).sort());

    // A time range narrows the table, the chart and the export (Until not included).
    await drawer.getByLabel('From').fill('22:15');
    await expect.poll(async () => (await drawer.getByText('use a date like 2023-11-14T22:13:20Z (or 2023-11-14)').count())).toBe(1);
    await drawer.getByLabel('From').fill('2023-11-14T22:15:00Z');
    await drawer.getByLabel('Until').fill('2023-11-14T22:15:10.000000001Z');
    await expect.poll(() => rows.count()).toBe(11);
    expect(await rows.first().locator('td').first().textContent()).toBe('2023-11-14T22:15:10.000000000Z');
    expect(await rows.last().locator('td').first().textContent()).toBe('2023-11-14T22:15:00.000000000Z');
    const [ranged] = await Promise.all([page.waitForEvent('download'), drawer.getByRole('button', { name: 'Export as line protocol' }).click()]);
    const rangedText = readFileSync((await ranged.path())!, 'utf8');
    expect(parse(rangedText).points.map(key).sort()).toEqual(parse(lines.slice(100, 111).join('\n'), { precision: 's' }).points.map(key).sort());
    await drawer.getByLabel('From').fill('');
    await drawer.getByLabel('Until').fill('');
    await expect.poll(() => rows.count()).toBe(100);

    // One series: the table and the export hold only its points.
    await choose(page, 'Series', 'weather,city=oslo');
    await expect.poll(() => rows.count()).toBe(75);
    expect(new Set(await rows.locator('td:nth-child(2)').allTextContents())).toEqual(new Set(['oslo']));
    const [one] = await Promise.all([page.waitForEvent('download'), drawer.getByRole('button', { name: 'Export as line protocol' }).click()]);
    const oneText = readFileSync((await one.path())!, 'utf8');
    expect(parse(oneText).points.map(key).sort()).toEqual(parse(lines.filter((l) => l.includes('city=oslo')).join('\n'), { precision: 's' }).points.map(key).sort());
  });

  it('creates a bucket (with a clear error for a bad retention), writes to it, and deletes it', async () => {
    const drawer = page.getByRole('dialog', { name: 'Data' });
    await drawer.getByLabel('New bucket').fill('fresh');
    await drawer.getByLabel('Retention').fill('5 days');
    await drawer.getByRole('button', { name: 'Create bucket' }).click();
    await expect.poll(async () => (await drawer.getByRole('alert').textContent()) ?? '').toContain('invalid retention "5 days": use e.g. 30d, 72h, 1w2d or 0 for infinite');
    await drawer.getByLabel('Retention').fill('30d');
    await drawer.getByRole('button', { name: 'Create bucket' }).click();
    await expect.poll(() => drawer.locator('input').and(page.getByLabel('Bucket', { exact: true })).inputValue()).toBe('fresh');
    const w = await fetch(`${server.url}/write?db=fresh`, { method: 'POST', headers: { Authorization: `Token ${server.token}` }, body: 'm v=1' }); // now: inside the 30d retention
    expect(w.status).toBe(204);
    await drawer.getByRole('button', { name: 'Delete bucket' }).click();
    await drawer.getByRole('button', { name: 'Yes, delete the bucket' }).click();
    await expect.poll(() => drawer.locator('input').and(page.getByLabel('Bucket', { exact: true })).inputValue()).toBe('default');
    const gone = await fetch(`${server.url}/write?db=fresh`, { method: 'POST', headers: { Authorization: `Token ${server.token}` }, body: 'm v=1 1' });
    expect(gone.status).toBe(404);
  });
});
