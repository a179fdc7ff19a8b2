// Points to line protocol text. Output follows the reference encoder (lp-v2's Encoder, as the
// line-protocol corpus records it): measurement escapes `,` and space; tag keys, tag values
// and field keys escape `,` `=` space; string values escape `\` and `"` and keep newlines raw;
// tags sorted by key (UTF-8 byte order); floats in Go's shortest 'g' form (`6.632243e+06`).
//
// Every line is meant to read back to the same point. What a dialect's parser cannot read back
// is refused with a SerializeError naming the element, never written wrongly:
// - all dialects: empty names, no fields, NaN/±Inf, integers out of range, a name ending in a
//   backslash (it would escape the delimiter after it), a measurement starting with `#` (a
//   comment line), a newline in a name, lone surrogates (not encodable as UTF-8), repeated tag
//   keys, times out of range or not a whole number of the precision unit;
// - influxdb1/influxdb2 (the scanner of InfluxDB's models/points.go, see influx.ts):
//   * the measurement drops a backslash before `"` and `=` as well, so those two are escaped
//     when they follow a backslash (`a\=b` is written `a\\=b`);
//   * field keys are read by two passes that disagree about backslashes (issue #9954): an odd
//     run of backslashes right before `,` `=` or space in a field key cannot be written;
//   * a measurement, or the first field key, starting with a tab or NUL (skipped as
//     whitespace); tag keys `_field` `_measurement` `time` and NUL (2.x only); unsigned
//     integers (1.x only); series keys over 65535 bytes;
//   * a line InfluxDB's line splitter (scanLine, which skips `\x` pairs and counts quotes its
//     own way) would not end at its newline: possible only with a backslash in the measurement
//     or a tag, or a newline in a string value, and then checked on the finished line.
// - reference (lp-v2): control characters (0x00-0x1F, 0x7F) in names.
// Pure TS: no DOM or Node APIs.
import { compareUtf8, influxRecordEnd, MAX_KEY_LENGTH, utf8Length } from './influx.js';
import { MAX_TIME, MIN_TIME, UNIT_NS } from './precision.js';
import type { Dialect, Field, Precision, Tag } from './types.js';

export interface SerializablePoint {
  measurement: string;
  tags?: Tag[];
  fields: Field[];
  /** Nanoseconds since the epoch (decimal string or bigint); omitted: no timestamp is written. */
  time?: string | bigint;
}

export interface SerializeOptions {
  /** Unit of the written timestamp (default ns). */
  precision?: Precision;
  /** Whose parser must read the text back (default influxdb2). */
  dialect?: Dialect;
}

/** Which part of a point could not be written. */
export type SerializeElement = 'measurement' | 'tag key' | 'tag value' | 'field key' | 'field value' | 'fields' | 'time' | 'line';

/** A point that cannot be written as line protocol the chosen dialect reads back. */
export class SerializeError extends Error {
  readonly element: SerializeElement;
  /** Stable machine-readable reason, e.g. `trailing-backslash`, `non-finite-float`. */
  readonly code: string;
  constructor(element: SerializeElement, code: string, message: string) {
    super(message);
    this.name = 'SerializeError';
    this.element = element;
    this.code = code;
  }
}

const TAB = 9;
const NL = 10;
const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const COMMA = 44;
const MINUS = 45;
const EQUALS = 61;
const BACKSLASH = 92;

// ASCII characters that send a name down the slow path: anything escaped or checked.
const SPECIAL = new Uint8Array(128);
for (let c = 0; c < 32; c++) SPECIAL[c] = 1;
for (const c of [SPACE, QUOTE, COMMA, EQUALS, BACKSLASH, 127]) SPECIAL[c] = 1;

const KIND_MEASUREMENT = 0;
const KIND_TAG_KEY = 1;
const KIND_TAG_VALUE = 2;
const KIND_FIELD_KEY = 3;
const KIND_ELEMENT: readonly SerializeElement[] = ['measurement', 'tag key', 'tag value', 'field key'];

/** A name quoted for a message. */
function q(s: string): string {
  return JSON.stringify(s);
}

function fail(element: SerializeElement, code: string, message: string): never {
  throw new SerializeError(element, code, `cannot serialize point: ${message}`);
}

/** `measurement "cpu"`, `tag key "host"`, `tag value of "host"`, `field key "v"`. */
function describe(kind: number, s: string, owner: string | undefined): string {
  return kind === KIND_TAG_VALUE ? `tag value of ${q(owner ?? '')}` : `${KIND_ELEMENT[kind]} ${q(s)}`;
}

/**
 * The escaped form of a name. `owner` is the tag key when kind is a tag value. The common case
 * (nothing to escape or check) is one charCodeAt loop and returns the string itself.
 */
function escapeName(s: string, kind: number, influx: boolean, owner?: string): string {
  const n = s.length;
  if (n === 0) {
    fail(KIND_ELEMENT[kind], 'empty', kind === KIND_TAG_VALUE ? `tag value of ${q(owner ?? '')} is empty` : `${KIND_ELEMENT[kind]} is empty`);
  }
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 128 ? SPECIAL[c] === 1 : c >= 0xd800 && c <= 0xdfff) break;
  }
  if (kind === KIND_MEASUREMENT && s.charCodeAt(0) === HASH) {
    fail('measurement', 'comment', `measurement ${q(s)} starts with "#": the line would be read as a comment`);
  }
  if (i === n) return s;
  return escapeSlow(s, i, kind, influx, owner);
}

function escapeSlow(s: string, from: number, kind: number, influx: boolean, owner: string | undefined): string {
  const n = s.length;
  const first = s.charCodeAt(0);
  if (influx && kind === KIND_MEASUREMENT && (first === TAB || first === 0)) {
    fail('measurement', 'leading-whitespace', `measurement ${q(s)} starts with a tab or NUL, which InfluxDB skips as whitespace`);
  }
  let out = '';
  let copied = 0; // s[copied, i) is still to be appended
  let run = 0; // backslashes right before i (s[from - 1] is never one: backslashes are special)
  for (let i = from; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === BACKSLASH) {
      run++;
      if (kind !== KIND_FIELD_KEY) keyBackslash = true;
      continue;
    }
    let esc = false;
    if (c === COMMA || c === SPACE) esc = true;
    else if (c === EQUALS) esc = kind !== KIND_MEASUREMENT || (influx && run > 0);
    else if (c === QUOTE) esc = influx && run > 0 && (kind === KIND_MEASUREMENT || kind === KIND_FIELD_KEY);
    else if (c < 32 || c === 127) {
      if (c === NL) fail(KIND_ELEMENT[kind], 'newline', `${describe(kind, s, owner)} contains a newline, which line protocol cannot hold in a name`);
      if (!influx) {
        fail(KIND_ELEMENT[kind], 'control-character', `${describe(kind, s, owner)} contains the control character U+${c.toString(16).padStart(4, '0').toUpperCase()}, which lp-v2 refuses in names`);
      }
    } else if (c >= 0xd800 && c <= 0xdfff) {
      if (c <= 0xdbff && i + 1 < n) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          i++;
          run = 0;
          continue;
        }
      }
      fail(KIND_ELEMENT[kind], 'lone-surrogate', `${describe(kind, s, owner)} contains a lone surrogate (U+${c.toString(16).toUpperCase()}), which is not valid UTF-8`);
    }
    if (esc) {
      if (influx && kind === KIND_FIELD_KEY && c !== QUOTE && (run & 1) === 1) {
        fail(
          'field key',
          'field-key-backslash',
          `field key ${q(s)} has an odd number of backslashes before ${q(s[i])}: InfluxDB's two field-key passes read that differently (issue #9954), so it cannot be written`,
        );
      }
      out += s.slice(copied, i) + '\\';
      copied = i;
    }
    run = 0;
  }
  if (run > 0) {
    fail(KIND_ELEMENT[kind], 'trailing-backslash', `${describe(kind, s, owner)} ends with a backslash, which would escape the delimiter after it`);
  }
  return out.length === 0 ? s : out + s.slice(copied);
}

/** Set while writing a point: a backslash in the measurement or a tag. */
let keyBackslash = false;
/** Set while writing a point: a newline in a string value. */
let strNewline = false;

/** The escaped body of a string field value (without the quotes); sets strNewline. */
function escapeString(s: string, key: string): string {
  const n = s.length;
  let out = '';
  let copied = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > QUOTE && c !== BACKSLASH && c < 0xd800) continue;
    if (c === QUOTE || c === BACKSLASH) {
      out += s.slice(copied, i) + '\\';
      copied = i;
    } else if (c === NL) strNewline = true;
    else if (c >= 0xd800 && c <= 0xdfff) {
      if (c <= 0xdbff && i + 1 < n) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          i++;
          continue;
        }
      }
      fail('field value', 'lone-surrogate', `string value of field ${q(key)} contains a lone surrogate (U+${c.toString(16).toUpperCase()}), which is not valid UTF-8`);
    }
  }
  return out.length === 0 ? s : out + s.slice(copied);
}

// ---- numbers ----

const INT64_MAX = '9223372036854775807';
const INT64_MIN_ABS = '9223372036854775808';
const UINT64_MAX = '18446744073709551615';

/** Canonical decimal text of an integer value, or null when it is not one in range. */
function canonicalInteger(v: unknown, unsigned: boolean): string | null {
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'bigint') s = v.toString();
  else if (typeof v === 'number' && Number.isSafeInteger(v)) s = String(v);
  else return null;
  const n = s.length;
  const neg = n > 0 && s.charCodeAt(0) === MINUS;
  let i = neg ? 1 : 0;
  if (i === n || (neg && unsigned)) return null;
  for (let j = i; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  // Common case: no leading zero, fewer digits than any limit.
  if (n - i < 19 && (s.charCodeAt(i) !== 48 || (n === 1 && !neg))) return s;
  while (i < n - 1 && s.charCodeAt(i) === 48) i++;
  const digits = s.slice(i);
  const max = unsigned ? UINT64_MAX : neg ? INT64_MIN_ABS : INT64_MAX;
  if (digits.length > max.length || (digits.length === max.length && digits > max)) return null;
  if (digits === '0') return '0';
  return i === (neg ? 1 : 0) ? s : neg ? '-' + digits : digits;
}

/**
 * A float as Go's strconv.FormatFloat(v, 'g', -1, 64) writes it: the shortest digits that read
 * back exactly; exponent form (`1e+06`, `5e-324`, at least two exponent digits) when the decimal
 * exponent is below -4 or at least 6 (Go's threshold for the shortest form); `-0` keeps its sign.
 */
export function formatFloat(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const a = v < 0 ? -v : v;
  // JS and Go agree on plain notation for 1e-4 <= |v| < 1e6 (same shortest digits).
  if (a >= 1e-4 && a < 1e6) return String(v);
  // Shortest digits and decimal exponent from JS's own shortest form.
  const js = String(a);
  let digits: string;
  let exp: number;
  const e = js.indexOf('e');
  if (e >= 0) {
    digits = js.slice(0, e).replace('.', '');
    exp = Number(js.slice(e + 1));
  } else {
    const dot = js.indexOf('.');
    const int = dot < 0 ? js : js.slice(0, dot);
    const frac = dot < 0 ? '' : js.slice(dot + 1);
    if (int !== '0') {
      exp = int.length - 1;
      digits = (int + frac).replace(/0+$/, '');
    } else {
      let z = 0;
      while (frac.charCodeAt(z) === 48) z++;
      exp = -(z + 1);
      digits = frac.slice(z);
    }
  }
  const mant = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
  const ae = exp < 0 ? -exp : exp;
  return (v < 0 ? '-' : '') + mant + (exp < 0 ? 'e-' : 'e+') + (ae < 10 ? '0' + ae : String(ae));
}

function formatValue(f: Field, v1: boolean): string {
  switch (f.type) {
    case 'float': {
      const v = f.value as unknown;
      if (typeof v !== 'number') fail('field value', 'invalid-float', `field ${q(f.key)}: float value is not a number`);
      if (!Number.isFinite(v)) {
        fail('field value', 'non-finite-float', `field ${q(f.key)} is ${v}: line protocol has no NaN or infinite floats`);
      }
      return formatFloat(v);
    }
    case 'int': {
      const s = canonicalInteger(f.value, false);
      if (s === null) fail('field value', 'invalid-integer', `field ${q(f.key)}: ${q(String(f.value))} is not an integer in the int64 range`);
      return s + 'i';
    }
    case 'uint': {
      if (v1) fail('field value', 'unsigned-unsupported', `field ${q(f.key)} is an unsigned integer, which InfluxDB 1.x rejects`);
      const s = canonicalInteger(f.value, true);
      if (s === null) fail('field value', 'invalid-unsigned', `field ${q(f.key)}: ${q(String(f.value))} is not an unsigned integer in the uint64 range`);
      return s + 'u';
    }
    case 'bool': {
      const v = f.value as unknown;
      if (typeof v !== 'boolean') fail('field value', 'invalid-boolean', `field ${q(f.key)}: boolean value is not true or false`);
      return v ? 'true' : 'false';
    }
    case 'string': {
      const v = f.value as unknown;
      if (typeof v !== 'string') fail('field value', 'invalid-string', `field ${q(f.key)}: string value is not a string`);
      return '"' + escapeString(v, f.key) + '"';
    }
    default:
      return fail('field value', 'invalid-type', `field ${q((f as Field).key)} has unknown type ${q(String((f as { type: unknown }).type))}`);
  }
}

// ---- time ----

const MAX_TIME_DIGITS = '9223372036854775806';
const INT64_MIN = -(2n ** 63n);
const INT64_MAX_BIG = 2n ** 63n - 1n;

function formatTime(t: string | bigint, precision: Precision, influx: boolean): string {
  let ns: bigint;
  if (typeof t === 'string') {
    const n = t.length;
    let i = n > 0 && t.charCodeAt(0) === MINUS ? 1 : 0;
    if (i === n) fail('time', 'invalid-time', `time ${q(t)} is not an integer number of nanoseconds`);
    for (let j = i; j < n; j++) {
      const c = t.charCodeAt(j);
      if (c < 48 || c > 57) fail('time', 'invalid-time', `time ${q(t)} is not an integer number of nanoseconds`);
    }
    // Fast path: nanoseconds, canonical, 18 digits (always in range) or 19 within the range.
    if (precision === 'ns' && (t.charCodeAt(i) !== 48 || (n === 1 && i === 0))) {
      if (n - i <= 18) return t;
      if (n - i === 19 && t.slice(i) <= (influx ? MAX_TIME_DIGITS : i === 1 ? INT64_MIN_ABS : INT64_MAX)) return t;
    }
    ns = BigInt(t);
  } else if (typeof t === 'bigint') ns = t;
  else return fail('time', 'invalid-time', `time must be a decimal string or a bigint of nanoseconds`);
  const min = influx ? MIN_TIME : INT64_MIN;
  const max = influx ? MAX_TIME : INT64_MAX_BIG;
  if (ns < min || ns > max) {
    fail('time', 'time-out-of-range', `time ${ns} ns is outside the range ${min} to ${max} that ${influx ? 'InfluxDB' : 'line protocol'} accepts`);
  }
  const unit = UNIT_NS[precision];
  if (unit === 1n) return ns.toString();
  if (ns % unit !== 0n) {
    fail('time', 'time-precision', `time ${ns} ns is not a whole number of ${precision}; round it first or choose a finer precision`);
  }
  return (ns / unit).toString();
}

// ---- points ----

const RESERVED_TAG_KEYS = new Set(['_field', '_measurement', 'time', '\u0000']);

/** Tags sorted by key (UTF-8 byte order); throws on a repeated key. */
function sortedTags(tags: readonly Tag[]): readonly Tag[] {
  let sorted = true;
  for (let i = 1; i < tags.length; i++) {
    const c = compareUtf8(tags[i - 1].key, tags[i].key);
    if (c >= 0) {
      sorted = false;
      break;
    }
  }
  if (sorted) return tags;
  const out = tags.slice().sort((a, b) => compareUtf8(a.key, b.key));
  for (let i = 1; i < out.length; i++) {
    if (out[i - 1].key === out[i].key) fail('tag key', 'duplicate-tag', `tag key ${q(out[i].key)} occurs twice`);
  }
  return out;
}

/** One point as one line of line protocol, without the final newline. */
export function serializePoint(p: SerializablePoint, opts: SerializeOptions = {}): string {
  const dialect = opts.dialect ?? 'influxdb2';
  const influx = dialect !== 'reference';
  const v1 = dialect === 'influxdb1';
  if (typeof p.measurement !== 'string') fail('measurement', 'empty', 'measurement is missing');
  keyBackslash = false;
  strNewline = false;
  let line = escapeName(p.measurement, KIND_MEASUREMENT, influx);
  const tags = p.tags;
  if (tags !== undefined && tags.length > 0) {
    // Reserved keys first, as InfluxDB 2.x's parser reports them before duplicate tags.
    if (influx && !v1) {
      for (const t of tags) {
        if (RESERVED_TAG_KEYS.has(t.key)) fail('tag key', 'reserved-tag-key', `tag key ${q(t.key)} is reserved in InfluxDB 2.x`);
      }
    }
    for (const t of sortedTags(tags)) {
      line += ',' + escapeName(t.key, KIND_TAG_KEY, influx) + '=' + escapeName(t.value, KIND_TAG_VALUE, influx, t.key);
    }
  }
  const fields = p.fields;
  if (fields === undefined || fields.length === 0) fail('fields', 'no-fields', `measurement ${q(p.measurement)} has no fields; a point needs at least one`);
  const seriesChars = line.length;
  let maxKeyChars = 0;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    const key = escapeName(f.key, KIND_FIELD_KEY, influx);
    if (influx && i === 0) {
      const c = key.charCodeAt(0);
      if (c === TAB || c === 0) fail('field key', 'leading-whitespace', `first field key ${q(f.key)} starts with a tab or NUL, which InfluxDB skips as whitespace`);
    }
    if (key.length > maxKeyChars) maxKeyChars = key.length;
    line += (i === 0 ? ' ' : ',') + key + '=' + formatValue(f, v1);
  }
  if (influx && (seriesChars + 4 + maxKeyChars) * 3 > MAX_KEY_LENGTH) checkKeyLength(line.slice(0, seriesChars), fields);
  if (p.time !== undefined) line += ' ' + formatTime(p.time, opts.precision ?? 'ns', influx);
  // InfluxDB finds the end of a line with its own scanner (scanLine), which skips a backslash and
  // the byte after it and counts quotes only after the first space it sees. A backslash right
  // before an escaped space in the key makes it see the fields start early, and a quote in a tag
  // can then open a string that swallows the newline. Check the finished line when that can be.
  if (influx && (keyBackslash || strNewline) && influxRecordEnd(line + '\n', 0) !== line.length) {
    fail(
      'line',
      'line-split',
      `InfluxDB's line splitter would not end this line at its newline (${strNewline ? 'a string value holds a newline and ' : ''}a backslash before an escaped character in the measurement or tags changes how it counts quotes)`,
    );
  }
  return line;
}

function checkKeyLength(series: string, fields: readonly Field[]): void {
  const bytes = utf8Length(series);
  if (bytes > MAX_KEY_LENGTH) fail('line', 'max-key-length', `series key is ${bytes} bytes; InfluxDB allows ${MAX_KEY_LENGTH}`);
  for (const f of fields) {
    const sz = bytes + 4 + utf8Length(escapeName(f.key, KIND_FIELD_KEY, true));
    if (sz > MAX_KEY_LENGTH) fail('field key', 'max-key-length', `series key plus field key ${q(f.key)} is ${sz} bytes; InfluxDB allows ${MAX_KEY_LENGTH}`);
  }
}

/** Points as line protocol, one newline-terminated line each. */
export function serializePoints(points: Iterable<SerializablePoint>, opts: SerializeOptions = {}): string {
  let out = '';
  for (const p of points) out += serializePoint(p, opts) + '\n';
  return out;
}
