// Which paths the desktop opens as files, by their text alone: absolute, no NUL, of a type the
// app opens. The app service checks this, and so does Electron's main process before a call
// from the window reaches the service (electron/open-file-check.ts adds the disk checks).
import path from 'node:path';
import { FILE_TYPES } from '../contract.js';

/** Why `file` is refused as a path to open, or null. */
export function openPathRefusal(file: string): string | null {
  if (file.includes('\0')) return 'the path contains a NUL character';
  if (!path.isAbsolute(file)) return 'give the file by its absolute path';
  const name = path.basename(file);
  if (!FILE_TYPES.test(name)) return `"${name}" is not a line-protocol file: open a .lp, .txt or .gz file`;
  return null;
}
