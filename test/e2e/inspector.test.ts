// End to end: what a client sends to the endpoint appears in the request inspector, live, with
// its status, how it authenticated (not the secret), and its body with diagnostics.
import { execFileSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer } from '../support/serve.js';
import { closeSignedIn, openSignedIn, shot } from './support/browser.js';

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ server, browser, page } = await openSignedIn());
});

afterAll(() => closeSignedIn({ browser }));

const curl = (args: string[]) => execFileSync('/usr/bin/curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', ...args], { encoding: 'utf8' });

describe('request inspector', () => {
  it('shows curl writes live with status, auth method and body; filters by status', async () => {
    await page.getByRole('button', { name: 'Inspector' }).click();
    const drawer = page.getByRole('dialog', { name: 'Request inspector' });
    await drawer.waitFor();
    expect(curl(['--request', 'POST', `${server.url}/write?db=default&precision=s`, '--header', `Authorization: Token ${server.token}`, '--data-binary', 'inspected,host=a v=1 1700000000'])).toBe('204');
    expect(curl(['--request', 'POST', `${server.url}/write?db=default`, '--user', `anyone:${server.token}`, '--data-binary', 'inspected,host=b v='])).toBe('400');
    const list = page.getByLabel('Requests');
    await expect.poll(async () => (await list.textContent()) ?? '', { timeout: 10_000 }).toMatch(/400POST \/write.*204POST \/write/s);
    const text = (await list.textContent()) ?? '';
    expect(text).toContain('token (');
    expect(text).toContain('basic (');
    expect(text).not.toContain(server.token);
    await page.getByRole('button', { name: /204\s*POST \/write/ }).click();
    const body = page.getByRole('region', { name: 'Request body' });
    await expect.poll(async () => (await body.textContent()) ?? '').toContain('inspected,host=a v=1 1700000000');
    await page.getByRole('button', { name: /400\s*POST \/write/ }).click();
    await expect.poll(async () => (await body.textContent()) ?? '').toMatch(/error Line 1, column \d+: missing field value/);
    // The body is in the editor's highlighting (read-only), the error underlined where it is.
    const shown = body.getByLabel('Request body text');
    expect(await shown.getAttribute('aria-readonly')).toBe('true');
    await expect.poll(() => body.locator('.cm-lintRange-error, .cm-lintPoint-error').count()).toBeGreaterThan(0);
    expect(await shown.locator('span').count()).toBeGreaterThan(1);
    await shot(page, 'inspector-400');
    await drawer.getByText('4xx', { exact: true }).click();
    await expect.poll(async () => (await list.textContent()) ?? '').not.toMatch(/204POST/);
    expect((await list.textContent()) ?? '').toMatch(/400POST \/write/);
  });
});
