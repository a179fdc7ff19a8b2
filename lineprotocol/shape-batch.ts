// The accepted records of one text, kept as their shapes (offsets into the text, in typed arrays)
// so their points can be built later without parsing the text again. The endpoint parses a body
// once, keeps this while the write waits for its fsync, then builds the points a slice at a time
// as the store applies them.
//
// Why shapes and not points: a batch lives across its fsync wait, and 5000 points as objects
// (~45 objects each with their tags, fields and strings) are copied by every scavenge meanwhile
// and promoted to the old generation; measured under lpload -workers 4, the garbage collector
// then took 30% of the endpoint's CPU. A shape is ~80 integers in one growing Int32Array.
import { pointFromShape } from './influx.js';
import { emptyShape, isFailure, type RecordFailure, type RecordShape } from './record.js';
import type { Point } from './types.js';

// Per record in the arena: start, measurementEnd, keyEnd, flags, line, nTags, nFields, then the
// tag spans (3 per tag), the tag order (1 per tag) and the field spans (3 per field).
const HEAD = 7;
const SORTED = 1;
const TIMESTAMPED = 2;

export class ShapeBatch {
  /** Records held. */
  n = 0;
  private arena = new Int32Array(16384);
  private used = 0;
  private at = new Int32Array(256);
  private readonly time: string[] = [];
  /** Records with escapes, whose points were built at once (rare; see add). */
  private readonly built = new Map<number, Point>();
  private readonly scratch: RecordShape = emptyShape();

  constructor(readonly text: string) {
    this.scratch.tagSpans = new Int32Array(24);
    this.scratch.tagOrder = new Int32Array(8);
    this.scratch.fieldSpans = new Int32Array(24);
  }

  /**
   * Keeps an accepted record of the text (its shape as the parser reported it). A record with
   * escapes has its point built now, because only such a record can still fail to build (see
   * pointFromShape): the failure is returned, so the caller counts it as the bad line it is.
   */
  add(sh: RecordShape, line: number): RecordFailure | null {
    const i = this.n;
    if (sh.escaped) {
      const p = pointFromShape(this.text, sh, line);
      if (isFailure(p)) return p;
      this.built.set(i, p);
    }
    const need = HEAD + sh.nTags * 4 + sh.nFields * 3;
    if (this.used + need > this.arena.length) {
      const a = new Int32Array(Math.max(this.arena.length * 2, this.used + need));
      a.set(this.arena.subarray(0, this.used));
      this.arena = a;
    }
    if (i === this.at.length) {
      const a = new Int32Array(i * 2);
      a.set(this.at);
      this.at = a;
    }
    const a = this.arena;
    let o = this.used;
    this.at[i] = o;
    a[o] = sh.start;
    a[o + 1] = sh.measurementEnd;
    a[o + 2] = sh.keyEnd;
    a[o + 3] = (sh.sorted ? SORTED : 0) | (sh.timestamped ? TIMESTAMPED : 0);
    a[o + 4] = line;
    a[o + 5] = sh.nTags;
    a[o + 6] = sh.nFields;
    o += HEAD;
    const ts = sh.tagSpans;
    for (let k = 0; k < sh.nTags * 3; k++) a[o++] = ts[k];
    const to = sh.tagOrder;
    for (let k = 0; k < sh.nTags; k++) a[o++] = to[k];
    const fs = sh.fieldSpans;
    for (let k = 0; k < sh.nFields * 3; k++) a[o++] = fs[k];
    this.used = o;
    this.time[i] = sh.time;
    this.n = i + 1;
    return null;
  }

  /** The points of records [from, to), built now (the caller applies them at once: they die young). */
  points(from: number, to: number): Point[] {
    const out = new Array<Point>(to - from);
    const a = this.arena;
    const sh = this.scratch;
    for (let i = from; i < to; i++) {
      const early = this.built.get(i);
      if (early !== undefined) {
        out[i - from] = early;
        continue;
      }
      let o = this.at[i];
      sh.start = a[o];
      sh.measurementEnd = a[o + 1];
      sh.keyEnd = a[o + 2];
      sh.sorted = (a[o + 3] & SORTED) !== 0;
      sh.timestamped = (a[o + 3] & TIMESTAMPED) !== 0;
      sh.escaped = false;
      const line = a[o + 4];
      const nTags = (sh.nTags = a[o + 5]);
      const nFields = (sh.nFields = a[o + 6]);
      o += HEAD;
      if (sh.tagSpans.length < nTags * 3) {
        sh.tagSpans = new Int32Array(nTags * 3);
        sh.tagOrder = new Int32Array(nTags);
      }
      if (sh.fieldSpans.length < nFields * 3) sh.fieldSpans = new Int32Array(nFields * 3);
      const ts = sh.tagSpans;
      for (let k = 0; k < nTags * 3; k++) ts[k] = a[o++];
      const tor = sh.tagOrder;
      for (let k = 0; k < nTags; k++) tor[k] = a[o++];
      const fs = sh.fieldSpans;
      for (let k = 0; k < nFields * 3; k++) fs[k] = a[o++];
      sh.time = this.time[i];
      const p = pointFromShape(this.text, sh, line);
      // A record without escapes always builds (its values were checked as it was parsed).
      if (isFailure(p)) throw new Error(`internal error: accepted record at line ${line} did not build (${p.reason})`);
      out[i - from] = p;
    }
    return out;
  }
}
