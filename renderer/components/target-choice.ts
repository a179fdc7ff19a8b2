// Which database the composer starts with, and when a send's answer means "this database does
// not exist here" (so the composer can offer to create it). Pure: tested without a browser.
import type { SendResult } from '../../app/contract.js';

export interface DatabaseOption {
  db: string;
  rps: string[];
}

/**
 * The database to show once the target's list is known: the current one if the target has it
 * (or the user changed it meanwhile, or the list is unknown), else the profile's if it exists
 * there, else the target's first. Never a name the target does not have, unless the user typed it.
 */
export function pickDatabase(current: string, profileDefault: string | undefined, options: readonly DatabaseOption[]): string {
  if (options.length === 0) return current;
  const has = (name: string | undefined) => name !== undefined && name !== '' && options.some((o) => o.db === name);
  if (has(current)) return current;
  if (current !== (profileDefault ?? '')) return current;
  return has(profileDefault) ? profileDefault! : options[0].db;
}

export interface MissingDatabase {
  db: string;
  rp: string;
  /** The endpoint's own hint (X-Lpstudio-Hint), when it gave one. */
  hint?: string;
}

/** This app's endpoint answered a /write with 404 "no dbrp mapping found": db (and rp) name nothing it has. */
export function missingDatabaseOf(result: SendResult, sent: { db?: string; rp?: string }, toThisEndpoint: boolean): MissingDatabase | undefined {
  if (!toThisEndpoint || result.status !== 404 || sent.db === undefined || sent.db === '') return undefined;
  if (!/no dbrp mapping found/.test(result.body)) return undefined;
  const hint = result.headers.find(([k]) => k.toLowerCase() === 'x-lpstudio-hint')?.[1];
  return { db: sent.db, rp: sent.rp ?? '', hint };
}

/** The bucket a missing db/rp becomes: `db` for the default or autogen rp, `db/rp` otherwise (as the endpoint maps names). */
export function bucketNameFor(m: Pick<MissingDatabase, 'db' | 'rp'>): string {
  return m.rp === '' || m.rp === 'autogen' ? m.db : `${m.db}/${m.rp}`;
}
