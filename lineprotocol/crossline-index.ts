// The cross-line checks of crossline.ts kept incrementally for the editor: every point adds its
// contribution (its series+time, its fields with their types) and removes it again when an edit
// replaces its line, so after an edit only the edited lines' contributions change. The findings
// are exactly those of checking the whole document from the top (which line is "first" included):
// each key keeps its members, the first of them cached (and looked for again only when it is
// removed); findings are listed only for keys with more than one member or type.
import { duplicate, typeConflict, type CheckedPoint } from './crossline.js';
import type { Diagnostic, FieldType } from './types.js';

/** A point as the index holds it: `line` is kept current by the owner as lines move. */
export interface IndexedPoint extends CheckedPoint {
  /** Columns the warning underlines (the record's first line, from its first non-blank character). */
  column: number;
  endColumn: number;
}

/** One field of one point, in the point's field order. */
interface FieldUse {
  point: IndexedPoint;
  index: number;
  type: FieldType;
}

interface Members<T> {
  all: Set<T>;
  /** The earliest member in document order; null when it was removed and must be looked for. */
  first: T | null;
}

interface SeriesTime {
  kind: 'duplicate';
  points: Members<IndexedPoint>;
}

interface FieldKey {
  kind: 'field';
  measurement: string;
  key: string;
  /** Uses per type (only types with at least one use). */
  types: Map<FieldType, Members<FieldUse>>;
}

function pointBefore(a: IndexedPoint, b: IndexedPoint): boolean {
  return a.line < b.line;
}

function useBefore(a: FieldUse, b: FieldUse): boolean {
  return a.point.line < b.point.line || (a.point === b.point && a.index < b.index);
}

function firstOf<T>(m: Members<T>, before: (a: T, b: T) => boolean): T {
  if (m.first === null) {
    for (const x of m.all) if (m.first === null || before(x, m.first)) m.first = x;
  }
  return m.first!;
}

function addMember<T>(m: Members<T>, x: T, before: (a: T, b: T) => boolean): void {
  m.all.add(x);
  if (m.first !== null && before(x, m.first)) m.first = x;
}

function removeMember<T>(m: Members<T>, x: T): void {
  m.all.delete(x);
  if (m.first === x) m.first = null;
}

export class CrossLineIndex {
  private series = new Map<string, Map<string, SeriesTime>>();
  private fields = new Map<string, Map<string, FieldKey>>();
  /** Per point, its field uses (so they can be removed again). */
  private uses = new Map<IndexedPoint, FieldUse[]>();
  /** Keys that currently yield findings: more than one point, or more than one type. */
  private conflicted = new Set<SeriesTime | FieldKey>();

  add(p: IndexedPoint): void {
    let times = this.series.get(p.series);
    if (times === undefined) this.series.set(p.series, (times = new Map()));
    let st = times.get(p.time);
    if (st === undefined) times.set(p.time, (st = { kind: 'duplicate', points: { all: new Set(), first: p } }));
    addMember(st.points, p, pointBefore);
    if (st.points.all.size > 1) this.conflicted.add(st);

    let keys = this.fields.get(p.measurement);
    if (keys === undefined) this.fields.set(p.measurement, (keys = new Map()));
    const uses: FieldUse[] = new Array(p.fields.length);
    for (let j = 0; j < p.fields.length; j++) {
      const f = p.fields[j];
      const use: FieldUse = { point: p, index: j, type: f.type };
      uses[j] = use;
      let fk = keys.get(f.key);
      if (fk === undefined) keys.set(f.key, (fk = { kind: 'field', measurement: p.measurement, key: f.key, types: new Map() }));
      let m = fk.types.get(f.type);
      if (m === undefined) fk.types.set(f.type, (m = { all: new Set(), first: use }));
      addMember(m, use, useBefore);
      if (fk.types.size > 1) this.conflicted.add(fk);
    }
    this.uses.set(p, uses);
  }

  remove(p: IndexedPoint): void {
    const times = this.series.get(p.series)!;
    const st = times.get(p.time)!;
    removeMember(st.points, p);
    if (st.points.all.size === 0) {
      times.delete(p.time);
      if (times.size === 0) this.series.delete(p.series);
    }
    if (st.points.all.size < 2) this.conflicted.delete(st);

    const keys = this.fields.get(p.measurement)!;
    for (const use of this.uses.get(p)!) {
      const fk = keys.get(p.fields[use.index].key)!;
      const m = fk.types.get(use.type)!;
      removeMember(m, use);
      if (m.all.size === 0) fk.types.delete(use.type);
      if (fk.types.size === 0) keys.delete(fk.key);
      if (fk.types.size < 2) this.conflicted.delete(fk);
    }
    if (keys.size === 0) this.fields.delete(p.measurement);
    this.uses.delete(p);
  }

  /** The findings, as checking the document from the top would report them, in line order. */
  diagnostics(): Diagnostic[] {
    const found: { point: IndexedPoint; order: number; code: string; message: string; hint: string }[] = [];
    for (const c of this.conflicted) {
      if (c.kind === 'duplicate') {
        const first = firstOf(c.points, pointBefore);
        for (const p of c.points.all) {
          if (p !== first) found.push({ point: p, order: Infinity, ...duplicate(p.timestamped, first.line) });
        }
      } else {
        let first: FieldUse | null = null;
        for (const m of c.types.values()) {
          const f = firstOf(m, useBefore);
          if (first === null || useBefore(f, first)) first = f;
        }
        for (const [type, m] of c.types) {
          if (type === first!.type) continue;
          for (const use of m.all) {
            found.push({ point: use.point, order: use.index, ...typeConflict(c.measurement, c.key, type, first!.type, first!.point.line) });
          }
        }
      }
    }
    found.sort((a, b) => a.point.line - b.point.line || a.order - b.order);
    return found.map((f) => ({
      line: f.point.line,
      column: f.point.column,
      endColumn: f.point.endColumn,
      severity: 'warning',
      code: f.code,
      message: f.message,
      hint: f.hint,
    }));
  }
}
