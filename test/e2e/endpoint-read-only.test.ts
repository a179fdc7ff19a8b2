// End to end: while the endpoint's disk fails (a failed WAL fsync, injected through the
// test-only LPSTUDIO_FAULTS file, see server/store/faults.ts) the window says the endpoint is
// read-only and why, in the composer and in the data browser; once the fault clears the banner
// goes, without a reload.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../support/serve.js';
import { closeSignedIn, openSignedIn, shot } from './support/browser.js';

let server: RunningServer;
let browser: Browser;
let page: Page;
const dir = mkdtempSync(path.join(tmpdir(), 'lpstudio-e2e-faults-'));
const faults = path.join(dir, 'faults');

beforeAll(async () => {
  ({ server, browser, page } = await openSignedIn({ server: { env: { LPSTUDIO_FAULTS: faults } } }));
});

afterAll(async () => {
  await closeSignedIn({ browser });
  rmSync(dir, { recursive: true, force: true });
});

const write = (body: string) => fetch(`${server.url}/write?db=default`, { method: 'POST', headers: { Authorization: `Token ${server.token}` }, body }).then((r) => r.status);

describe('read-only endpoint banner', () => {
  it('appears in the composer and the data browser while writes are refused, and goes once the disk works', async () => {
    expect(await write('m v=1 1\n')).toBe(204);
    const banner = page.getByTestId('endpoint-read-only');
    expect(await banner.count()).toBe(0);

    writeFileSync(faults, 'wal-fsync EIO\n');
    expect(await write('m v=2 2\n')).toBe(503);
    await banner.first().waitFor({ timeout: 15_000 });
    expect(await banner.first().textContent()).toContain('The local endpoint is read-only');
    expect(await banner.first().textContent()).toContain('input/output error (syncing the write-ahead log)');
    await page.getByRole('button', { name: 'Data' }).click();
    const drawer = page.getByRole('dialog', { name: 'Data' });
    await drawer.getByTestId('endpoint-read-only').waitFor({ timeout: 15_000 });
    await shot(page, 'endpoint-read-only');

    rmSync(faults);
    await expect.poll(() => page.getByTestId('endpoint-read-only').count(), { timeout: 20_000 }).toBe(0);
    expect(await write('m v=3 3\n')).toBe(204);
  }, 60_000);
});
