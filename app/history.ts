// Send history: one JSON line per send in <dir>/history.jsonl, appended and fsynced, so it
// survives restarts and crashes (a torn last line is skipped). Newest first when listed.
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HistoryEntry } from './contract.js';

export const HISTORY_CAP = 5000;

export class HistoryStore {
  private readonly file: string;
  private entries: HistoryEntry[] | null = null;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = path.join(dir, 'history.jsonl');
  }

  private load(): HistoryEntry[] {
    if (this.entries !== null) return this.entries;
    const out: HistoryEntry[] = [];
    if (existsSync(this.file)) {
      for (const line of readFileSync(this.file, 'utf8').split('\n')) {
        if (line === '') continue;
        try {
          const r = HistoryEntry.safeParse(JSON.parse(line));
          if (r.success) out.push(r.data);
        } catch {
          // a torn or foreign line: skipped, the rest is kept
        }
      }
    }
    this.entries = out;
    return out;
  }

  add(e: HistoryEntry): void {
    const all = this.load();
    all.push(e);
    if (all.length > HISTORY_CAP) {
      all.splice(0, all.length - HISTORY_CAP);
      this.rewrite(all);
      return;
    }
    const fd = openSync(this.file, 'a', 0o600);
    try {
      appendFileSync(fd, JSON.stringify(e) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
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
    this.entries = [];
    this.rewrite([]);
  }

  private rewrite(all: HistoryEntry[]): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, all.map((e) => JSON.stringify(e) + '\n').join(''), { mode: 0o600 });
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.file);
  }
}

function matches(e: HistoryEntry, q: string): boolean {
  const hay = [e.profileName, e.url, e.db, e.rp, e.org, e.bucket, e.precision, String(e.status), e.excerpt, e.responseExcerpt].join('\n').toLowerCase();
  return hay.includes(q);
}
