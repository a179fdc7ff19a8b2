// End to end, the composer's details in Chromium against a real `lpstudio serve`: sign-in
// links, quick fixes (mouse and keyboard), timestamp hovers, CRLF, problem navigation, keyboard
// sending, history replay and clear, connections, a 100k-line paste, a server restart.
// Screenshots: test-output/e2e/details-*.png.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cleanup, startServer, type RunningServer } from '../support/serve.js';
import { choose, launchBrowser, pasteText, setEditorText, shot as saveShot, signIn, waitForStatus } from './support/browser.js';

let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const shot = (n: string) => saveShot(page, `details-${n}`);
const problems = () => page.getByLabel('Problems');

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
});
afterAll(async () => {
  await browser?.close();
  await cleanup();
});

it('sign-in with a bad token says so; #code link signs in and leaves the URL', async () => {
  await page.goto(server.url);
  await page.getByLabel('Token').fill('nope');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(/not an operator token/).waitFor();
  await shot('00-signin-error');
  await signIn(page, server.url, server.token);
});

it('quick fix: escape the space in a measurement', async () => {
  await setEditorText(page, 'my cpu,host=a v=1 1');
  await waitForStatus(page, /1 error/);
  await page.locator('.cm-lintRange-error').first().hover();
  await page.locator('.cm-tooltip-lint').waitFor();
  await shot('10-lint-tooltip');
  await page.getByRole('button', { name: /Escape the space/ }).click();
  await waitForStatus(page, /0 errors/);
  expect(await page.locator('.cm-content').textContent()).toBe('my\\ cpu,host=a v=1 1');
});

it('keyboard: Ctrl+Shift+M opens the lint panel with the fix button', async () => {
  await setEditorText(page, 'cpu v=hello 1');
  await waitForStatus(page, /1 error/);
  await page.keyboard.press('Control+Shift+M');
  const panel = page.locator('.cm-panel-lint');
  await panel.waitFor();
  expect(await panel.textContent()).toContain('invalid boolean');
  await panel.getByRole('button', { name: /Wrap in quotes/ }).waitFor();
  await shot('09-lint-panel');
  await page.keyboard.press('Escape');
});

it('quick fix: wrap in quotes; hover timestamp', async () => {
  await setEditorText(page, 'cpu v=hello 1577836800000000000');
  await waitForStatus(page, /1 error/);
  await page.locator('.cm-lintRange-error').first().hover();
  await page.getByRole('button', { name: /Wrap in quotes/ }).click();
  await waitForStatus(page, /0 errors/);
  expect(await page.locator('.cm-content').textContent()).toBe('cpu v="hello" 1577836800000000000');
  await page.mouse.move(0, 0);
  const ts = page.locator('.cm-line span', { hasText: '1577836800000000000' });
  await ts.hover();
  await page.locator('.cm-timestamp-tooltip').waitFor();
  expect(await page.locator('.cm-timestamp-tooltip').textContent()).toBe('2020-01-01T00:00:00.000000000Z (UTC, read as ns)');
  await shot('11-hover');
});

it('CRLF: the warning and Strip CR', async () => {
  await setEditorText(page, '');
  await pasteText(page, 'cpu v=1 1\r\ncpu v=2 2\r\n');
  // This endpoint accepts CRLF: a warning per line naming the targets that refuse it.
  expect(await waitForStatus(page, /warning/)).toBe('2 lines · 2 points · 0 errors · 2 warnings');
  expect(await problems().textContent()).toMatch(/Line 1, column 10: line ends with CRLF \(Windows line ending\): accepted here, refused by InfluxDB 2\.x and 1\.x/);
  await shot('12-crlf');
  await page.locator('.cm-lintRange-error, .cm-lintRange-warning').first().hover();
  await page.getByRole('button', { name: /Strip every CR/ }).click();
  await waitForStatus(page, /0 errors · 0 warnings/);
});

it('problems list click moves the cursor; Ctrl+Enter from the Database field sends', async () => {
  await setEditorText(page, 'a v=1 1\nb v= 2\nc v=3 3');
  await waitForStatus(page, /1 error/);
  await problems().getByText(/Line 2, column/).click();
  expect(await page.locator('.cm-activeLine').textContent()).toBe('b v= 2');
  await setEditorText(page, 'cpu v=1 1');
  await waitForStatus(page, /0 errors/);
  await page.getByRole('combobox', { name: 'Database' }).click();
  await page.keyboard.press('Control+Enter');
  await expect.poll(async () => (await page.getByRole('region', { name: 'Response' }).textContent()) ?? '', { timeout: 15000 }).toMatch(/204 No Content · \d+ ms/);
  await shot('13-sent-ctrl-enter');
});

it('history: replay and clear with confirm; Escape closes', async () => {
  await page.getByRole('button', { name: 'History' }).click();
  const h = page.getByRole('dialog', { name: 'History' });
  await h.waitFor();
  await shot('14-history');
  await h.getByRole('button', { name: 'Replay', exact: true }).first().click();
  await h.waitFor({ state: 'hidden' });
  expect(await page.locator('.cm-content').textContent()).toBe('cpu v=1 1');
  await page.getByRole('button', { name: 'History' }).click();
  await h.waitFor();
  await h.getByRole('button', { name: 'Clear history' }).click();
  await shot('15-history-confirm');
  await h.getByRole('button', { name: 'Yes, clear history' }).click();
  await h.getByText('Nothing sent yet.').waitFor();
  await page.keyboard.press('Escape');
  await h.waitFor({ state: 'hidden' });
});

it('connection modal: new 1.x target; Target select; precision options', async () => {
  await page.getByRole('button', { name: 'New connection' }).click();
  const m = page.getByRole('dialog', { name: 'Connection' });
  await m.waitFor();
  await m.getByLabel('Name').fill('Old influx');
  await m.getByLabel('URL').fill('http://127.0.0.1:9');
  await m.locator('input').and(m.getByLabel('Kind', { exact: true })).click();
  await page.getByRole('option', { name: /1\.x/ }).click();
  await m.getByLabel('Database').fill('telegraf');
  await m.getByLabel('Secret').fill('s3cret');
  // Browser mode keeps secrets in a file: saving one asks for consent first.
  await m.getByRole('button', { name: 'Save connection' }).click();
  await m.getByText('This secret would not be protected').waitFor();
  await shot('16-connection');
  await m.getByLabel('Store it anyway').check();
  await m.getByRole('button', { name: 'Save connection' }).click();
  await m.waitFor({ state: 'hidden' });
  expect(await page.getByRole('combobox', { name: 'Target' }).inputValue()).toBe('Old influx');
  await choose(page, 'Precision', /Hours \(h\)/);
  await setEditorText(page, 'cpu v=1u 1');
  await waitForStatus(page, /1 error/); // influxdb1 dialect: no unsigned
  expect(await problems().textContent()).toContain('Line 1, column 7: invalid number');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect.poll(async () => (await page.getByRole('region', { name: 'Response' }).textContent()) ?? '', { timeout: 15000 }).toMatch(/No answer/);
  expect(await page.getByRole('region', { name: 'Response' }).textContent()).toContain('http://127.0.0.1:9/write?db=telegraf&precision=h');
  await shot('17-network-error');
  await page.getByRole('button', { name: 'Copy as curl' }).click();
  await expect.poll(() => page.getByLabel('curl command').inputValue()).toMatch(/^curl /);
  // The secret never reaches the page: the command reads it from the shell.
  expect(await page.getByLabel('curl command').inputValue()).toContain('--header "Authorization: Token $INFLUX_TOKEN"');
  expect(await page.getByLabel('curl command').inputValue()).not.toContain('s3cret');
  await shot('18-curl');
  await page.keyboard.press('Escape');
  // Moving the connection to another port: the stored secret is not carried there; the dialog asks for it again.
  await page.getByRole('button', { name: 'Edit connection' }).click();
  const edit = page.getByRole('dialog', { name: 'Connection' });
  await edit.waitFor();
  expect(await edit.textContent()).not.toContain('Enter the token again');
  await edit.getByLabel('URL').fill('http://127.0.0.1:10');
  await edit.getByText('Enter the token again').waitFor();
  expect(await edit.textContent()).toContain('The stored token was given for http://127.0.0.1:9. This URL points to http://127.0.0.1:10');
  await shot('18b-connection-moved');
  await edit.getByLabel('URL').fill('http://127.0.0.1:9/sub');
  await expect.poll(async () => (await edit.textContent()) ?? '').not.toContain('Enter the token again');
  await page.keyboard.press('Escape');
});

it('100k-line paste stays responsive', async () => {
  await page.getByRole('combobox', { name: 'Target' }).click();
  await page.getByRole('option', { name: "This app's endpoint" }).click();
  await setEditorText(page, '');
  const editor = page.getByLabel('Line protocol');
  await editor.click();
  await page.evaluate(() => {
    const lines: string[] = [];
    for (let i = 0; i < 100000; i++) lines.push(`cpu,host=h${i % 50} usage=${i}.5,n=${i}i ${1577836800000000000n + BigInt(i)}`);
    lines[50000] = 'cpu,host=x usage= 1';
    const dt = new DataTransfer();
    dt.setData('text/plain', lines.join('\n'));
    document.querySelector('.cm-content')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  });
  await waitForStatus(page, /100,000 lines · 99,999 points · 1 error/);
  expect(await problems().textContent()).toContain('Line 50001, column 18: missing field value');
  // A keystroke at the end is checked too (its timing is the bench's business, not a test's).
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\nzz v=1 1');
  await waitForStatus(page, /100,001 lines · 100,000 points · 1 error/);
  await shot('19-100k');
});

it('one-time #code link signs in by itself and leaves the URL; a restarted server sends back to sign-in', async () => {
  const ctx = await browser.newContext();
  const p2 = await ctx.newPage();
  const code = /#code=([A-Za-z0-9_-]+)/.exec(server.stdout())![1];
  await p2.goto(`${server.url}/#code=${code}`);
  await p2.getByLabel('Line protocol').waitFor();
  expect(p2.url()).not.toContain('code=');
  // reuse: same code again fails with a clear message
  const p3 = await (await browser.newContext()).newPage();
  await p3.goto(`${server.url}/#code=${code}`);
  await p3.getByLabel('Token').waitFor();
  expect(await p3.locator('body').innerText()).toContain('that sign-in link was already used or has expired: sign in with a token');
  await saveShot(p3, 'details-20-code-reused');
  // restart the server: the session is gone; the next call brings the sign-in back
  await server.stop();
  const port = server.port;
  server = await startServer({ dataDir: server.dataDir, token: server.token, args: ['--port', String(port)] });
  expect(server.port).toBe(port);
  await p2.getByRole('button', { name: 'History' }).click();
  await p2.getByLabel('Token').waitFor({ timeout: 10000 });
  expect(await p2.locator('body').innerText()).toContain('Your session has ended (the server may have restarted): sign in again.');
  await saveShot(p2, 'details-21-signed-out-after-restart');
});

it('the page threw no errors along the way', () => {
  expect(pageErrors).toEqual([]);
});
