// End to end: access management in the data browser. A DBRP mapping made in the UI routes a
// client's /write at once; a token made in the UI is shown once, writes, and stops working when
// deleted there (after a confirm step). Refusals show the server's sentence in an alert.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer } from '../support/serve.js';
import { choose, closeSignedIn, openSignedIn, shot } from './support/browser.js';

let server: RunningServer;
let browser: Browser;
let page: Page;

const write = (query: string, token: string, body = 'm v=1') => fetch(`${server.url}/write?${query}`, { method: 'POST', headers: { Authorization: `Token ${token}` }, body });

beforeAll(async () => {
  ({ server, browser, page } = await openSignedIn());
});

afterAll(() => closeSignedIn({ browser }));

describe('access management in the data browser', () => {
  it('creates a DBRP mapping that routes writes at once, and says why a duplicate is refused', async () => {
    expect((await write('db=legacy&rp=old', server.token)).status).toBe(404);
    await page.getByRole('button', { name: 'Data' }).click();
    const drawer = page.getByRole('dialog', { name: 'Data' });
    await drawer.waitFor();
    // The points view is what opens first.
    await drawer.getByRole('button', { name: 'Create bucket' }).waitFor();
    await drawer.getByRole('tab', { name: 'DBRP mappings' }).click();
    const table = drawer.getByRole('table', { name: 'DBRP mappings' });
    await expect.poll(async () => (await table.textContent()) ?? '').toContain('defaultautogendefaultyesvirtual');
    await drawer.getByLabel('Database', { exact: true }).fill('legacy');
    await drawer.getByLabel('Retention policy').fill('old');
    await choose(page, 'Target bucket', 'default');
    await drawer.getByRole('button', { name: 'Create mapping' }).click();
    const row = table.locator('tbody tr').filter({ hasText: 'legacy' });
    await expect.poll(async () => (await row.locator('td').allTextContents()).slice(0, 4)).toEqual(['legacy', 'old', 'default', 'yes']);
    expect((await write('db=legacy&rp=old', server.token)).status).toBe(204);

    await drawer.getByLabel('Database', { exact: true }).fill('legacy');
    await drawer.getByLabel('Retention policy').fill('old');
    await drawer.getByRole('button', { name: 'Create mapping' }).click();
    await expect.poll(async () => (await drawer.getByRole('alert').textContent()) ?? '').toBe('a mapping for db "legacy" rp "old" already exists');
  });

  it('creates a token shown once, writes with it, and deletes it after a confirm step', async () => {
    const drawer = page.getByRole('dialog', { name: 'Data' });
    await drawer.getByRole('tab', { name: 'Tokens' }).click();
    await drawer.getByLabel('Description').fill('e2e writer');
    await choose(page, 'Write access', 'Bucket default');
    await drawer.getByRole('button', { name: 'Create token' }).click();
    const shown = drawer.getByRole('textbox', { name: 'New token' });
    await expect.poll(() => shown.inputValue()).toMatch(/^[A-Za-z0-9_-]{64}$/);
    const token = await shown.inputValue();
    expect(await drawer.getByText('it will not be shown again').count()).toBe(1);
    await drawer.getByRole('button', { name: 'Copy' }).waitFor();
    const row = drawer.getByRole('table', { name: 'Tokens' }).locator('tbody tr').filter({ hasText: 'e2e writer' });
    await expect.poll(async () => (await row.locator('td').allTextContents()).slice(0, 3)).toEqual(['e2e writer', 'default', 'default']);
    expect((await write('db=default', token, 'e2e v=1')).status).toBe(204);
    expect((await write('db=legacy&rp=old', token, 'e2e v=1')).status).toBe(204);
    await shot(page, 'endpoint-admin');

    await drawer.getByRole('button', { name: 'Done' }).click();
    expect(await shown.count()).toBe(0);
    await drawer.getByRole('button', { name: 'Delete token e2e writer' }).click();
    await drawer.getByRole('button', { name: 'Yes, delete token e2e writer' }).click();
    await expect.poll(() => row.count()).toBe(0);
    expect((await write('db=default', token, 'e2e v=2')).status).toBe(401);
  });

  it('shows the endpoint settings with the command line that changes them', async () => {
    const drawer = page.getByRole('dialog', { name: 'Data' });
    await drawer.getByRole('tab', { name: 'Endpoint settings' }).click();
    const command = drawer.getByLabel('Command line');
    await expect.poll(async () => (await command.textContent()) ?? '').toBe(`lpstudio serve --host 127.0.0.1 --port ${server.port} --max-body 52428800 --data ${server.dataDir}`);
    await drawer.getByLabel('New port').fill('8087');
    await drawer.getByLabel('Auto-create buckets').check();
    await expect.poll(async () => (await command.textContent()) ?? '').toBe(`lpstudio serve --host 127.0.0.1 --port 8087 --max-body 52428800 --auto-create-buckets --data ${server.dataDir}`);
    // Auto-creation applies at once: a write to a database nobody created lands in a new bucket.
    const before = await fetch(`${server.url}/write?db=made-on-write`, { method: 'POST', headers: { Authorization: `Token ${server.token}` }, body: 'm v=1 1' });
    expect(before.status).toBe(404);
    await drawer.getByRole('button', { name: 'Apply now' }).click();
    await expect.poll(async () => (await drawer.getByRole('status').textContent()) ?? '').toContain('creates buckets on write, until it restarts');
    const table = drawer.getByRole('table', { name: 'Endpoint settings' });
    expect(await table.textContent()).toContain('Auto-create buckets on writeyes');
    const after = await fetch(`${server.url}/write?db=made-on-write`, { method: 'POST', headers: { Authorization: `Token ${server.token}` }, body: 'm v=1 1' });
    expect(after.status).toBe(204);
    await shot(page, 'endpoint-settings');
  });
});
