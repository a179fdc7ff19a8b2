// TEST-ONLY fault injection for the write-ahead log's disk calls. Nothing here runs unless the
// environment variable LPSTUDIO_FAULTS names a file; the fault suites set it on the `lpstudio
// serve` they start, and no other code path sets it.
//
// The file holds one fault per line, `<site> <errno>`, e.g. `wal-fsync EIO` or `wal-write ENOSPC`
// (sites: wal-write, wal-fsync). A fault holds while its line is in the file, so a test clears it
// by rewriting or deleting the file; the file is read at every call (a stat and a small read).
import { readFileSync } from 'node:fs';

export type FaultSite = 'wal-write' | 'wal-fsync';

const FAULTS_FILE = process.env.LPSTUDIO_FAULTS;

/** Throws the injected error for this site, as the real call would fail. */
export function injectFault(site: FaultSite): void {
  if (FAULTS_FILE === undefined || FAULTS_FILE === '') return;
  let text: string;
  try {
    text = readFileSync(FAULTS_FILE, 'utf8');
  } catch {
    return; // no file: no fault
  }
  for (const line of text.split('\n')) {
    const [s, code] = line.trim().split(/\s+/);
    if (s !== site || code === undefined) continue;
    const e = new Error(`${code}: injected fault (${site}, test only)`) as NodeJS.ErrnoException;
    e.code = code.toUpperCase();
    throw e;
  }
}
