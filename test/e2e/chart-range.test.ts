// End to end: the data browser's chart of one point, and of points a nanosecond apart, is fitted
// to the data's own time range and draws a visible marker for each point.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer } from '../support/serve.js';
import { choose, closeSignedIn, openSignedIn, shot } from './support/browser.js';

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ server, browser, page } = await openSignedIn({ page: { viewport: { width: 1400, height: 1000 } } }));
  const body = ['single v=5 1700000000123456789', 'close v=1 1700000000000000000', 'close v=3 1700000000000000001', 'close v=2 1700000000000000002'].join('\n');
  const res = await fetch(`${server.url}/write?db=default`, { method: 'POST', headers: { Authorization: `Token ${server.token}` }, body });
  expect(res.status).toBe(204);
});

afterAll(() => closeSignedIn({ browser }));

/** Pixels of the plot's canvas in the first series' colour (#1c7ed6), near enough for anti-aliasing. */
function seriesPixels(chart: Locator): Promise<{ count: number; columns: number }> {
  return chart.locator('canvas').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let count = 0;
    const columns = new Set<number>();
    for (let i = 0; i < d.length; i += 4) {
      if (Math.abs(d[i] - 0x1c) < 16 && Math.abs(d[i + 1] - 0x7e) < 16 && Math.abs(d[i + 2] - 0xd6) < 16 && d[i + 3] > 200) {
        count++;
        columns.add((i / 4) % c.width);
      }
    }
    return { count, columns: columns.size };
  });
}

async function openMeasurement(name: string): Promise<Locator> {
  const drawer = page.getByRole('dialog', { name: 'Data' });
  if (!(await drawer.isVisible())) {
    await page.getByRole('button', { name: 'Data' }).click();
    await drawer.waitFor();
  }
  await choose(page, 'Measurement', name);
  const chart = drawer.getByRole('img', { name: 'Chart of numeric fields' });
  await expect.poll(async () => (await chart.textContent()) ?? '').toContain(`${name} v`);
  return chart;
}

describe('the chart fits the data', () => {
  it('a single point: a marker, and an x range around its instant', async () => {
    const chart = await openMeasurement('single');
    await expect.poll(() => chart.getAttribute('data-x-from')).toBe('2023-11-14T22:13:19.123456000Z');
    expect(await chart.getAttribute('data-x-to')).toBe('2023-11-14T22:13:21.123456000Z');
    expect(await page.getByLabel('Chart time range').textContent()).toBe('One instant: 2023-11-14T22:13:20.123456789Z');
    // A marker (size 8: some 40 pixels), not a blank plot.
    expect((await seriesPixels(chart)).count).toBeGreaterThan(20);
    await shot(page, 'chart-single-point');
  });

  it('points a nanosecond apart: three markers on an axis counting ns from the first', async () => {
    const chart = await openMeasurement('close');
    await expect.poll(async () => (await page.getByLabel('Chart time range').textContent()) ?? '').toBe(
      '2023-11-14T22:13:20.000000000Z … 2023-11-14T22:13:20.000000002Z (3 instants) · the axis counts ns after the first',
    );
    // The x scale spans the 2 ns (padded), never years.
    expect(await chart.getAttribute('data-x-from')).toBe('2023-11-14T22:13:20.000000000Z');
    expect(await chart.getAttribute('data-x-to')).toBe('2023-11-14T22:13:20.000000002Z');
    // Three separate markers: the series' colour across a wide stretch of the plot, not one column.
    const px = await seriesPixels(chart);
    expect(px.count).toBeGreaterThan(60);
    expect(px.columns).toBeGreaterThan(200);
    await shot(page, 'chart-nanoseconds-apart');
  });
});
