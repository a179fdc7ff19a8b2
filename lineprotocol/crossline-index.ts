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

interface Members<T> {
  all: Set<T>;
  /** The earliest member in document order; null when it was removed and must be looked for. */
  first: T | null;
}

interface SeriesTime {
  kind: 'duplicate';
  points: Members<IndexedPoint>;
}

/**
 * The points of one measurement sharing one field list object (the parser shares it among records
 * with the same field keys and types), so a field key's uses are registered once per layout, not
 * once per point.
 */
interface Layout {
  measurement: string;
  fields: IndexedPoint['fields'];
  points: Members<IndexedPoint>;
}

interface FieldKey {
  kind: 'field';
  measurement: string;
  key: string;
  /** Per type, the layouts using the key with that type and at which field positions. */
  types: Map<FieldType, Map<Layout, number[]>>;
}

function pointBefore(a: IndexedPoint, b: IndexedPoint): boolean {
  return a.line < b.line;
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
  private layouts = new Map<string, Map<IndexedPoint['fields'], Layout>>();
  private fields = new Map<string, Map<string, FieldKey>>();
  /** Keys that currently yield findings: more than one point, or more than one type. */
  private conflicted = new Set<SeriesTime | FieldKey>();

  add(p: IndexedPoint): void {
    let times = this.series.get(p.series);
    if (times === undefined) this.series.set(p.series, (times = new Map()));
    let st = times.get(p.time);
    if (st === undefined) times.set(p.time, (st = { kind: 'duplicate', points: { all: new Set(), first: p } }));
    addMember(st.points, p, pointBefore);
    if (st.points.all.size > 1) this.conflicted.add(st);

    let byList = this.layouts.get(p.measurement);
    if (byList === undefined) this.layouts.set(p.measurement, (byList = new Map()));
    let layout = byList.get(p.fields);
    if (layout === undefined) {
      byList.set(p.fields, (layout = { measurement: p.measurement, fields: p.fields, points: { all: new Set(), first: p } }));
      this.register(layout);
    }
    addMember(layout.points, p, pointBefore);
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

    const byList = this.layouts.get(p.measurement)!;
    const layout = byList.get(p.fields)!;
    removeMember(layout.points, p);
    if (layout.points.all.size === 0) {
      this.unregister(layout);
      byList.delete(p.fields);
      if (byList.size === 0) this.layouts.delete(p.measurement);
    }
  }

  private register(layout: Layout): void {
    let keys = this.fields.get(layout.measurement);
    if (keys === undefined) this.fields.set(layout.measurement, (keys = new Map()));
    for (let j = 0; j < layout.fields.length; j++) {
      const f = layout.fields[j];
      let fk = keys.get(f.key);
      if (fk === undefined) keys.set(f.key, (fk = { kind: 'field', measurement: layout.measurement, key: f.key, types: new Map() }));
      let uses = fk.types.get(f.type);
      if (uses === undefined) fk.types.set(f.type, (uses = new Map()));
      const at = uses.get(layout);
      if (at === undefined) uses.set(layout, [j]);
      else at.push(j);
      if (fk.types.size > 1) this.conflicted.add(fk);
    }
  }

  private unregister(layout: Layout): void {
    const keys = this.fields.get(layout.measurement)!;
    for (const f of layout.fields) {
      const fk = keys.get(f.key);
      if (fk === undefined) continue; // a key twice in the list: already gone
      const uses = fk.types.get(f.type);
      if (uses === undefined) continue;
      uses.delete(layout);
      if (uses.size === 0) fk.types.delete(f.type);
      if (fk.types.size === 0) keys.delete(f.key);
      if (fk.types.size < 2) this.conflicted.delete(fk);
    }
    if (keys.size === 0) this.fields.delete(layout.measurement);
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
        // The first use: the earliest (line, field position) over every layout using the key.
        let firstType: FieldType | null = null;
        let firstLine = Infinity;
        let firstAt = Infinity;
        for (const [type, uses] of c.types) {
          for (const [layout, at] of uses) {
            const line = firstOf(layout.points, pointBefore).line;
            if (line < firstLine || (line === firstLine && at[0] < firstAt)) {
              firstType = type;
              firstLine = line;
              firstAt = at[0];
            }
          }
        }
        for (const [type, uses] of c.types) {
          if (type === firstType) continue;
          for (const [layout, at] of uses) {
            for (const p of layout.points.all) {
              for (const j of at) found.push({ point: p, order: j, ...typeConflict(c.measurement, c.key, type, firstType!, firstLine) });
            }
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
