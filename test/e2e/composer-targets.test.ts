// End to end: the composer's Database control shows what this endpoint has (never a made-up
// "default"), lists every option on focus, and a 404 "no dbrp mapping found" offers, in view, to
// create the bucket or a mapping, after which the same send is stored.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lpstudio, makeTempDir, randomToken, readBucket, type RunningServer } from '../support/serve.js';
import { closeSignedIn, openSignedIn, setEditorText, shot } from './support/browser.js';
import path from 'node:path';

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  // An endpoint set up with bucket "mydb" only (no "default").
  const dataDir = path.join(makeTempDir(), 'data');
  const token = randomToken();
  await lpstudio('setup', '--username', 'admin', '--password', 'admin-password', '--token', token, '--org', 'acme', '--bucket', 'mydb', '--data', dataDir);
  ({ server, browser, page } = await openSignedIn({ server: { dataDir, token } }));
});

afterAll(() => closeSignedIn({ browser }));

const database = () => page.locator('input').and(page.getByLabel('Database', { exact: true }));
const status = () => page.getByTestId('response-status');

async function inViewport(locator: ReturnType<Page['locator']>): Promise<boolean> {
  const box = await locator.boundingBox();
  const vp = page.viewportSize()!;
  return box !== null && box.y >= 0 && box.y + box.height <= vp.height && box.x >= 0 && box.x + box.width <= vp.width;
}

describe('the Database control shows what the target has', () => {
  it('starts with a database that exists, after sign-in and after a reload, and lists every one on focus', async () => {
    await expect.poll(() => database().inputValue(), { timeout: 10_000 }).toBe('mydb');
    await shot(page, 'composer-targets-sign-in');
    // A second bucket, made by the CLI while the endpoint runs; after a reload both are offered.
    await lpstudio('bucket', 'create', '--name', 'other', '--data', server.dataDir);
    await expect.poll(async () => (await fetch(`${server.url}/write?db=other`, { method: 'POST', headers: { Authorization: `Token ${server.token}` }, body: '' })).status).toBe(204);
    await page.reload();
    await page.getByLabel('Line protocol').waitFor({ state: 'visible' });
    await expect.poll(() => database().inputValue(), { timeout: 10_000 }).toBe('mydb');
    // Focus lists all of them, not only those matching the current value.
    await database().click();
    const listbox = page.getByRole('listbox');
    await expect.poll(async () => (await listbox.getByRole('option').allTextContents()).sort()).toEqual(['mydb', 'other']);
    await shot(page, 'composer-targets-database-options');
    await page.keyboard.press('Escape');
  });

  it('a send to a database that does not exist offers to create the bucket; the resend is stored', async () => {
    await database().fill('newdb');
    await page.keyboard.press('Escape');
    await setEditorText(page, 'created,host=a v=1 1700000000000000000');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(async () => (await status().textContent()) ?? '').toMatch(/^404/);
    const offer = page.getByRole('region', { name: 'Missing database' });
    await expect.poll(async () => (await offer.textContent()) ?? '').toContain('This endpoint has no database "newdb"');
    expect(await inViewport(offer.getByRole('button', { name: 'Create bucket "newdb"' }))).toBe(true);
    await shot(page, 'composer-targets-404-offer');
    await offer.getByRole('button', { name: 'Create bucket "newdb"' }).click();
    await expect.poll(async () => (await offer.textContent()) ?? '').toContain('Created bucket "newdb": send again');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(async () => (await status().textContent()) ?? '').toMatch(/^204/);
    expect(await offer.count()).toBe(0);
    // The new bucket is one of the target's databases now.
    await database().click();
    await expect.poll(async () => (await page.getByRole('listbox').getByRole('option').allTextContents()).sort()).toEqual(['mydb', 'newdb', 'other']);
    await page.keyboard.press('Escape');
  });

  it('or maps the missing name to an existing bucket', async () => {
    await database().fill('legacy');
    await page.keyboard.press('Escape');
    await setEditorText(page, 'mapped,host=a v=2 1700000000000000000');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(async () => (await status().textContent()) ?? '').toMatch(/^404/);
    const offer = page.getByRole('region', { name: 'Missing database' });
    await offer.locator('input').and(page.getByLabel('Existing bucket', { exact: true })).click();
    await page.getByRole('option', { name: 'other' }).click();
    await offer.getByRole('button', { name: 'Create mapping' }).click();
    await expect.poll(async () => (await offer.textContent()) ?? '').toContain('Mapped "legacy" to bucket "other": send again');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(async () => (await status().textContent()) ?? '').toMatch(/^204/);
    await shot(page, 'composer-targets-mapped');
  });

  it('stored both writes where the offers said', async () => {
    await server.stop();
    expect((await readBucket(server.dataDir, 'newdb')).map((p) => p.measurement)).toEqual(['created']);
    expect((await readBucket(server.dataDir, 'other')).map((p) => p.measurement)).toEqual(['mapped']);
  });
});
