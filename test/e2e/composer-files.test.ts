// End to end, Open and Save in browser mode against a real `lpstudio serve`: a small file dropped
// on the editor opens as a document, is edited and saved (downloaded) with its line endings and
// trailing newline; a big file on the editor, or any file dropped elsewhere, goes to the upload
// dialog; Open… (Ctrl+O) and Save as…. Screenshots: test-output/e2e/files-*.png.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/serve.js';
import { closeSignedIn, openSignedIn, shot } from './support/browser.js';
import { dropFileOn } from './support/drag-file.js';
import { editorText } from './support/workbench.js';

let browser: Browser;
let page: Page;
let dir: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  ({ browser, page } = await openSignedIn({ page: { acceptDownloads: true } }));
  page.on('pageerror', (e) => pageErrors.push(e.message));
  dir = makeTempDir('lpstudio-files-');
});
afterAll(() => closeSignedIn({ browser }));

const tab = (name: string) => page.getByRole('tab', { name, exact: true });
const dot = (name: string) => tab(name).getByTestId('unsaved-dot');
const downloaded = async (d: Download) => readFileSync((await d.path())!, 'utf8');

describe('open and save', () => {
  it('a small file dropped on the editor opens as a document; edited and saved, the download has the edit and its CRLF line endings', async () => {
    const file = path.join(dir, 'notes.lp');
    writeFileSync(file, 'a,host=x v=1 1\r\nb v=2 2\r\n');
    await dropFileOn(page, '.lp-editor .cm-content', file);
    await expect.poll(() => tab('notes.lp').getAttribute('aria-selected')).toBe('true');
    expect(await dot('notes.lp').count()).toBe(0);
    // Edited with LF lines (no CRLF warning), the trailing newline kept.
    await expect.poll(() => editorText(page)).toBe('a,host=x v=1 1\nb v=2 2\n');
    await page.getByLabel('Line protocol').click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('End');
    await page.keyboard.type('0');
    await dot('notes.lp').waitFor();
    await shot(page, 'files-dropped-edited');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Control+S')]);
    expect(download.suggestedFilename()).toBe('notes.lp');
    expect(await downloaded(download)).toBe('a,host=x v=1 10\r\nb v=2 2\r\n');
    await dot('notes.lp').waitFor({ state: 'detached' });
    // Nothing of it went to the upload dialog.
    expect(await page.getByRole('dialog').count()).toBe(0);
  });

  it('a file dropped anywhere else goes to the upload dialog, as before', async () => {
    const file = path.join(dir, 'elsewhere.lp');
    writeFileSync(file, 'up v=1 1\n');
    await dropFileOn(page, '.lp-app h3', file);
    const dialog = page.getByRole('dialog', { name: 'Upload elsewhere.lp' });
    await dialog.getByRole('table', { name: 'File summary' }).waitFor();
    expect(await tab('elsewhere.lp').count()).toBe(0);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('a file over 10 MB dropped on the editor goes to the upload dialog too', async () => {
    const file = path.join(dir, 'big.lp');
    const line = 'big,host=a v=1 1700000000000000000\n';
    writeFileSync(file, line.repeat(Math.ceil((10 * 1024 * 1024 + 1) / line.length)));
    await dropFileOn(page, '.lp-editor .cm-content', file);
    const dialog = page.getByRole('dialog', { name: 'Upload big.lp' });
    await dialog.getByRole('table', { name: 'File summary' }).waitFor({ timeout: 30_000 });
    expect(await tab('big.lp').count()).toBe(0);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('Open… (Ctrl+O) opens a picked file; Save as… downloads it under a new name, its bytes as they were', async () => {
    const file = path.join(dir, 'plain.txt');
    const text = 'p,k=1 v=1 1\np,k=2 v=2 2'; // LF, no trailing newline
    writeFileSync(file, text);
    await page.getByLabel('Line protocol').click();
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Control+O')]);
    await chooser.setFiles(file);
    await expect.poll(() => tab('plain.txt').getAttribute('aria-selected')).toBe('true');
    expect(await editorText(page)).toBe(text);
    await page.getByRole('button', { name: 'File', exact: true }).click();
    await page.getByRole('menuitem', { name: /Save as/ }).click();
    const ask = page.getByRole('dialog', { name: 'Save as' });
    await ask.getByLabel('File name').fill('renamed');
    await shot(page, 'files-save-as');
    const [download] = await Promise.all([page.waitForEvent('download'), ask.getByRole('button', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toBe('renamed.lp');
    expect(await downloaded(download)).toBe(text);
    await tab('renamed.lp').waitFor();
    // The File menu's Open… is the same picker.
    await page.getByRole('button', { name: 'File', exact: true }).click();
    const [again] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('menuitem', { name: /Open/ }).click()]);
    expect(again.isMultiple()).toBe(false);
    await again.setFiles([]);
  });

  it('the page threw no errors along the way', () => {
    expect(pageErrors).toEqual([]);
  });
});
