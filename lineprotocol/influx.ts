// The InfluxDB 1.x / 2.x dialects: a faithful reproduction of the hand-written scanner in
// InfluxDB's models/points.go (see ../shared/spec/influxdb-write-compat.md §1), quirks included,
// because the embedded endpoint must accept and reject exactly what InfluxDB does.
// Works on JS strings with charCodeAt; every delimiter is ASCII, so UTF-16 offsets behave
// like InfluxDB's byte offsets for every decision the scanner makes.
import { fail, VALID, type RecordContext, type RecordFailure, type RecordResult, type RecordShape } from './record.js';
import { timestampToNs } from './precision.js';
import type { Field, Point, Tag } from './types.js';

const BACKSLASH = 92;
const SPACE = 32;
const TAB = 9;
const NUL = 0;
const COMMA = 44;
const EQUALS = 61;
const QUOTE = 34;
const NEWLINE = 10;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;

export const MAX_KEY_LENGTH = 65535;

/** Reserved tag keys InfluxDB 2.x refuses at parse time, by length (the 0xFF byte key cannot occur in decoded text). */
const RESERVED_BY_LENGTH: readonly (string | undefined)[] = ['', '\u0000', , , 'time', , '_field', , , , , , '_measurement'];

/** Whether text[k0, k0 + kl) is a reserved tag key; compares in place, allocating nothing. */
function isReservedKey(text: string, k0: number, kl: number): boolean {
  const name = kl < RESERVED_BY_LENGTH.length ? RESERVED_BY_LENGTH[kl] : undefined;
  if (name === undefined || kl === 0) return false;
  for (let k = 0; k < kl; k++) if (text.charCodeAt(k0 + k) !== name.charCodeAt(k)) return false;
  return true;
}

function isWhitespace(c: number): boolean {
  return c === SPACE || c === TAB || c === NUL;
}

/** Skips space, tab and NUL like InfluxDB's skipWhitespace. */
export function skipInfluxWhitespace(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && c !== TAB && c !== NUL) break;
    i++;
  }
  return i;
}

/**
 * InfluxDB's scanLine: the index of the '\n' ending the record that starts at `pos`, or
 * text.length. A newline inside a double-quoted field value does not end the record; a quote
 * only counts after the first space and while more '=' than ',' have been seen, so an
 * unbalanced quote swallows the following lines.
 */
export function influxRecordEnd(text: string, pos: number, len: number = text.length): number {
  let i = pos;
  let quoted = false;
  let fields = false;
  let equals = 0;
  let commas = 0;
  while (i < len) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH && i + 2 < len) {
      i += 2;
      continue;
    }
    if (c === SPACE) fields = true;
    if (fields) {
      if (!quoted && c === EQUALS) {
        i++;
        equals++;
        continue;
      } else if (!quoted && c === COMMA) {
        i++;
        commas++;
        continue;
      } else if (c === QUOTE && equals > commas) {
        i++;
        quoted = !quoted;
        continue;
      }
    }
    if (c === NEWLINE && !quoted) return i;
    i++;
  }
  return len;
}

/** Byte length of a string in UTF-8 (InfluxDB's key limits count bytes). */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 2; // surrogate pair: 4 bytes for its 2 units
      i++;
    } else n += 2;
  }
  return n;
}

/** Byte-wise (UTF-8 order) comparison of two strings, as Go's bytes.Compare. */
export function compareUtf8(a: string, b: string): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      // Surrogates (U+10000 and up) sort after U+E000-U+FFFF in UTF-8.
      if (x >= 0xd800 && y >= 0xd800) {
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x - y;
    }
  }
  return a.length - b.length;
}

/** Index of the first backslash in text[from, to), or -1 (indexOf cannot be bounded). */
function backslashIn(text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === BACKSLASH) return i;
  return -1;
}

/** escape.Unescape: `\,` `\"` `\ ` `\=` become the bare character; any other backslash stays. */
function unescapeName(text: string, start: number, end: number): string {
  let bs = backslashIn(text, start, end);
  if (bs < 0) return text.slice(start, end);
  let out = '';
  let from = start;
  while (bs >= 0 && bs < end) {
    if (bs + 1 < end) {
      const n = text.charCodeAt(bs + 1);
      if (n === COMMA || n === QUOTE || n === SPACE || n === EQUALS) {
        out += text.slice(from, bs);
        from = bs + 1;
        bs = backslashIn(text, bs + 2, end);
        continue;
      }
    }
    bs = backslashIn(text, bs + 1, end);
  }
  return out + text.slice(from, end);
}

/** unescapeTag: `\,` `\ ` `\=` become the bare character; `\\`, `\"` and others stay. */
function unescapeTag(s: string): string {
  if (s.indexOf('\\') < 0) return s;
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length - 1; i++) {
    if (s.charCodeAt(i) !== BACKSLASH) continue;
    const n = s.charCodeAt(i + 1);
    if (n === COMMA || n === SPACE || n === EQUALS) {
      out += s.slice(from, i);
      from = i + 1;
      i++;
    }
  }
  return out + s.slice(from);
}

/** unescapeStringField: only `\\` and `\"` are decoded. */
function unescapeString(text: string, start: number, end: number): string {
  let bs = backslashIn(text, start, end);
  if (bs < 0) return text.slice(start, end);
  let out = '';
  let from = start;
  while (bs >= 0 && bs < end) {
    if (bs + 1 < end) {
      const n = text.charCodeAt(bs + 1);
      if (n === BACKSLASH || n === QUOTE) {
        out += text.slice(from, bs);
        from = bs + 1;
        bs = backslashIn(text, bs + 2, end);
        continue;
      }
    }
    bs = backslashIn(text, bs + 1, end);
  }
  return out + text.slice(from, end);
}

/** Go's %q for the reserved-key message (keys here are short ASCII names or NUL). */
function goQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === QUOTE || c === BACKSLASH) out += '\\' + s[i];
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += s[i];
  }
  return out + '"';
}

/** Normalizes an integer literal (optional '-', digits) to its canonical decimal text. */
function canonicalInteger(text: string, start: number, end: number): string {
  let i = start;
  const neg = text.charCodeAt(i) === MINUS;
  if (neg) i++;
  if (text.charCodeAt(i) !== 48) return text.slice(start, end);
  while (i < end - 1 && text.charCodeAt(i) === 48) i++;
  const digits = text.slice(i, end);
  return digits === '0' || !neg ? digits : '-' + digits;
}

const INT64_MAX = '9223372036854775807';
const INT64_MIN_ABS = '9223372036854775808';
const UINT64_MAX = '18446744073709551615';

/** True when the digit string (no sign, may have leading zeros) is above max. */
function exceeds(digits: string, max: string): boolean {
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 48) i++;
  const n = digits.length - i;
  if (n !== max.length) return n > max.length;
  return digits.slice(i) > max;
}

// Scratch space reused across records: tag spans (key start, '=', value end) and field spans
// (key start, '=', value end), so scanning allocates nothing until points are built.
let tagSpans = new Int32Array(96);
let tagOrder = new Int32Array(32);
let fieldSpans = new Int32Array(96);

/** Compares the raw bytes of text[a0, a1) and text[b0, b1) in UTF-8 order (Go's bytes.Compare). */
function compareRanges(text: string, a0: number, a1: number, b0: number, b1: number): number {
  const la = a1 - a0;
  const lb = b1 - b0;
  const n = la < lb ? la : lb;
  for (let i = 0; i < n; i++) {
    let x = text.charCodeAt(a0 + i);
    let y = text.charCodeAt(b0 + i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x - y;
    }
  }
  return la - lb;
}

function growTags(n: number): void {
  if (n * 3 + 3 <= tagSpans.length) return;
  const next = new Int32Array(tagSpans.length * 2);
  next.set(tagSpans);
  tagSpans = next;
  const order = new Int32Array(tagOrder.length * 2);
  order.set(tagOrder);
  tagOrder = order;
}

function growFields(n: number): void {
  if (n * 3 + 3 <= fieldSpans.length) return;
  const next = new Int32Array(fieldSpans.length * 2);
  next.set(fieldSpans);
  fieldSpans = next;
}

/**
 * Parses one record text[start, end): start is the first non-blank character (the caller has
 * skipped blank and comment lines), end excludes the newline. `v1` selects the 1.x rules.
 */
export function parseInfluxRecord(
  text: string,
  start: number,
  end: number,
  ctx: RecordContext,
  v1: boolean,
): RecordResult {
  // ---- key: measurement (scanMeasurement) ----
  let i = start;
  if (i >= end || text.charCodeAt(i) === COMMA) return fail(i, 'missing measurement', 'missing-measurement');
  let hasTags = false;
  let keyEscaped = false; // any backslash in measurement or tags: only then is unescaping needed
  let prev = text.charCodeAt(i);
  for (;;) {
    i++;
    if (i >= end) return fail(start, 'missing fields', 'missing-fields', end);
    const c = text.charCodeAt(i);
    if (prev === BACKSLASH) {
      prev = c; // escaped: a delimiter right after a backslash does not count
      keyEscaped = true;
      continue;
    }
    prev = c;
    if (c === COMMA) {
      hasTags = true;
      break;
    }
    if (c === SPACE) break;
  }
  const measurementEnd = i;

  // ---- key: tags (scanTags) ----
  let nTags = 0;
  if (hasTags) {
    i++;
    for (;;) {
      const keyStart = i;
      let c = i < end ? text.charCodeAt(i) : -1;
      if (i >= end || c === SPACE || c === COMMA || c === EQUALS) {
        return fail(i, 'missing tag key', 'missing-tag-key');
      }
      prev = c;
      for (;;) {
        i++;
        if (i >= end) return fail(keyStart, 'missing tag value', 'missing-tag-value', end);
        c = text.charCodeAt(i);
        const escaped = prev === BACKSLASH;
        prev = c;
        if (escaped) {
          keyEscaped = true;
          continue;
        }
        if (c === SPACE || c === COMMA) return fail(keyStart, 'missing tag value', 'missing-tag-value', i);
        if (c === EQUALS) break;
      }
      const eq = i;
      i++;
      c = i < end ? text.charCodeAt(i) : -1;
      if (i >= end || c === COMMA || c === SPACE) return fail(keyStart, 'missing tag value', 'missing-tag-value', i);
      let next = 0; // 1: another tag follows, 2: the fields follow
      prev = c;
      while (next === 0) {
        i++;
        if (i >= end) return fail(start, 'missing fields', 'missing-fields', end);
        c = text.charCodeAt(i);
        const escaped = prev === BACKSLASH;
        prev = c;
        if (escaped) {
          keyEscaped = true;
          continue;
        }
        if (c === EQUALS) return fail(i, 'invalid tag format', 'invalid-tag-format');
        if (c === COMMA) next = 1;
        else if (c === SPACE) next = 2;
      }
      growTags(nTags + 1);
      const o = nTags * 3;
      tagSpans[o] = keyStart;
      tagSpans[o + 1] = eq;
      tagSpans[o + 2] = i;
      tagOrder[nTags] = nTags;
      nTags++;
      if (next === 2) break;
      i++;
    }
  }
  const keyEnd = i;

  // Reserved keys before duplicates, in input order: InfluxDB 2.x's scanKey checks them first,
  // so `cpu,time=a,time=b` is refused for the reserved key, not the duplicate.
  if (!v1) {
    for (let j = 0; j < nTags; j++) {
      const k0 = tagSpans[j * 3];
      if (isReservedKey(text, k0, tagSpans[j * 3 + 1] - k0)) {
        const key = text.slice(k0, tagSpans[j * 3 + 1]);
        return fail(k0, `cannot use reserved tag key ${goQuote(key)}`, 'reserved-tag-key', tagSpans[j * 3 + 1]);
      }
    }
  }
  // Duplicates and order on the raw keys; insertion sort when unsorted, as InfluxDB does.
  let sorted = true;
  for (let j = 0; j < nTags - 1; j++) {
    const a = j * 3;
    const cmp = compareRanges(text, tagSpans[a], tagSpans[a + 1], tagSpans[a + 3], tagSpans[a + 4]);
    if (cmp > 0) {
      sorted = false;
      break;
    } else if (cmp === 0) return fail(tagSpans[a + 3], 'duplicate tags', 'duplicate-tags', tagSpans[a + 4]);
  }
  if (!sorted) {
    if (nTags <= 16) {
      // Insertion sort, as InfluxDB: fastest for the usual handful of tags.
      for (let a = 1; a < nTags; a++) {
        const t = tagOrder[a];
        let b = a;
        while (b > 0) {
          const u = tagOrder[b - 1];
          if (compareRanges(text, tagSpans[t * 3], tagSpans[t * 3 + 1], tagSpans[u * 3], tagSpans[u * 3 + 1]) >= 0) break;
          tagOrder[b] = u;
          b--;
        }
        tagOrder[b] = t;
      }
    } else {
      // Same order in O(n log n), so thousands of tags cannot make a line take quadratic time.
      const order = tagOrder.subarray(0, nTags);
      order.sort((t, u) => compareRanges(text, tagSpans[t * 3], tagSpans[t * 3 + 1], tagSpans[u * 3], tagSpans[u * 3 + 1]));
    }
    for (let j = 0; j < nTags - 1; j++) {
      const a = tagOrder[j] * 3;
      const b = tagOrder[j + 1] * 3;
      if (compareRanges(text, tagSpans[a], tagSpans[a + 1], tagSpans[b], tagSpans[b + 1]) === 0) {
        const dup = Math.max(a, b);
        return fail(tagSpans[dup], 'duplicate tags', 'duplicate-tags', tagSpans[dup + 1]);
      }
    }
  }
  // Series key length in bytes (the sorted key has the same length as the written one).
  const keyChars = keyEnd - start;
  const seriesBytes = keyChars * 3 <= MAX_KEY_LENGTH ? keyChars : utf8Length(text.slice(start, keyEnd));
  if (seriesBytes > MAX_KEY_LENGTH) {
    return fail(start, `max key length exceeded: ${seriesBytes} > ${MAX_KEY_LENGTH}`, 'max-key-length', keyEnd);
  }

  // ---- fields: structural scan (scanFields), recording spans as it goes ----
  const fieldsStart = skipInfluxWhitespace(text, keyEnd, end);
  i = fieldsStart;
  let quoted = false;
  let quoteAt = -1;
  let equals = 0;
  let commas = 0;
  let sawBackslash = false;
  let fieldKeyStart = fieldsStart;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH && i + 1 < end) {
      sawBackslash = true;
      i += 2;
      continue;
    }
    if (c === QUOTE && equals > commas) {
      quoted = !quoted;
      if (quoted) quoteAt = i;
      i++;
      continue;
    }
    if (c === EQUALS && !quoted) {
      const f = equals * 3;
      equals++;
      const p1 = text.charCodeAt(i - 1);
      if ((p1 === SPACE || p1 === COMMA) && text.charCodeAt(i - 2) !== BACKSLASH) {
        return fail(i, 'missing field key', 'missing-field-key');
      }
      if (i + 1 >= end) return fail(i + 1, 'missing field value', 'missing-field-value');
      const n = text.charCodeAt(i + 1);
      if (n === COMMA || n === SPACE) return fail(i + 1, 'missing field value', 'missing-field-value');
      growFields(equals);
      fieldSpans[f] = fieldKeyStart;
      fieldSpans[f + 1] = i;
      if ((n >= 48 && n <= 57) || n === DOT || n === MINUS || n === 78 /* N */ || n === 110 /* n */) {
        const r = scanNumber(text, i + 1, end, v1);
        if (typeof r !== 'number') return r;
        i = r;
        continue;
      }
      if (n !== QUOTE) {
        const r = scanBoolean(text, i + 1, end);
        if (typeof r !== 'number') return r;
        i = r;
        continue;
      }
    }
    if (!quoted) {
      if (c === COMMA) {
        if (equals > commas) fieldSpans[commas * 3 + 2] = i;
        commas++;
        fieldKeyStart = i + 1;
      } else if (c === SPACE) break;
    }
    i++;
  }
  const fieldsEnd = i;
  if (quoted) return fail(quoteAt, 'unbalanced quotes', 'unbalanced-quotes', end);
  if (equals === 0 || commas !== equals - 1) {
    return fail(fieldsStart < end ? fieldsStart : keyEnd, 'invalid field format', 'invalid-field-format', fieldsEnd > fieldsStart ? fieldsEnd : end);
  }
  fieldSpans[commas * 3 + 2] = fieldsEnd;
  let nFields = equals;

  // With a backslash in the field set InfluxDB's second reading (walkFields) can split the
  // fields differently from the first (issue #9954); redo the spans exactly as it does.
  if (sawBackslash) {
    const r = walkFields(text, fieldsStart, fieldsEnd);
    if (typeof r !== 'number') return r;
    nFields = r;
  }
  if (seriesBytes + 4 + 3 * (fieldsEnd - fieldsStart) > MAX_KEY_LENGTH) {
    for (let j = 0; j < nFields; j++) {
      const k0 = fieldSpans[j * 3];
      const sz = seriesBytes + 4 + utf8Length(text.slice(k0, fieldSpans[j * 3 + 1]));
      if (sz > MAX_KEY_LENGTH) return fail(k0, `max key length exceeded: ${sz} > ${MAX_KEY_LENGTH}`, 'max-key-length', fieldSpans[j * 3 + 1]);
    }
  }

  // ---- timestamp (scanTime) ----
  const tsStart = skipInfluxWhitespace(text, fieldsEnd, end);
  i = tsStart;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE || c === SPACE) break;
    if (i === tsStart && c === MINUS) {
      i++;
      continue;
    }
    if (c < 48 || c > 57) return fail(i, 'bad timestamp', 'bad-timestamp', i + 1);
    i++;
  }
  const tsEnd = i;
  let time: string;
  if (tsEnd === tsStart) {
    time = ctx.defaultTime;
    ctx.tsStart = -1;
  } else {
    ctx.tsStart = tsStart;
    ctx.tsEnd = tsEnd;
    const r = timestampToNs(text.slice(tsStart, tsEnd), ctx.precision);
    if (!r.ok) return fail(tsStart, r.reason, r.reason.startsWith('time') ? 'time-out-of-range' : 'bad-timestamp', tsEnd);
    time = r.ns;
    for (i = tsEnd; i < end; i++) {
      if (text.charCodeAt(i) !== SPACE) return fail(i, 'point is invalid', 'point-is-invalid', end);
    }
  }
  if (ctx.warn !== undefined) {
    for (let j = 0; j < nFields; j++) {
      const vs = fieldSpans[j * 3 + 1] + 1;
      if (text.charCodeAt(vs) === QUOTE) checkStringEscapes(text, vs + 1, fieldSpans[j * 3 + 2] - 1, ctx);
    }
  }
  const sh = ctx.shape;
  if (sh !== undefined) {
    sh.start = start;
    sh.measurementEnd = measurementEnd;
    sh.keyEnd = keyEnd;
    sh.sorted = sorted;
    sh.escaped = keyEscaped || sawBackslash;
    sh.nTags = nTags;
    sh.tagSpans = tagSpans;
    sh.tagOrder = tagOrder;
    sh.nFields = nFields;
    sh.fieldSpans = fieldSpans;
    sh.time = time;
    sh.timestamped = tsEnd !== tsStart;
  }
  if (!ctx.build) return VALID;
  return buildPoint(text, start, measurementEnd, keyEnd, sorted, keyEscaped, sawBackslash, nTags, tagSpans, tagOrder, nFields, fieldSpans, time, tsEnd !== tsStart, ctx.line);
}

/**
 * The point of an accepted record from its shape (what parsing it recorded), with no second scan:
 * a caller that validated a record and kept its shape builds its point later. Fails only as the
 * parser's own build would (a value InfluxDB's second reading of escaped fields cannot decode),
 * which needs a backslash in the fields: a record whose shape is not `escaped` always builds.
 */
export function pointFromShape(text: string, sh: RecordShape, line: number): Point | RecordFailure {
  // Unescaping text that has no backslash changes nothing: one flag serves names and keys.
  return buildPoint(text, sh.start, sh.measurementEnd, sh.keyEnd, sh.sorted, sh.escaped, sh.escaped, sh.nTags, sh.tagSpans, sh.tagOrder, sh.nFields, sh.fieldSpans, sh.time, sh.timestamped, line);
}

function buildPoint(
  text: string,
  start: number,
  measurementEnd: number,
  keyEnd: number,
  sorted: boolean,
  keyEscaped: boolean,
  sawBackslash: boolean,
  nTags: number,
  tagSpans: Int32Array,
  tagOrder: Int32Array,
  nFields: number,
  fieldSpans: Int32Array,
  time: string,
  timestamped: boolean,
  line: number,
): Point | RecordFailure {
  const fields = new Array<Field>(nFields);
  for (let j = 0; j < nFields; j++) {
    const k0 = fieldSpans[j * 3];
    const eq = fieldSpans[j * 3 + 1];
    const key = sawBackslash ? unescapeName(text, k0, eq) : text.slice(k0, eq);
    const f = decodeValue(text, key, eq + 1, fieldSpans[j * 3 + 2]);
    if (f === null) return fail(eq + 1, 'invalid field format', 'invalid-field-format', fieldSpans[j * 3 + 2]);
    fields[j] = f;
  }
  const tags = new Array<Tag>(nTags);
  let series: string;
  if (sorted) series = text.slice(start, keyEnd);
  else {
    series = text.slice(start, measurementEnd);
    for (let j = 0; j < nTags; j++) {
      const o = tagOrder[j] * 3;
      series += ',' + text.slice(tagSpans[o], tagSpans[o + 2]);
    }
  }
  for (let j = 0; j < nTags; j++) {
    const o = (sorted ? j : tagOrder[j]) * 3;
    tags[j] = {
      key: keyEscaped ? unescapeTag(text.slice(tagSpans[o], tagSpans[o + 1])) : text.slice(tagSpans[o], tagSpans[o + 1]),
      value: keyEscaped ? unescapeTag(text.slice(tagSpans[o + 1] + 1, tagSpans[o + 2])) : text.slice(tagSpans[o + 1] + 1, tagSpans[o + 2]),
    };
  }
  return {
    measurement: keyEscaped ? unescapeName(text, start, measurementEnd) : text.slice(start, measurementEnd),
    series,
    tags,
    fields,
    time,
    timestamped,
    line,
  };
}

/** Decimal strings of small integers, so common values need no allocation. */
const SMALL_INTS: readonly string[] = Array.from({ length: 1000 }, (_, n) => String(n));

/**
 * InfluxDB's walkFields over text[fs, fe): keys end at the first '=' not preceded by a backslash,
 * values at the first ',' outside quotes. Fills fieldSpans; returns the field count or a failure.
 */
function walkFields(text: string, fs: number, fe: number): number | RecordFailure {
  let n = 0;
  let p = fs;
  while (p < fe) {
    let k = p;
    while (k < fe && !(text.charCodeAt(k) === EQUALS && (k === p || text.charCodeAt(k - 1) !== BACKSLASH))) k++;
    if (k - p > fe - p - 2) return fail(p, `invalid value: field-key=${text.slice(p, k)}`, 'invalid-field-key', k);
    let v = k + 1;
    let q = false;
    while (v < fe) {
      const c = text.charCodeAt(v);
      if (c === BACKSLASH && v + 1 < fe) {
        const nx = text.charCodeAt(v + 1);
        if (nx === QUOTE || nx === BACKSLASH) {
          v += 2;
          continue;
        }
      }
      if (c === QUOTE) q = !q;
      else if (c === COMMA && !q) break;
      v++;
    }
    growFields(n + 1);
    fieldSpans[n * 3] = p;
    fieldSpans[n * 3 + 1] = k;
    fieldSpans[n * 3 + 2] = v;
    n++;
    p = v < fe ? v + 1 : v;
  }
  return n;
}

/** Decodes a field value the way InfluxDB's field unmarshalling does (first byte picks the type). */
function decodeValue(text: string, key: string, vs: number, ve: number): Field | null {
  const c = text.charCodeAt(vs);
  if (c === QUOTE) return { key, type: 'string', value: unescapeString(text, vs + 1, ve - 1) };
  if (c === 116 /* t */ || c === 84 /* T */) return { key, type: 'bool', value: true };
  if (c === 102 /* f */ || c === 70 /* F */) return { key, type: 'bool', value: false };
  const last = text.charCodeAt(ve - 1);
  if (last === 105 /* i */) {
    const n = ve - 1 - vs;
    if (n <= 3 && c !== MINUS) {
      let v = 0;
      for (let k = vs; k < ve - 1; k++) v = v * 10 + text.charCodeAt(k) - 48;
      return { key, type: 'int', value: SMALL_INTS[v] };
    }
    return { key, type: 'int', value: canonicalInteger(text, vs, ve - 1) };
  }
  if (last === 117 /* u */) return { key, type: 'uint', value: canonicalInteger(text, vs, ve - 1) };
  const n = Number(text.slice(vs, ve));
  if (Number.isNaN(n) || !Number.isFinite(n)) return null;
  return { key, type: 'float', value: n };
}

/** A `\n`, `\t` or `\r` written inside a string stays two characters in InfluxDB 1.x/2.x. */
function checkStringEscapes(text: string, s: number, e: number, ctx: RecordContext): void {
  for (let i = backslashIn(text, s, e); i >= 0; i = backslashIn(text, i + 2, e)) {
    const n = text.charCodeAt(i + 1);
    if (n === 110 || n === 116 || n === 114) {
      ctx.warn!(i, i + 2, 'literal-escape', `"\\${text[i + 1]}" in a string stays a backslash and "${text[i + 1]}" in InfluxDB 1.x/2.x, not a ${n === 110 ? 'newline' : n === 116 ? 'tab' : 'carriage return'}`, n === 110 ? 'To store a newline, put a real line break inside the quotes.' : 'To store the control character, put it in the string as is.');
      return;
    }
  }
}

/** scanNumber: returns the end index, or a failure. */
function scanNumber(text: string, i: number, end: number, v1: boolean): number | RecordFailure {
  const start = i;
  let isInt = false;
  let isUnsigned = false;
  if (i < end && text.charCodeAt(i) === MINUS) {
    i++;
    if (i === end) return fail(start, 'invalid number', 'invalid-number', i);
  }
  let decimal = false;
  let scientific = false;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      i++; // digits: the common case, decided first
      continue;
    }
    if (c === COMMA || c === SPACE) break;
    if (c === 105 /* i */ && i > start && !(isInt || isUnsigned)) {
      isInt = true;
      i++;
      continue;
    } else if (c === 117 /* u */ && i > start && !(isInt || isUnsigned)) {
      isUnsigned = true;
      i++;
      continue;
    }
    if (c === DOT) {
      if (decimal) return fail(start, 'invalid number', 'invalid-number', valueEnd(text, i, end));
      decimal = true;
    }
    if (i > start && (c === 101 || c === 69)) {
      scientific = true;
      i++;
      continue;
    }
    if (c === PLUS || c === MINUS) {
      const p = text.charCodeAt(i - 1);
      if (p === 101 || p === 69) {
        i++;
        continue;
      }
    }
    if (i + 2 < end && (c === 78 || c === 110)) return fail(start, 'invalid number', 'invalid-number', valueEnd(text, i, end));
    if (!((c >= 48 && c <= 57) || c === DOT)) return fail(start, 'invalid number', 'invalid-number', valueEnd(text, i, end));
    i++;
  }
  if ((isInt || isUnsigned) && (decimal || scientific)) return fail(start, 'invalid number', 'invalid-number', i);
  let numericDigits = i - start;
  if (isInt) numericDigits--;
  if (decimal) numericDigits--;
  if (text.charCodeAt(start) === MINUS) numericDigits--;
  if (numericDigits === 0) return fail(start, 'invalid number', 'invalid-number', i);

  if (isInt) {
    if (text.charCodeAt(i - 1) !== 105) return fail(start, 'invalid number', 'invalid-number', i);
    if (i - 1 - start >= 19) {
      const lit = text.slice(start, i - 1);
      const neg = lit.charCodeAt(0) === MINUS;
      if (exceeds(neg ? lit.slice(1) : lit, neg ? INT64_MIN_ABS : INT64_MAX)) {
        return fail(start, `unable to parse integer ${lit}: strconv.ParseInt: parsing "${lit}": value out of range`, 'integer-out-of-range', i);
      }
    }
  } else if (isUnsigned) {
    if (v1) return fail(start, 'invalid number', 'unsigned-unsupported', i);
    if (text.charCodeAt(i - 1) !== 117) return fail(start, 'invalid number', 'invalid-number', i);
    if (text.charCodeAt(start) === MINUS) return fail(start, 'invalid number', 'invalid-number', i);
    if (i - 1 - start >= 20) {
      const lit = text.slice(start, i - 1);
      if (exceeds(lit, UINT64_MAX)) {
        return fail(start, `unable to parse unsigned ${lit}: strconv.ParseUint: parsing "${lit}": value out of range`, 'unsigned-out-of-range', i);
      }
    }
  } else if (scientific || i - start >= 25) {
    const n = Number(text.slice(start, i));
    if (Number.isNaN(n) || !Number.isFinite(n)) return fail(start, 'invalid float', 'invalid-float', i);
  }
  return i;
}

/** The end of the value token around i (for diagnostics only). */
function valueEnd(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === COMMA || c === SPACE) break;
    i++;
  }
  return i;
}

/** scanBoolean: t, T, true, True, TRUE, f, F, false, False, FALSE. */
function scanBoolean(text: string, i: number, end: number): number | RecordFailure {
  const start = i;
  const c0 = text.charCodeAt(i);
  if (i < end && c0 !== 116 && c0 !== 102 && c0 !== 84 && c0 !== 70) {
    return fail(start, 'invalid boolean', 'invalid-boolean', valueEnd(text, i, end));
  }
  i = valueEnd(text, i + 1, end);
  const n = i - start;
  if (n === 1) return i;
  const word = text.slice(start, i);
  if (
    word === 'true' || word === 'True' || word === 'TRUE' ||
    word === 'false' || word === 'False' || word === 'FALSE'
  ) {
    return i;
  }
  return fail(start, 'invalid boolean', 'invalid-boolean', i);
}

export { isWhitespace as isInfluxWhitespace };
