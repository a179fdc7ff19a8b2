// Messages between the editor and the lint worker.
import type { DocumentStats } from '../../lineprotocol/incremental.js';
import type { TargetKind } from '../../lineprotocol/target.js';
import type { Diagnostic, Precision } from '../../lineprotocol/types.js';

/** The text is checked by the rules of the selected target (its profile), timestamps in `precision`. */
export interface LintOptions {
  target: TargetKind;
  precision: Precision;
  /** InfluxDB 3 targets: precision auto (each timestamp's unit guessed from its magnitude). */
  autoPrecision?: boolean;
}

export type ToWorker =
  | { type: 'set'; version: number; text: string; options: LintOptions }
  | { type: 'edit'; version: number; changes: { from: number; to: number; insert: string }[] }
  | { type: 'options'; version: number; options: LintOptions };

export interface FromWorker {
  version: number;
  stats: DocumentStats;
  /**
   * The first MAX_SHOWN diagnostics in document order (counts are in stats): the whole list, or
   * what changed in the list last sent (a keystroke changes a few), or null: the same as last sent.
   */
  diagnostics: Diagnostic[] | DiagnosticsPatch | null;
  ms: number;
  /** False while the cross-line checks are still to come. */
  complete: boolean;
  /** Share of the text checked so far: below 1 while a big text is checked in slices (stats and diagnostics cover that part). */
  progress: number;
}

/** The list last sent with `remove` items from `at` replaced by `insert`. */
export interface DiagnosticsPatch {
  at: number;
  remove: number;
  insert: Diagnostic[];
}

/** The diagnostics a message says, given those of the message before. */
export function applyDiagnostics(before: Diagnostic[], d: FromWorker['diagnostics']): Diagnostic[] {
  if (d === null) return before;
  if (Array.isArray(d)) return d;
  return [...before.slice(0, d.at), ...d.insert, ...before.slice(d.at + d.remove)];
}

export const MAX_SHOWN = 2000;
