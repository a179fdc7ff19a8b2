// A file from disk dragged onto the page, as a user's drag from the desktop: the File comes from a
// real (hidden) file input, the only way a page gets one, and rides in a DataTransfer through
// dragenter, dragover and drop.
import type { Page } from 'playwright-core';

type DragWindow = { __testDrag: { dt: DataTransfer; target: Element } };

/** The file-picker step: the file in a DataTransfer aimed at `selector`, kept on the page for the drag events. */
async function pickFileToDrag(page: Page, selector: string, filePath: string): Promise<void> {
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.id = 'test-drag-source';
    input.style.display = 'none';
    document.body.append(input);
  });
  await page.locator('#test-drag-source').setInputFiles(filePath);
  await page.evaluate((sel) => {
    const input = document.getElementById('test-drag-source') as HTMLInputElement;
    const dt = new DataTransfer();
    dt.items.add(input.files![0]);
    input.remove();
    const target = document.querySelector(sel);
    if (target === null) throw new Error(`no element matches ${sel}`);
    (window as unknown as DragWindow).__testDrag = { dt, target };
  }, selector);
}

/** Fires drag events, in order, with the picked file at its target. */
async function fireDrag(page: Page, types: readonly string[]): Promise<void> {
  await page.evaluate((ts) => {
    const { dt, target } = (window as unknown as DragWindow).__testDrag;
    for (const type of ts) target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
  }, types);
}

/** Drops a file from disk on an element: dragenter, dragover and drop at once. */
export async function dropFileOn(page: Page, selector: string, filePath: string): Promise<void> {
  await pickFileToDrag(page, selector, filePath);
  await fireDrag(page, ['dragenter', 'dragover', 'drop']);
}

/** Drags a file from disk over an element (dragenter, dragover) and holds it there; drop() releases it. */
export async function dragFileOver(page: Page, selector: string, filePath: string): Promise<{ drop: () => Promise<void> }> {
  await pickFileToDrag(page, selector, filePath);
  await fireDrag(page, ['dragenter', 'dragover']);
  return { drop: () => fireDrag(page, ['drop']) };
}
