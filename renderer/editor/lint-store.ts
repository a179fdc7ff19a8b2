// The editor's lint results as a small store: only the views that show them (status bar, problems
// list) subscribe, so a keystroke's answer re-renders those two and not the whole composer.
import { useSyncExternalStore } from 'react';
import type { DocumentStats } from '../../lineprotocol/incremental.js';
import type { Diagnostic } from '../../lineprotocol/types.js';

export interface LintState {
  stats: DocumentStats;
  diagnostics: Diagnostic[];
  /** False while the cross-line checks (type conflicts, duplicates) are still running. */
  complete: boolean;
  /** Share of the document checked so far (below 1 while a big document is checked in slices). */
  progress: number;
}

export interface LintStore {
  get(): LintState;
  set(s: LintState): void;
  subscribe(listener: () => void): () => void;
}

export function createLintStore(): LintStore {
  let state: LintState = { stats: { lines: 0, records: 0, points: 0, errors: 0, warnings: 0 }, diagnostics: [], complete: false, progress: 1 };
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set: (s) => {
      state = s;
      for (const l of listeners) l();
    },
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}

/** The part of the lint state a view needs; it re-renders only when that part changes (compare with Object.is). */
export function useLint<T>(store: LintStore, pick: (s: LintState) => T): T {
  return useSyncExternalStore(store.subscribe, () => pick(store.get()));
}
