// End to end, "what the composer shows must be true", in Chromium against a real `lpstudio
// serve`: each line the server names carries its own reason (Problems list and editor), every
// answer says in one sentence what was stored and marks the lines (a 400, a 422 partial write),
// the outcome is in view at 1024x700 after Ctrl+Enter (status line, split response), the upload
// report is in view with the right file lines, and state does not drift (a saved connection
// keeps the precision, replay clears the stale answer, Basic asks for a username and password).
// Screenshots: test-output/e2e/truth-*.png.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse } from '../../lineprotocol/parse.js';
import { makeTempDir, type RunningServer } from '../support/serve.js';
import { choose, closeSignedIn, openSignedIn, pasteText, setEditorText, shot as saveShot, SHOTS_DIR, waitForStatus } from './support/browser.js';

let server: RunningServer;
let browser: Browser;
let page: Page;
const shot = (name: string) => saveShot(page, `truth-${name}`);
const viewShot = (name: string) => page.screenshot({ path: path.join(SHOTS_DIR, `truth-${name}.png`) });
const response = () => page.getByRole('region', { name: 'Response' });
const lastSend = () => page.getByRole('status', { name: 'Last send' });
const problemItems = () => page.getByLabel('Problems').locator('li');
const marked = () => page.locator('.cm-line.cm-server-error');

/** Calls the app API from the signed-in page (its session cookie). */
const call = (method: string, input: unknown) =>
  page.evaluate(
    async ([m, i]) => {
      const r = await fetch(`/app-api/${m}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(i) });
      return (await r.json()) as unknown;
    },
    [method, input] as const,
  );

async function send(status: RegExp): Promise<void> {
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect.poll(async () => (await lastSend().textContent()) ?? '', { timeout: 15_000 }).toMatch(status);
}

/** The lint tooltip of an editor line, hovered at its first character (where only the server's diagnostic starts). */
async function tooltipAt(lineIndex: number): Promise<string> {
  await page.mouse.move(0, 0);
  await page.locator('.cm-tooltip-lint').waitFor({ state: 'hidden' });
  await page.locator('.cm-line').nth(lineIndex).locator('.cm-lintRange-error').first().hover({ position: { x: 3, y: 5 } });
  const tip = page.locator('.cm-tooltip-lint');
  await tip.waitFor();
  return (await tip.textContent()) ?? '';
}

/** Replaces the editor's text by a paste (one transaction: fast for big texts). */
async function pasteOver(text: string): Promise<void> {
  await setEditorText(page, '');
  await pasteText(page, text);
}

function inViewport(box: { x: number; y: number; width: number; height: number } | null, w: number, h: number): boolean {
  return box !== null && box.y >= 0 && box.x >= 0 && box.y + box.height <= h && box.x + box.width <= w;
}

beforeAll(async () => {
  ({ server, browser, page } = await openSignedIn({ server: { args: ['--auto-create-buckets'] }, page: { viewport: { width: 1440, height: 900 } } }));
});
afterAll(() => closeSignedIn({ browser }));

// Bad lines 1 and 6, with different reasons; lines 2-5 valid.
const SIX = ['cpu,host=a usage=', 'cpu,host=a usage=1 1', 'cpu,host=a usage=2 2', 'cpu,host=a usage=3 3', 'cpu,host=a usage=4 4', 'cpu,host=b usage=5 12x'].join('\n');

it('six lines, bad lines 1 and 6: each carries its own server reason, once, in the Problems list and the editor; the 400 says nothing was written', async () => {
  // InfluxDB's own reasons for those lines, from the engine that agrees with its parser.
  const expected = parse(SIX).errors.map((e) => ({ line: e.line, reason: e.reason }));
  expect(expected.map((e) => e.line)).toEqual([1, 6]);
  expect(expected[0].reason).not.toBe(expected[1].reason);
  await setEditorText(page, SIX);
  await waitForStatus(page, /2 errors/);
  await send(/^400 Bad Request/);

  // Problems list: one server entry per named line, with that line's reason.
  const serverItems = problemItems().filter({ hasText: 'server:' });
  await expect.poll(() => serverItems.count()).toBe(2);
  for (const { line, reason } of expected) {
    const items = problemItems().filter({ hasText: new RegExp(`Line ${line}, column \\d+: server: `) });
    expect(await items.count()).toBe(1);
    expect(await items.first().textContent()).toContain(`server: ${reason}`);
  }
  expect(await serverItems.nth(1).textContent()).not.toContain(expected[0].reason);

  // The editor: both lines marked; the diagnostic at each carries its own reason, once.
  await expect.poll(() => marked().count()).toBe(2);
  expect(await marked().allTextContents()).toEqual(['cpu,host=a usage=', 'cpu,host=b usage=5 12x']);
  for (const [index, { reason }, other] of [[0, expected[0], expected[1]], [5, expected[1], expected[0]]] as const) {
    const tip = await tooltipAt(index);
    expect(tip.split(`server: ${reason}`).length - 1).toBe(1);
    expect(tip).not.toContain(`server: ${other.reason}`);
    if (index === 5) await shot('01-two-reasons-tooltip');
  }
  await page.mouse.move(0, 0);

  // What was stored, in one sentence, in the response and in the status line.
  await expect.poll(async () => (await response().getByTestId('response-stored').textContent()) ?? '').toMatch(/^Nothing was written: InfluxDB rejects the whole batch when a line is bad \(lines 1 and 6\)/);
  expect(await lastSend().textContent()).toMatch(/^400 Bad Request · \d+ ms — Nothing was written: InfluxDB rejects the whole batch/);
  const listed = response().getByLabel('Lines the server named').locator('li');
  expect(await listed.allTextContents()).toEqual(expected.map(({ line, reason }) => `line ${line}: server: ${reason}`));
  await shot('02-400-nothing-written');
});

it('2,000 lines with 20 bad ones of different kinds: each marked line carries its own reason, none repeats line 1\'s', async () => {
  const kinds = ['v=', 'v=1 12x', 'v=1i2', 'v="open 1', 'v=tru'];
  const lines = Array.from({ length: 2000 }, (_, i) => {
    const n = i + 1;
    return n % 100 === 7 ? `big,host=h${n} ${kinds[(n - 7) / 100 % kinds.length]}`.replace('"open 1', `"open${n}`) : `big,host=h${n} v=${n} ${n}`;
  });
  // An unbalanced quote would swallow the next lines: close it on the same line instead.
  const text = lines.map((l) => (l.includes('"open') ? `${l}" x` : l)).join('\n');
  const expected = parse(text).errors.map((e) => ({ line: e.line, reason: e.reason }));
  expect(expected).toHaveLength(20);
  expect(new Set(expected.map((e) => e.reason)).size).toBeGreaterThan(2);
  await pasteOver(text);
  await waitForStatus(page, /2,000 lines · 1,980 points · 20 errors/);
  await send(/^400 Bad Request .* — Nothing was written: InfluxDB rejects the whole batch/);
  const serverItems = problemItems().filter({ hasText: 'server:' });
  await expect.poll(() => serverItems.count()).toBe(20);
  const got = (await serverItems.allTextContents()).map((t) => {
    const m = /Line (\d+), column \d+: server: (.*?)(?: — .*)?$/.exec(t)!;
    return { line: Number(m[1]), reason: m[2] };
  });
  expect(got).toEqual(expected);
  await viewShot('02b-2000-lines-own-reasons');
}, 120_000);

it('a 422 partial write: "4 of 6 points written; lines 2 and 5 dropped", the dropped lines marked, the JSON wrapped', async () => {
  await setEditorText(page, 'conflict,host=a usage=1.5 1');
  await waitForStatus(page, /0 errors/);
  await send(/^204 No Content .* — 1 of 1 point written/);
  expect(await marked().count()).toBe(0);
  // Integers into the float field already stored: those two points are dropped, the rest stored.
  const doc = ['1.5 10', '2i 20', '3.5 30', '4.5 40', '5i 50', '6.5 60'].map((v) => `conflict,host=a usage=${v}`).join('\n');
  await setEditorText(page, doc);
  await waitForStatus(page, /6 lines · 6 points · 0 errors/);
  await send(/^422 Unprocessable Entity · \d+ ms — 4 of 6 points written; lines 2 and 5 dropped$/);
  expect(await response().getByTestId('response-stored').textContent()).toBe('4 of 6 points written; lines 2 and 5 dropped.');
  await expect.poll(() => marked().allTextContents()).toEqual(['conflict,host=a usage=2i 20', 'conflict,host=a usage=5i 50']);
  const dropped = problemItems().filter({ hasText: 'server dropped this point: field type conflict' });
  expect((await dropped.allTextContents()).map((t) => /Line (\d+)/.exec(t)?.[1])).toEqual(['2', '5']);
  // The answer's JSON wraps inside the panel: `dropped=2` is on screen, nothing overflows sideways.
  const body = response().locator('.lp-response-body');
  expect(await body.textContent()).toContain('dropped=2');
  expect(await body.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  // And it is true: 4 of the 6 are stored, the two integers are not.
  const bucketId = ((await call('listBuckets', {})) as { id: string; name: string }[]).find((b) => b.name === 'default')!.id;
  const stored = (await call('readPoints', { bucketId, measurement: 'conflict', limit: 100 })) as { points: { time: string }[] };
  expect(stored.points.map((p) => p.time).sort()).toEqual(['1', '10', '30', '40', '60']);
  await shot('03-422-partial-write');
});

it('1024x700: after Ctrl+Enter the outcome is in view (status line and the response beside the editor); the split resizes by keyboard', async () => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await setEditorText(page, 'small,host=a v=1 1\nsmall,host=a v=2 2');
  await waitForStatus(page, /2 points · 0 errors/);
  await page.getByLabel('Line protocol').press('Control+Enter');
  await expect.poll(async () => (await lastSend().textContent()) ?? '', { timeout: 15_000 }).toMatch(/^204 No Content · \d+ ms — 2 of 2 points written$/);
  await expect.poll(async () => (await response().getByTestId('response-status').textContent()) ?? '').toMatch(/^204/);
  expect(inViewport(await lastSend().boundingBox(), 1024, 700)).toBe(true);
  expect(inViewport(await response().getByTestId('response-status').boundingBox(), 1024, 700)).toBe(true);
  expect(inViewport(await response().getByTestId('response-stored').boundingBox(), 1024, 700)).toBe(true);
  await viewShot('04-1024x700-after-ctrl-enter');

  const handle = page.getByRole('separator', { name: 'Resize the editor and the response' });
  const before = Number(await handle.getAttribute('aria-valuenow'));
  const widthBefore = (await response().boundingBox())!.width;
  await handle.focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  expect(Number(await handle.getAttribute('aria-valuenow'))).toBe(before - 10);
  expect((await response().boundingBox())!.width).toBeGreaterThan(widthBefore);
  await viewShot('05-1024x700-split-resized');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  // And by dragging: the handle follows the pointer.
  const h = (await handle.boundingBox())!;
  await page.mouse.move(h.x + h.width / 2, h.y + 40);
  await page.mouse.down();
  await page.mouse.move(h.x + h.width / 2 + 150, h.y + 40, { steps: 5 });
  await page.mouse.up();
  expect(Number(await handle.getAttribute('aria-valuenow'))).toBeGreaterThan(before + 10);
  await page.keyboard.press('Home');
  await page.keyboard.press('End');
  await handle.dblclick();
  expect(Number(await handle.getAttribute('aria-valuenow'))).toBe(before);
});

it('1920x1080 and 1440x900: the response is beside the editor, the status line at the foot', async () => {
  for (const [w, hgt] of [[1920, 1080], [1440, 900]] as const) {
    await page.setViewportSize({ width: w, height: hgt });
    const editorBox = (await page.locator('.lp-editor-frame').boundingBox())!;
    const responseBox = (await response().boundingBox())!;
    expect(responseBox.x).toBeGreaterThan(editorBox.x + editorBox.width);
    expect(Math.abs(responseBox.y - editorBox.y)).toBeLessThan(2);
    expect(inViewport(await lastSend().boundingBox(), w, hgt)).toBe(true);
    await viewShot(`04b-${w}x${hgt}`);
  }
  await page.setViewportSize({ width: 1024, height: 700 });
});

it('1024x700: the upload report is in view when done, with the file lines of its conflicts (53 and 56)', async () => {
  const file = path.join(makeTempDir('lpstudio-e2e-truth-'), 'conflicts.lp');
  const lines = ['# uploads, one point a second'];
  for (let n = 2; n <= 60; n++) lines.push(`upl,host=a usage=${n === 53 || n === 56 ? `${n}i` : `${n}.5`} ${1_700_000_000 + n}000000000`);
  writeFileSync(file, lines.join('\n') + '\n');
  await page.getByLabel('Line-protocol file').setInputFiles(file);
  const dialog = page.getByRole('dialog', { name: 'Upload conflicts.lp' });
  await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
  const report = dialog.getByLabel('Upload report');
  await report.waitFor({ timeout: 30_000 });
  await expect.poll(async () => inViewport(await report.boundingBox(), 1024, 700)).toBe(true);
  const rejected = report.getByLabel('Rejected lines').locator('li');
  expect((await rejected.allTextContents()).map((t) => /^line (\d+):/.exec(t)?.[1])).toEqual(['53', '56']);
  expect(await rejected.first().textContent()).toContain('field type conflict: input field "usage" on measurement "upl" is type integer, already exists as type float');
  expect(await report.textContent()).toContain('57 points written');
  await viewShot('06-1024x700-upload-report-in-view');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  await page.setViewportSize({ width: 1440, height: 900 });
});

it('saving a new connection keeps the composer precision (ms), not the connection default (ns)', async () => {
  await choose(page, 'Precision', /\(ms\)/);
  await page.getByRole('button', { name: 'New connection' }).click();
  const m = page.getByRole('dialog', { name: 'Connection' });
  await m.waitFor();
  await m.getByLabel('Name').fill('Another influx');
  await m.getByLabel('URL').fill('http://127.0.0.1:9');
  await m.getByLabel('Organization').fill('o');
  await m.getByLabel('Bucket').fill('b');
  await m.getByRole('button', { name: 'Save connection' }).click();
  await m.waitFor({ state: 'hidden' });
  await expect.poll(() => page.getByRole('combobox', { name: 'Target' }).inputValue()).toBe('Another influx');
  await expect.poll(() => page.locator('input').and(page.getByLabel('Precision', { exact: true })).inputValue()).toMatch(/\(ms\)/);
  await shot('07-connection-saved-keeps-ms');
  await page.getByRole('combobox', { name: 'Target' }).click();
  await page.getByRole('option', { name: "This app's endpoint" }).click();
  await choose(page, 'Precision', /\(ns\)/);
});

it('replay from History clears the stale response and its marked lines', async () => {
  await setEditorText(page, 'replayed,host=a v=1 1');
  await waitForStatus(page, /0 errors/);
  await send(/^204/);
  await setEditorText(page, SIX);
  await waitForStatus(page, /2 errors/);
  await send(/^400/);
  await expect.poll(() => marked().count()).toBe(2);
  await page.getByRole('button', { name: 'History' }).click();
  const h = page.getByRole('dialog', { name: 'History' });
  await h.waitFor();
  await h.locator('.lp-history-entry', { hasText: 'replayed,host=a v=1 1' }).first().getByRole('button', { name: 'Replay' }).click();
  await h.waitFor({ state: 'hidden' });
  expect(await page.locator('.cm-content').textContent()).toBe('replayed,host=a v=1 1');
  await expect.poll(async () => (await response().textContent()) ?? '').not.toMatch(/400|lines 1 and 6/);
  expect(await response().getByTestId('response-status').count()).toBe(0);
  expect(await marked().count()).toBe(0);
  expect(await problemItems().filter({ hasText: 'server' }).count()).toBe(0);
  expect(await lastSend().textContent()).toMatch(/^Loaded from history \(sent .*, answered 204\), not sent since: Ctrl\+Enter sends\.$/);
  await shot('08-replay-cleared');
});

it('Basic asks for a username and password, refuses to send without them, and sends the v1 user\'s', async () => {
  const user = page.getByLabel('Username', { exact: true });
  const password = page.getByLabel('Password', { exact: true });
  expect(await user.count()).toBe(0);
  await choose(page, 'Authentication', /Basic/);
  await user.waitFor();
  await password.waitFor();
  await setEditorText(page, 'basic,host=a v=1 1');
  await waitForStatus(page, /0 errors/);
  // Nothing typed: refused with a sentence, not sent with the app's token.
  const before = ((await call('listRequests', {})) as unknown[]).length;
  await send(/^Not sent: Basic authentication needs a username and password/);
  expect(((await call('listRequests', {})) as unknown[]).length).toBe(before);
  await shot('09-basic-asks');
  // A v1 user of the local endpoint.
  const bucketId = ((await call('listBuckets', {})) as { id: string; name: string }[]).find((b) => b.name === 'default')!.id;
  await call('createV1User', { username: 'telegraf', password: 'pa55word', writeBucketId: bucketId });
  await user.fill('telegraf');
  await password.fill('wrong');
  await send(/^401 Unauthorized .* — Nothing was written: the server refused the request \(401\)/);
  await password.fill('pa55word');
  await send(/^204 No Content .* — 1 of 1 point written/);
  const requests = (await call('listRequests', {})) as { auth?: string; status: number }[];
  expect(requests.some((r) => r.status === 204 && /^basic \(telegraf\)/.test(r.auth ?? ''))).toBe(true);
  await shot('10-basic-sent-as-v1-user');
});
