// The main process's own check of `openFile` from the window, before the call reaches the app
// service (which checks again, and the endpoint process too): the path's text
// (app/files/open-path.ts), then the disk: a regular file, and a symbolic link only to a file of
// a type the app opens. No `electron` import: tested under Node with real files.
import { lstat, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { openPathRefusal } from '../app/files/open-path.js';

/** Why the main process refuses to open `file` for the window, or null. */
export async function openFileRefusal(file: string): Promise<string | null> {
  const refused = openPathRefusal(file);
  if (refused !== null) return refused;
  const name = path.basename(file);
  if (path.normalize(file) !== file) return `the path of "${name}" is not in its plain form (no "..", "." or doubled separators): give the file's own path`;
  try {
    const link = await lstat(file);
    if (link.isSymbolicLink()) {
      const target = await realpath(file);
      const why = openPathRefusal(target);
      if (why !== null) return `"${name}" is a link to ${target}, which is refused: ${why}`;
    }
    // A FIFO or a device named x.lp would block or never end: only regular files.
    if (!(await stat(file)).isFile()) return `"${name}" is not a file`;
  } catch (e) {
    // A missing file: the service answers not-found, naming it.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return `cannot read "${name}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
  return null;
}
