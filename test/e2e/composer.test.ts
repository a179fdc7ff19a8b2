// End to end: the composer in Debian's Chromium against the browser mode of a real
// `lpstudio serve` child process. One browser, one server (restarted once, on the same data
// directory, to show that history survives). Screenshots of each state: test-output/e2e/.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTERNAL_LINKS } from '../../app/external-links.js';
import { validate } from '../../lineprotocol/parse.js';
import { float, int, pt, readBucket, type RunningServer, sorted, startServer } from '../support/serve.js';
import { choose, closeSignedIn, openSignedIn, setEditorText, shot, signIn, waitForStatus } from './support/browser.js';

// The "Write multiple lines of line protocol" example of InfluxDB's /write 1.x compatibility docs.
const DOCS_EXAMPLE = [
  'measurement,host=host1 field1=2i,field2=2.0 1577836800000000000',
  'measurement,host=host2 field1=14i,field2=12.7 1577836800000000000',
  'measurement,host=host3 field1=5i,field2=6.8 1577836800000000000',
].join('\n');

let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ server, browser, page } = await openSignedIn());
});

afterAll(() => closeSignedIn({ browser }));

const response = () => page.getByRole('region', { name: 'Response' });
const problems = () => page.getByLabel('Problems');

describe('composer in the browser mode', () => {
  it('types the three-line docs example: no diagnostics; Send → 204 and the points are in the endpoint', async () => {
    await setEditorText(page, DOCS_EXAMPLE);
    await waitForStatus(page, /3 lines · 3 points · 0 errors · 0 warnings/);
    expect(await page.locator('.cm-lintRange-error, .cm-lintRange-warning').count()).toBe(0);
    await shot(page, '01-docs-example-typed');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(async () => (await response().textContent()) ?? '', { timeout: 15_000 }).toMatch(/204 No Content/);
    await shot(page, '02-sent-204');
  });

  it('a broken line shows its error at the right line and column before sending', async () => {
    const text = 'cpu,host=a usage=1 1\ncpu,host=a usage= 2\ncpu,host=b usage=3 3';
    await setEditorText(page, text);
    // The engine's own verdict is the expectation: the UI must show it at that place.
    const expected = validate(text).diagnostics.filter((d) => d.severity === 'error');
    expect(expected).toHaveLength(1);
    const d = expected[0];
    await waitForStatus(page, /1 error/);
    await expect.poll(async () => (await problems().textContent()) ?? '').toContain(`Line ${d.line}, column ${d.column}`);
    // Underlined in the editor, in line 2 only.
    const underlined = page.locator('.cm-line', { has: page.locator('.cm-lintRange-error') });
    await expect.poll(() => underlined.count()).toBe(1);
    expect(await underlined.first().textContent()).toBe('cpu,host=a usage= 2');
    await shot(page, '03-broken-line');
  });

  it('precision ms with a 19-digit timestamp gets the wrong-unit warning', async () => {
    await setEditorText(page, 'cpu,host=a usage=1 1577836800000000000');
    await waitForStatus(page, /0 errors · 0 warnings/);
    await choose(page, 'Precision', /\(ms\)/);
    // In milliseconds it is also past the year 2262, which InfluxDB rejects: an error and the warning that explains it.
    await waitForStatus(page, /1 error · 1 warning/);
    await expect.poll(async () => (await problems().textContent()) ?? '').toMatch(/warning\s*Line 1, column 20: timestamp 1577836800000000000 does not fit precision ms \(milliseconds\); it looks like nanoseconds/);
    await shot(page, '04-precision-warning');
    await choose(page, 'Precision', /\(ns\)/);
    await waitForStatus(page, /0 errors · 0 warnings/);
  });

  it('a 400 from the server marks the editor line it names', async () => {
    // Line 2 is bad; sending anyway shows the server's answer mapped onto the editor.
    await setEditorText(page, 'ok v=1 1\nbad v=\nok v=3 3');
    await waitForStatus(page, /1 error/);
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(async () => (await response().textContent()) ?? '', { timeout: 15_000 }).toMatch(/400 Bad Request/);
    await expect.poll(async () => (await problems().textContent()) ?? '').toMatch(/Line 2, column \d+: server: /);
    const marked = page.locator('.cm-line.cm-server-error');
    await expect.poll(() => marked.count()).toBe(1);
    expect(await marked.first().textContent()).toBe('bad v=');
    await shot(page, '05-server-400-marked');
  });

  it('"Copy as curl" gives the request in the form of InfluxDB\'s /write docs, the token read from $INFLUX_TOKEN', async () => {
    await setEditorText(page, DOCS_EXAMPLE);
    await waitForStatus(page, /0 errors/);
    await page.getByRole('button', { name: 'Copy as curl' }).click();
    const box = page.getByLabel('curl command');
    await expect.poll(() => box.inputValue()).toMatch(/^curl /);
    const url = `${server.url}/write?db=default`;
    expect(await box.inputValue()).toBe([`curl --request POST ${url} \\`, `  --header "Authorization: Token $INFLUX_TOKEN" \\`, `  --data-binary "${DOCS_EXAMPLE}"`].join('\n'));
    const dialog = page.getByRole('dialog', { name: 'Copy as curl' });
    // Browser mode: the host cannot reach the clipboard, so there is no way to copy the secret, and the dialog says so.
    expect(await dialog.getByRole('button', { name: 'Copy with the secret' }).count()).toBe(0);
    expect(await dialog.textContent()).toContain('In browser mode the app never copies the secret itself');
    expect((await dialog.getByRole('link').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href))).sort()).toEqual(
      Object.values(EXTERNAL_LINKS).sort(),
    );
    await page.getByText("Docs' placeholder").click();
    await expect.poll(() => box.inputValue()).toContain('INFLUX_API_TOKEN');
    const command = await box.inputValue();
    await shot(page, '06-copy-as-curl');
    expect(command).toBe(
      [
        `curl --request POST ${url} \\`,
        `  --header "Authorization: Token INFLUX_API_TOKEN" \\`,
        `  --data-binary "${DOCS_EXAMPLE}"`,
      ].join('\n'),
    );
    expect(command).not.toContain(server.token);
    await page.keyboard.press('Escape');
  });

  it('history survives a restart of the server', async () => {
    await server.stop();
    // What the first send wrote is in the endpoint's store.
    const stored = sorted(await readBucket(server.dataDir, 'default'));
    const t = '1577836800000000000';
    expect(stored.filter((p) => p.measurement === 'measurement')).toEqual(
      sorted([
        pt('measurement', { host: 'host1' }, { field1: int(2), field2: float(2) }, t),
        pt('measurement', { host: 'host2' }, { field1: int(14), field2: float(12.7) }, t),
        pt('measurement', { host: 'host3' }, { field1: int(5), field2: float(6.8) }, t),
      ]),
    );
    server = await startServer({ dataDir: server.dataDir, token: server.token });
    await signIn(page, server.url, server.token);
    await page.getByRole('button', { name: 'History' }).click();
    const history = page.getByRole('dialog', { name: 'History' });
    await history.waitFor();
    await expect.poll(async () => (await history.textContent()) ?? '').toMatch(/204/);
    await expect.poll(async () => (await history.textContent()) ?? '').toMatch(/400/);
    await shot(page, '07-history-after-restart');
    await page.getByLabel('Search history').fill('host2');
    await expect.poll(async () => (await history.textContent()) ?? '').not.toMatch(/400/);
  });
});
