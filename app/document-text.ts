// A file's text as a composer document, and back: line endings and the trailing newline are kept
// as the file had them. A file whose every line ends in CRLF is edited with LF lines and written
// with CRLF again; any other file (LF, or mixed) is edited as it is, so its bytes come back
// unchanged. Pure: used by the renderer (browser mode) and by the desktop's main process.
import type { LineEnding } from './contract.js';

/** Largest file opened into the editor; bigger ones go to the upload dialog. */
export const MAX_OPEN_BYTES = 10 * 1024 * 1024;

export function documentOfFile(raw: string): { text: string; eol: LineEnding } {
  const lf = (raw.match(/\n/g) ?? []).length;
  const crlf = (raw.match(/\r\n/g) ?? []).length;
  if (crlf > 0 && crlf === lf) return { text: raw.replace(/\r\n/g, '\n'), eol: 'crlf' };
  return { text: raw, eol: 'lf' };
}

export function fileOfDocument(text: string, eol: LineEnding): string {
  return eol === 'crlf' ? text.replace(/\r?\n/g, '\r\n') : text;
}
