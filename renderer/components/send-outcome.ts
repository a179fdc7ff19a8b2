// A send's answer as the composer shows it: the stored sentence and the editor's marks, one per
// line the server named, each with that line's own reason.
import type { SendResult } from '../../app/contract.js';

/** `Nothing was written: …`, `4 of 6 points written; lines 2 and 5 dropped`, capitalised. */
export function storedSentence(r: SendResult): string {
  const s = r.stored?.sentence ?? (r.status >= 200 && r.status < 300 ? 'written' : 'not written');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The editor's marks: `server: <reason>` for a line refused, `server dropped this point: <reason>` for a partial write's. */
export function serverMarks(r: SendResult): { line: number; message: string }[] {
  if (r.lineErrors !== undefined) return r.lineErrors.map((v) => ({ line: v.line, message: `${v.outcome === 'dropped' ? 'server dropped this point' : 'server'}: ${v.reason}` }));
  return r.errorLines.map((line) => ({ line, message: 'server: named as bad' }));
}
