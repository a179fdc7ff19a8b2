// The Query tab's history: the last queries run, newest first, kept in this browser's
// localStorage (per origin: the browser mode's address, or the desktop's window). Queries are
// InfluxQL text only, never a credential.
const KEY = 'lpstudio.queryHistory';
const KEEP = 50;

export interface QueryHistoryEntry {
  q: string;
  db: string;
  rp?: string;
  time: string;
}

export function loadHistory(): QueryHistoryEntry[] {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((e): e is QueryHistoryEntry => typeof e?.q === 'string' && typeof e?.db === 'string' && typeof e?.time === 'string').slice(0, KEEP) : [];
  } catch {
    return [];
  }
}

/** Adds a query run (a repeat moves to the top) and returns the new list. */
export function remember(e: QueryHistoryEntry): QueryHistoryEntry[] {
  const list = [e, ...loadHistory().filter((x) => !(x.q === e.q && x.db === e.db && x.rp === e.rp))].slice(0, KEEP);
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    // Storage full or refused: the list lives for this page only.
  }
  return list;
}
