// Drives Debian's Chromium with playwright-core for the end-to-end tests, against the browser
// mode of a real `lpstudio serve`. Screenshots of each state go to test-output/e2e/ (kept as
// test output, so a reviewer can look at what the test saw).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { cleanup, startServer, type RunningServer, type StartOptions } from '../../support/serve.js';
import { repoRoot } from '../../support/shared.js';

export const CHROMIUM = '/usr/bin/chromium';
export const SHOTS_DIR = path.join(repoRoot, 'test-output', 'e2e');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS_DIR, `${name}.png`), fullPage: true });
}

/** Signs in to the browser mode with a token through the sign-in form. */
export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Line protocol').waitFor({ state: 'visible' });
}

/** One test file's set-up: a `lpstudio serve` child process, Chromium, and a page signed in to it. */
export interface SignedIn {
  server: RunningServer;
  browser: Browser;
  page: Page;
}

export async function openSignedIn(o: { server?: StartOptions; page?: BrowserContextOptions } = {}): Promise<SignedIn> {
  const server = await startServer(o.server);
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, ...o.page });
  await signIn(page, server.url, server.token);
  return { server, browser, page };
}

/** Closes what openSignedIn opened (and every other server and temp dir of the file). */
export async function closeSignedIn(s: { browser?: Browser }): Promise<void> {
  await s.browser?.close();
  await cleanup();
}

/** Replaces the editor's text by a paste (one transaction: fast for big texts). */
export async function pasteText(page: Page, text: string): Promise<void> {
  await page.getByLabel('Line protocol').click();
  await page.evaluate((t) => {
    const dt = new DataTransfer();
    dt.setData('text/plain', t);
    document.querySelector('.cm-content')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, text);
}

/** Replaces the editor's whole text, as a user would (select all, type over). */
export async function setEditorText(page: Page, text: string): Promise<void> {
  const editor = page.getByLabel('Line protocol');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  if (text !== '') await page.keyboard.insertText(text);
}

/** The status bar text, e.g. `3 lines · 3 points · 0 errors · 0 warnings`. */
export async function waitForStatus(page: Page, pattern: RegExp): Promise<string> {
  const status = page.getByRole('status', { name: 'Editor status' });
  await status.filter({ hasText: pattern }).waitFor({ timeout: 15_000 });
  return (await status.textContent()) ?? '';
}

/** Picks an option of a labelled Mantine Select. */
export async function choose(page: Page, label: string, option: string | RegExp): Promise<void> {
  await page.locator('input').and(page.getByLabel(label, { exact: true })).click();
  await page.getByRole('option', { name: option }).click();
}
