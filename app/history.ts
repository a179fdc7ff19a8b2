// Send history: one JSON line per send in <dir>/history.jsonl, appended and fsynced, so it
// survives restarts and crashes (a torn last line is skipped). Newest first when listed.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { sweepAtomicTemps, writeFileAtomicSync } from '../server/fs/atomic-file.js';
import { HistoryEntry } from './contract.js';

export const HISTORY_CAP = 5000;
/** Whole bodies kept for replay, in characters, across all entries: older ones keep only their excerpt. */
export const BODY_BUDGET = 64 * 1024 * 1024;
/** The file may hold this many lines beyond the cap before it is rewritten: one rewrite per 500 sends, not one per send. */
const SLACK = 500;

export class HistoryStore {
  readonly file: string;
  private entries: HistoryEntry[] | null = null;
  /** Lines in the file (valid or not), to know when to compact it. */
  private fileLines = 0;
  private fileChars = 0;
  /** The file ends without a newline (a torn append): the next append starts a new line first. */
  private torn = false;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = path.join(dir, 'history.jsonl');
    sweepAtomicTemps(this.file);
  }

  private load(): HistoryEntry[] {
    if (this.entries !== null) return this.entries;
    const out: HistoryEntry[] = [];
    if (existsSync(this.file)) {
      const text = readFileSync(this.file, 'utf8');
      this.fileChars = text.length;
      this.torn = text !== '' && !text.endsWith('\n');
      for (const line of text.split('\n')) {
        if (line === '') continue;
        this.fileLines++;
        try {
          const r = HistoryEntry.safeParse(JSON.parse(line));
          if (r.success) out.push(r.data);
        } catch {
          // a torn or foreign line: skipped, the rest is kept
        }
      }
    }
    this.entries = out.length > HISTORY_CAP ? out.slice(out.length - HISTORY_CAP) : out;
    this.trimBodies(this.entries);
    return this.entries;
  }

  /** Drops the whole bodies of the oldest entries beyond BODY_BUDGET; true when any was dropped. */
  private trimBodies(all: HistoryEntry[]): boolean {
    let kept = 0;
    let trimmed = false;
    for (let i = all.length - 1; i >= 0; i--) {
      const b = all[i].body;
      if (b === undefined) continue;
      if (kept + b.length > BODY_BUDGET) {
        all[i] = { ...all[i], body: undefined };
        trimmed = true;
      } else kept += b.length;
    }
    return trimmed;
  }

  add(e: HistoryEntry): void {
    const all = this.load();
    all.push(e);
    if (all.length > HISTORY_CAP) all.splice(0, all.length - HISTORY_CAP);
    this.trimBodies(all);
    // Rewritten now and then: by line count, or when old bodies make the file twice the budget.
    if (this.fileLines + 1 > HISTORY_CAP + SLACK || this.fileChars > 2 * BODY_BUDGET) {
      this.rewrite(all);
      return;
    }
    const fd = openSync(this.file, 'a', 0o600);
    try {
      const line = (this.torn ? '\n' : '') + JSON.stringify(e) + '\n';
      writeSync(fd, line);
      this.fileChars += line.length;
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.torn = false;
    this.fileLines++;
  }

  list(query?: string, limit = 200): HistoryEntry[] {
    const q = query?.trim().toLowerCase() ?? '';
    const out: HistoryEntry[] = [];
    const all = this.load();
    for (let i = all.length - 1; i >= 0 && out.length < limit; i--) {
      const e = all[i];
      if (q === '' || matches(e, q)) out.push(e);
    }
    return out;
  }

  clear(): void {
    this.load();
    this.entries = [];
    this.rewrite([]);
  }

  /** Replaces the file atomically and durably with exactly these entries. */
  private rewrite(all: HistoryEntry[]): void {
    const text = all.map((e) => JSON.stringify(e) + '\n').join('');
    this.fileChars = text.length;
    writeFileAtomicSync(this.file, text, { mode: 0o600 });
    this.fileLines = all.length;
    this.torn = false;
  }
}

function matches(e: HistoryEntry, q: string): boolean {
  const hay = [e.profileName, e.url, e.db, e.rp, e.org, e.bucket, e.precision, String(e.status), e.excerpt, e.responseExcerpt].join('\n').toLowerCase();
  return hay.includes(q);
}
