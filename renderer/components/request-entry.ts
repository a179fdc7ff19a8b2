// What "Open in composer" takes from a logged request: the body and the write's settings as the
// request carried them (db, rp, precision from its query; a v2 write's bucket as the database,
// since this endpoint maps every bucket name to a database).
import type { RequestEntry } from '../../app/contract.js';
import { parsePrecision } from '../../lineprotocol/precision.js';
import type { Precision } from '../../lineprotocol/types.js';

export interface ComposerLoad {
  body: string;
  db: string;
  rp: string;
  precision: Precision;
}

export function composerLoadOf(e: Pick<RequestEntry, 'path' | 'query' | 'body' | 'db' | 'rp' | 'precision'>): ComposerLoad {
  const q = new URLSearchParams(e.query ?? '');
  const v2 = e.path === '/api/v2/write';
  const raw = q.get('precision') ?? e.precision ?? '';
  return {
    body: e.body ?? '',
    db: (v2 ? q.get('bucket') : (e.db ?? q.get('db'))) ?? '',
    rp: v2 ? '' : (e.rp ?? q.get('rp') ?? ''),
    precision: (raw === '' ? undefined : parsePrecision(raw)) ?? 'ns',
  };
}

/** The list line's facts, without empty slots: `12:00:01 · 127.0.0.1 · token (admin) · db default · ns · 3 ms`. */
export function requestFacts(e: RequestEntry, time: string): string {
  const auth = e.auth ?? (e.status === 401 ? 'not authenticated' : 'no auth');
  const target = [e.db, e.rp].filter(Boolean).join('/') || e.bucket || '';
  return [
    time,
    e.client,
    e.api === undefined ? '' : `API ${e.api}`,
    auth,
    target === '' ? '' : `db ${target}`,
    e.precision ?? '',
    `${e.durationMs} ms`,
    e.lines !== undefined ? `${e.lines} lines` : '',
  ]
    .filter((s) => s !== '')
    .join(' · ');
}
