// End to end: the request inspector keeps what matters about a refused request: method, path and
// query (secrets masked), the request headers (Authorization as scheme and fingerprint), the
// body as received although authentication failed, the answer; "Open in composer" loads it.
import { execFileSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer } from '../support/serve.js';
import { closeSignedIn, openSignedIn, shot } from './support/browser.js';

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ server, browser, page } = await openSignedIn({ page: { viewport: { width: 1400, height: 1000 } } }));
});

afterAll(() => closeSignedIn({ browser }));

const curl = (args: string[]) => execFileSync('/usr/bin/curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', ...args], { encoding: 'utf8' });
const WRONG_TOKEN = 'wrong-token-0123456789abcdef';
const BODY = 'refused,host=a v=1 1700000000\nrefused,host=b v=2 1700000001';

describe('request inspector details', () => {
  it('shows a 401 with its body, the query and headers masked, the answer; Open in composer fills the editor', async () => {
    await page.getByRole('button', { name: 'Inspector' }).click();
    const drawer = page.getByRole('dialog', { name: 'Request inspector' });
    await drawer.waitFor();
    expect(curl(['--request', 'POST', `${server.url}/write?db=default&rp=autogen&precision=s`, '--header', `Authorization: Token ${WRONG_TOKEN}`, '--data-binary', BODY])).toBe('401');
    expect(curl(['--request', 'POST', `${server.url}/write?db=default&u=bob&p=hunter2-secret`, '--data-binary', 'other v=1'])).toBe('401');
    const list = page.getByLabel('Requests');
    await expect.poll(async () => (await list.textContent()) ?? '', { timeout: 10_000 }).toMatch(/401POST \/write\?db=default&u=bob&p=.*401POST \/write\?db=default&rp=autogen&precision=s/s);
    expect((await list.textContent()) ?? '').not.toContain('hunter2-secret');

    await page.getByRole('button', { name: /401\s*POST \/write\?db=default&rp=autogen/ }).click();
    const request = drawer.getByRole('region', { name: 'Request', exact: true });
    await expect.poll(async () => (await request.getByLabel('Request line').textContent()) ?? '').toBe('POST /write?db=default&rp=autogen&precision=s');
    const headers = (await request.getByRole('table', { name: 'Request headers' }).textContent()) ?? '';
    expect(headers).toMatch(/AuthorizationToken …cdef \(sha256:[0-9a-f]{8}\)/);
    expect(headers).not.toContain(WRONG_TOKEN);
    expect(headers).toContain('Content-Type');
    // The body as received, though it was never authenticated.
    const body = drawer.getByRole('region', { name: 'Request body' });
    await expect.poll(async () => (await body.getByLabel('Request body text').textContent()) ?? '').toContain('refused,host=a v=1 1700000000refused,host=b v=2 1700000001');
    const answer = drawer.getByRole('region', { name: 'Response to the request' });
    expect((await answer.getByLabel('Response body').textContent()) ?? '').toBe('{"code":"unauthorized","message":"Unauthorized"}');
    expect((await answer.getByRole('table', { name: 'Response headers' }).textContent()) ?? '').toContain('x-platform-error-code');
    await shot(page, 'inspector-401-details');

    // u is kept, p masked.
    await page.getByRole('button', { name: /401\s*POST \/write\?db=default&u=bob/ }).click();
    await expect.poll(async () => (await request.getByLabel('Request line').textContent()) ?? '').toMatch(/^POST \/write\?db=default&u=bob&p=•••• \(sha256:[0-9a-f]{8}\)$/);

    await page.getByRole('button', { name: /401\s*POST \/write\?db=default&rp=autogen/ }).click();
    await request.getByRole('button', { name: 'Open in composer' }).click();
    await drawer.waitFor({ state: 'hidden' });
    await expect.poll(async () => (await page.getByLabel('Line protocol').textContent()) ?? '').toBe('refused,host=a v=1 1700000000refused,host=b v=2 1700000001');
    expect(await page.locator('input').and(page.getByLabel('Database', { exact: true })).inputValue()).toBe('default');
    expect(await page.locator('input').and(page.getByLabel('Retention policy', { exact: true })).inputValue()).toBe('autogen');
    expect(await page.locator('input').and(page.getByLabel('Precision', { exact: true })).inputValue()).toMatch(/^Seconds/);
    await shot(page, 'inspector-open-in-composer');
  });

  it('shows the body of a 404 (a database that does not exist)', async () => {
    expect(curl(['--request', 'POST', `${server.url}/write?db=nosuch`, '--header', `Authorization: Token ${server.token}`, '--data-binary', 'lost v=1'])).toBe('404');
    await page.getByRole('button', { name: 'Inspector' }).click();
    const drawer = page.getByRole('dialog', { name: 'Request inspector' });
    await page.getByRole('button', { name: /404\s*POST \/write\?db=nosuch/ }).click();
    const body = drawer.getByRole('region', { name: 'Request body' });
    await expect.poll(async () => (await body.getByLabel('Request body text').textContent()) ?? '').toBe('lost v=1');
    expect((await drawer.getByLabel('Requests').textContent()) ?? '').toMatch(/404POST \/write\?db=nosuch.*db nosuch/);
    expect((await drawer.getByRole('region', { name: 'Response to the request' }).getByLabel('Response body').textContent()) ?? '').toContain('no dbrp mapping found');
    await shot(page, 'inspector-404-details');
  });
});
