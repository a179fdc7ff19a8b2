// Line protocol of streamed read batches (export): byte for byte the lines serializePoint
// writes, made without an object or a string per point. A series' measurement and tags, and
// each field key, are serialized once by serializePoint itself and kept as bytes; values and
// times are written as digits straight from the decoded columns. A point with a string field
// (escaping, newline checks) goes through serializePoint whole.
import { formatFloat, serializePoint } from '../../lineprotocol/serialize.js';
import type { Field, FieldType } from '../../lineprotocol/types.js';
import type { PointBatch } from './api.js';
import { timeString } from './rows.js';

const PROBE = { key: 'x', type: 'int', value: '0' } as const satisfies Field;
const NL = 10;
const SPACE = 32;
const COMMA = 44;

export class LineFormatter {
  private readonly prefixes = new WeakMap<object, Buffer>();
  /** Field key as written, with `=` after it. */
  private readonly keys = new Map<string, Buffer>();
  private buf = Buffer.allocUnsafe(1 << 16);
  private o = 0;
  private first = true;
  /** The last time written without a string field: where its digits are in buf. */
  private lastSec = NaN;
  private lastNs = NaN;
  private lastAt = 0;
  private lastLen = 0;
  private hasString = false;
  private readonly onField = (key: string, type: FieldType, value: number | string | boolean): void => {
    if (type === 'string') {
      this.hasString = true;
      return;
    }
    let k = this.keys.get(key);
    if (k === undefined) {
      // `m k=0i` → `k=`: the key as serializePoint escapes it.
      k = Buffer.from(serializePoint({ measurement: 'm', fields: [{ key, type: 'int', value: '0' }] }).slice(2, -2), 'utf8');
      this.keys.set(key, k);
    }
    this.ensure(k.length + 32);
    this.buf[this.o++] = this.first ? SPACE : COMMA;
    this.first = false;
    this.copy(k);
    switch (type) {
      case 'float':
        this.ascii(formatFloat(value as number));
        break;
      case 'int':
      case 'uint':
        if (typeof value === 'number') this.int(value);
        else this.ascii(value as string);
        this.buf[this.o++] = type === 'int' ? 105 : 117; // i, u
        break;
      default:
        this.ascii(value === true || value === 1 ? 'true' : 'false');
    }
  };

  /** The batch's points as lines, each ending in a newline. */
  lines(batch: PointBatch): Buffer {
    this.o = 0;
    this.lastSec = NaN;
    for (let i = 0; i < batch.length; i++) this.line(batch, i);
    return Buffer.from(this.buf.subarray(0, this.o));
  }

  /** Point i of the batch as one line (no newline). */
  lineOf(batch: PointBatch, i: number): string {
    this.o = 0;
    this.lastSec = NaN;
    this.line(batch, i);
    return this.buf.toString('utf8', 0, this.o - 1);
  }

  private line(batch: PointBatch, i: number): void {
    const start = this.o;
    const s = batch.series(i);
    let prefix = this.prefixes.get(s);
    if (prefix === undefined) {
      prefix = Buffer.from(serializePoint({ measurement: s.measurement, tags: s.tags, fields: [PROBE] }).slice(0, -' x=0i'.length), 'utf8');
      this.prefixes.set(s, prefix);
    }
    this.ensure(prefix.length + 64);
    this.copy(prefix);
    this.first = true;
    this.hasString = false;
    batch.eachStoredField(i, this.onField);
    if (this.hasString) {
      this.o = start;
      const p = batch.point(i);
      const text = serializePoint({ measurement: p.measurement, tags: p.tags, fields: p.fields, time: p.time }) + '\n';
      this.ensure(Buffer.byteLength(text));
      this.o += this.buf.write(text, this.o, 'utf8');
      return;
    }
    this.ensure(32);
    this.buf[this.o++] = SPACE;
    const sec = batch.timeSec(i);
    const ns = batch.timeNs(i);
    // In time order, neighbours often share a time (every series at each interval): its digits
    // are copied from the last line that wrote them.
    if (sec === this.lastSec && ns === this.lastNs) {
      this.buf.copyWithin(this.o, this.lastAt, this.lastAt + this.lastLen);
      this.o += this.lastLen;
      this.buf[this.o++] = NL;
      return;
    }
    const at = this.o;
    if (sec > 0) {
      this.int(sec);
      // ns, nine digits
      let x = ns;
      for (let e = this.o + 8; e >= this.o; e--) {
        const q = Math.floor(x / 10);
        this.buf[e] = 48 + (x - q * 10);
        x = q;
      }
      this.o += 9;
    } else if (sec === 0) this.int(ns);
    else this.ascii(timeString(sec, ns));
    this.lastSec = sec;
    this.lastNs = ns;
    this.lastAt = at;
    this.lastLen = this.o - at;
    this.buf[this.o++] = NL;
  }

  private ensure(n: number): void {
    if (this.o + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.o + n) size *= 2;
    const b = Buffer.allocUnsafe(size);
    this.buf.copy(b, 0, 0, this.o);
    this.buf = b;
  }

  /** Short byte strings: a loop beats a call into C++ for each; long ones (a series' tags) are copied natively. */
  private copy(b: Buffer): void {
    const buf = this.buf;
    let o = this.o;
    if (b.length > 48) {
      buf.set(b, o);
      this.o = o + b.length;
      return;
    }
    for (let j = 0; j < b.length; j++) buf[o++] = b[j];
    this.o = o;
  }

  /** Text known to be ASCII (numbers). */
  private ascii(t: string): void {
    this.ensure(t.length);
    const buf = this.buf;
    let o = this.o;
    for (let j = 0; j < t.length; j++) buf[o++] = t.charCodeAt(j);
    this.o = o;
  }

  /** An exact integer's digits. */
  private int(v: number): void {
    if (v < 0) {
      this.buf[this.o++] = 45; // -
      v = -v;
    }
    let len = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) len++;
    let e = this.o + len;
    let x = v;
    while (e > this.o) {
      const q = Math.floor(x / 10);
      this.buf[--e] = 48 + (x - q * 10);
      x = q;
    }
    this.o += len;
  }
}
