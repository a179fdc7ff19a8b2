// InfluxDB 3's line-protocol parser (the Rust crate `influxdb_line_protocol`, nom-based, in
// influxdata/influxdb core/influxdb_line_protocol/src/lib.rs), ported combinator by combinator
// so its verdicts and error texts are the crate's own. Where it differs from the Go parser of
// 1.x/2.x (and so from influx.ts), this follows the crate, e.g.:
// - only spaces separate the parts (a tab is an error), a trailing space after the fields with no
//   timestamp is "trailing content", a CR before LF is trailing content;
// - commas are allowed unescaped in tag keys and field keys; `=` in tag values; a comma right
//   after the first field with nothing after it is accepted (`m v=1,`);
// - a name that ends in a backslash (also an escaped one, `a\\`) is refused;
// - strings and names are limited to 64 KiB (the crate's default, as InfluxDB 3 builds it);
// - records are numbered by their index among non-blank, non-comment records (as 3.x reports
//   `line_number`), which differs from the physical line when blank lines or comments come first.
// Pure TS: no DOM or Node APIs.
import { utf8Length } from './influx.js';

export type V3Value =
  | { type: 'int'; value: bigint }
  | { type: 'uint'; value: bigint }
  | { type: 'float'; value: number }
  | { type: 'string'; value: string }
  | { type: 'bool'; value: boolean };

export interface V3Line {
  measurement: string;
  /** In input order, duplicates kept (the crate does not refuse a repeated tag). */
  tags: { key: string; value: string }[];
  fields: { key: string; value: V3Value }[];
  /** As written, in the request's precision; absent when the line has none. */
  timestamp?: bigint;
}

export interface V3Record {
  /** 1-based index among records (blank and comment lines not counted): InfluxDB 3's `line_number`. */
  index: number;
  /** 1-based physical line where the record starts. */
  line: number;
  /** Offsets of the record in the input (from its first non-blank character, without the newline). */
  start: number;
  end: number;
  result: { ok: true; line: V3Line } | { ok: false; error: string };
}

/** The crate's limit on a name or string value, in bytes (without its `large-strings` feature). */
export const V3_STRING_LIMIT = 65_536;

const SPACE = 32;
const TAB = 9;
const NL = 10;
const BACKSLASH = 92;
const COMMA = 44;
const EQUALS = 61;
const QUOTE = 34;
const HASH = 35;

/** A nom `Failure`: stops every alternative and becomes the line's error. */
class Failure {
  constructor(readonly message: string) {}
}

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const U64_MAX = 2n ** 64n - 1n;

function isWsBoundary(c: number): boolean {
  return c === SPACE || c === TAB || c === NL;
}

/** maybe_truncate_context: more than 10 bytes → the first 10 characters and `...`. */
function truncateContext(s: string): string {
  if (utf8Length(s) > 10) return Array.from(s).slice(0, 10).join('') + '...';
  return s;
}

/**
 * split_lines: the crate's port of Go's scanLine (a newline inside a quoted string value, or
 * after a backslash, does not end the line). Yields [start, end) of each piece.
 */
export function splitV3Lines(input: string): [number, number][] {
  const out: [number, number][] = [];
  let quoted = false;
  let fields = false;
  let equals = 0;
  let commas = 0;
  let inEscape = false;
  let start = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (inEscape) {
      inEscape = false;
      // A surrogate pair is one char in Rust: skip its second half too.
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < input.length) i++;
      continue;
    }
    if (c === BACKSLASH) {
      inEscape = true;
      continue;
    }
    if (c === SPACE) {
      fields = true;
      continue;
    }
    if (fields) {
      if (!quoted && c === EQUALS) {
        equals++;
        continue;
      } else if (!quoted && c === COMMA) {
        commas++;
        continue;
      } else if (c === QUOTE && equals > commas) {
        quoted = !quoted;
        continue;
      }
    }
    if (c === NL && !quoted) {
      out.push([start, i]);
      start = i + 1;
      quoted = false;
      fields = false;
      equals = 0;
      commas = 0;
    }
  }
  out.push([start, input.length]);
  return out;
}

/** trim_leading: skips spaces, tabs, newlines and `#` comments up to a newline, repeatedly. */
function trimLeading(s: string, i: number, end: number): number {
  for (;;) {
    while (i < end && isWsBoundary(s.charCodeAt(i))) i++;
    if (i < end && s.charCodeAt(i) === HASH) {
      const nl = s.indexOf('\n', i);
      i = nl < 0 || nl >= end ? end : nl;
    } else return i;
  }
}

/** Every record of a body, in order, with the crate's verdict. */
export function parseV3Lines(input: string): V3Record[] {
  const out: V3Record[] = [];
  let index = 0;
  // Physical line of a piece's start: count newlines as pieces are visited.
  let lineNo = 1;
  let counted = 0;
  for (const [pieceStart, end] of splitV3Lines(input)) {
    const start = trimLeading(input, pieceStart, end);
    if (start >= end) continue;
    for (let k = input.indexOf('\n', counted); k >= 0 && k < start; k = input.indexOf('\n', k + 1)) lineNo++;
    counted = start;
    index++;
    let result: V3Record['result'];
    try {
      result = parseLine(input, start, end);
    } catch (e) {
      if (!(e instanceof Failure)) throw e;
      result = { ok: false, error: e.message };
    }
    out.push({ index, line: lineNo, start, end, result });
  }
  return out;
}

/** `str::lines()`: split at LF, one trailing CR dropped per line, no final empty line. */
export function rustLines(input: string): string[] {
  if (input === '') return [];
  const parts = input.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

// --- the combinators -------------------------------------------------------------------------

/**
 * escape_or_fallback: runs of `normal` characters and `\`-escapes; an escape of a character not
 * in `escapable` keeps the backslash and that character. Null when nothing at all was read
 * (nom `Error`); a name ending in a backslash or over 64 KiB is a Failure.
 */
function escapeOrFallback(s: string, i: number, end: number, normal: (c: number) => boolean, escapable: string): { end: number; value: string } | null {
  let head = i;
  let value = '';
  for (;;) {
    let j = head;
    while (j < end && normal(s.charCodeAt(j))) j++;
    if (j > head) {
      value += s.slice(head, j);
      head = j;
      continue;
    }
    if (head < end && s.charCodeAt(head) === BACKSLASH) {
      const after = head + 1;
      if (after < end && escapable.includes(s[after])) {
        value += s[after];
        head = after + 1;
        continue;
      }
      value += '\\';
      head = after;
      if (head >= end) break;
      const cp = s.codePointAt(head)!;
      const w = cp > 0xffff ? 2 : 1;
      value += s.slice(head, head + w);
      head += w;
      continue;
    }
    if (head === i) return null;
    break;
  }
  if (value.endsWith('\\')) throw new Failure('Measurements, tag keys and values, and field keys may not end with a backslash');
  if (utf8Length(value) > V3_STRING_LIMIT) throw new Failure('String is greater than 64KB');
  return { end: head, value };
}

const measurementChar = (c: number) => !isWsBoundary(c) && c !== 0 && c !== COMMA && c !== BACKSLASH;
const keyChar = (c: number) => !isWsBoundary(c) && c !== EQUALS && c !== BACKSLASH;
const tagValueChar = (c: number) => !isWsBoundary(c) && c !== COMMA && c !== BACKSLASH;
const MEASUREMENT_ESCAPES = ', \\';
const VALUE_ESCAPES = '\\,= ';

function parseLine(s: string, i: number, end: number): V3Record['result'] {
  const m = escapeOrFallback(s, i, end, measurementChar, MEASUREMENT_ESCAPES);
  if (m === null) return { ok: false, error: 'Invalid measurement was provided' };
  let p = m.end;
  const tags: V3Line['tags'] = [];
  if (p < end && s.charCodeAt(p) === COMMA) {
    const tagSetStart = p + 1;
    p = tagSetStart;
    for (;;) {
      const k = escapeOrFallback(s, p, end, keyChar, VALUE_ESCAPES);
      if (k === null) throw new Failure(`Expected tag key, got ${gotTruncated(s, p, end)}`);
      p = k.end;
      if (!(p < end && s.charCodeAt(p) === EQUALS)) {
        throw new Failure(`Tag set malformed: could not find equals sign in \`${truncateContext(s.slice(tagSetStart, end))}\``);
      }
      p++;
      const v = escapeOrFallback(s, p, end, tagValueChar, VALUE_ESCAPES);
      if (v === null) throw new Failure(`Expected tag value, got ${gotTruncated(s, p, end)}`);
      p = v.end;
      tags.push({ key: k.value, value: v.value });
      if (p < end && s.charCodeAt(p) === COMMA) p++;
      else break;
    }
  }
  // preceded(whitespace, field_set): spaces only.
  if (!(p < end && s.charCodeAt(p) === SPACE)) {
    return { ok: false, error: `Expected at least one space character, got ${p >= end ? 'end of input' : `\`${s.slice(p, end)}\``}` };
  }
  while (p < end && s.charCodeAt(p) === SPACE) p++;
  const fields: V3Line['fields'] = [];
  const first = field(s, p, end);
  if (first === null) return { ok: false, error: 'No fields were provided' };
  fields.push(first.field);
  p = first.end;
  // parameterized_separated_list1: the comma after the first field is consumed even when no
  // field follows it (`m v=1,` is accepted); after later fields a comma without a field stays.
  if (p < end && s.charCodeAt(p) === COMMA) {
    p++;
    const second = field(s, p, end);
    if (second !== null) {
      fields.push(second.field);
      p = second.end;
      while (p < end && s.charCodeAt(p) === COMMA) {
        const next = field(s, p + 1, end);
        if (next === null) break;
        fields.push(next.field);
        p = next.end;
      }
    }
  }
  let timestamp: bigint | undefined;
  if (p < end && s.charCodeAt(p) === SPACE) {
    let q = p;
    while (q < end && s.charCodeAt(q) === SPACE) q++;
    const t = integral(s, q, end);
    if (t >= 0) {
      const text = s.slice(q, t);
      const v = BigInt(text);
      if (v < I64_MIN || v > I64_MAX) throw new Failure(`Unable to parse timestamp value \`${text}\``);
      timestamp = v;
      p = t;
      while (p < end && s.charCodeAt(p) === SPACE) p++;
    }
  }
  if (p < end) return { ok: false, error: `Could not parse entire line. Found trailing content: \`${truncateContext(s.slice(p, end))}\`` };
  const line: V3Line = { measurement: m.value, tags, fields };
  if (timestamp !== undefined) line.timestamp = timestamp;
  return { ok: true, line };
}

function gotTruncated(s: string, p: number, end: number): string {
  return p >= end ? 'end of input' : `\`${truncateContext(s.slice(p, end))}\``;
}

/** separated_pair(field_key, tag("="), field_value); null is nom's `Error`. */
function field(s: string, p: number, end: number): { end: number; field: V3Line['fields'][number] } | null {
  const k = escapeOrFallback(s, p, end, keyChar, VALUE_ESCAPES);
  if (k === null) return null;
  let q = k.end;
  if (!(q < end && s.charCodeAt(q) === EQUALS)) return null;
  q++;
  const v = fieldValue(s, q, end);
  if (v === null) return null;
  return { end: v.end, field: { key: k.value, value: v.value } };
}

/** End of digit1 from p, or -1 when there is no digit. */
function digits(s: string, p: number, end: number): number {
  let q = p;
  while (q < end) {
    const c = s.charCodeAt(q);
    if (c < 48 || c > 57) break;
    q++;
  }
  return q > p ? q : -1;
}

/** integral_value_signed: an optional `-` then digits; end or -1. */
function integral(s: string, p: number, end: number): number {
  return digits(s, p < end && s.charCodeAt(p) === 45 ? p + 1 : p, end);
}

/** exponential_value: digits, e/E, optional sign, digits; end or -1. */
function exponential(s: string, p: number, end: number): number {
  const d = digits(s, p, end);
  if (d < 0 || d >= end) return -1;
  const e = s.charCodeAt(d);
  if (e !== 101 && e !== 69) return -1;
  let q = d + 1;
  if (q < end && (s.charCodeAt(q) === 45 || s.charCodeAt(q) === 43)) q++;
  return digits(s, q, end);
}

const BOOLS: [string, boolean][] = [
  ['true', true], ['True', true], ['TRUE', true], ['t', true], ['T', true],
  ['false', false], ['False', false], ['FALSE', false], ['f', false], ['F', false],
];

/** alt((int, uint, float, string, bool)). */
function fieldValue(s: string, p: number, end: number): { end: number; value: V3Value } | null {
  // int: integral then `i`
  const ie = integral(s, p, end);
  if (ie >= 0 && ie < end && s[ie] === 'i') {
    const text = s.slice(p, ie);
    const v = BigInt(text);
    if (v < I64_MIN || v > I64_MAX) throw new Failure(`Unable to parse integer value \`${text}\``);
    return { end: ie + 1, value: { type: 'int', value: v } };
  }
  // uint: digits then `u`
  const ue = digits(s, p, end);
  if (ue >= 0 && ue < end && s[ue] === 'u') {
    const text = s.slice(p, ue);
    const v = BigInt(text);
    if (v > U64_MAX) throw new Failure(`Unable to parse unsigned integer value \`${text}\``);
    return { end: ue + 1, value: { type: 'uint', value: v } };
  }
  // float: with exponent and decimal, with exponent, with decimal, plain integral
  const fe = floatEnd(s, p, end);
  if (fe >= 0) return { end: fe, value: { type: 'float', value: Number(s.slice(p, fe)) } };
  if (p < end && s.charCodeAt(p) === QUOTE) {
    const str = stringValue(s, p, end);
    if (str !== null) return str;
  }
  for (const [word, v] of BOOLS) {
    if (s.startsWith(word, p) && p + word.length <= end) return { end: p + word.length, value: { type: 'bool', value: v } };
  }
  return null;
}

function floatEnd(s: string, p: number, end: number): number {
  const intEnd = integral(s, p, end);
  if (intEnd >= 0 && intEnd < end && s.charCodeAt(intEnd) === 46) {
    const ex = exponential(s, intEnd + 1, end);
    if (ex >= 0) return ex;
  }
  const ex = exponential(s, p < end && s.charCodeAt(p) === 45 ? p + 1 : p, end);
  if (ex >= 0) return ex;
  if (intEnd >= 0 && intEnd < end && s.charCodeAt(intEnd) === 46) {
    const frac = digits(s, intEnd + 1, end);
    if (frac >= 0) return frac;
  }
  return intEnd;
}

/** A quoted string: `\"` → `"`, `\\` → `\`, any other backslash kept; null when unterminated. */
function stringValue(s: string, p: number, end: number): { end: number; value: V3Value } | null {
  let q = p + 1;
  let value = '';
  while (q < end) {
    const c = s.charCodeAt(q);
    if (c === QUOTE) {
      if (utf8Length(value) > V3_STRING_LIMIT) throw new Failure('String is greater than 64KB');
      return { end: q + 1, value: { type: 'string', value } };
    }
    if (c === BACKSLASH) {
      const n = q + 1 < end ? s.charCodeAt(q + 1) : -1;
      if (n === QUOTE || n === BACKSLASH) {
        value += String.fromCharCode(n);
        q += 2;
      } else {
        value += '\\';
        q++;
      }
      continue;
    }
    let r = q;
    while (r < end && s.charCodeAt(r) !== QUOTE && s.charCodeAt(r) !== BACKSLASH) r++;
    value += s.slice(q, r);
    q = r;
  }
  return null;
}

// --- Display (the crate's `impl Display for ParsedLine`, quoted by 3.x's schema errors) ----------

function escapeChars(v: string, chars: string): string {
  let out = '';
  for (const ch of v) out += chars.includes(ch) ? '\\' + ch : ch;
  return out;
}

/** Rust's `{}` of an f64: shortest digits that read back, never an exponent; `inf`, `NaN`. */
export function rustF64(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const js = String(v);
  const e = js.indexOf('e');
  if (e < 0) return js;
  const neg = js.startsWith('-');
  const mant = js.slice(neg ? 1 : 0, e);
  const exp = Number(js.slice(e + 1));
  const dot = mant.indexOf('.');
  const digitsOnly = mant.replace('.', '');
  const pointAt = (dot < 0 ? mant.length : dot) + exp;
  let out: string;
  if (pointAt <= 0) out = '0.' + '0'.repeat(-pointAt) + digitsOnly;
  else if (pointAt >= digitsOnly.length) out = digitsOnly + '0'.repeat(pointAt - digitsOnly.length);
  else out = digitsOnly.slice(0, pointAt) + '.' + digitsOnly.slice(pointAt);
  return (neg ? '-' : '') + out;
}

function displayValue(v: V3Value): string {
  switch (v.type) {
    case 'int':
      return `${v.value}i`;
    case 'uint':
      return `${v.value}u`;
    case 'float':
      return rustF64(v.value);
    case 'string':
      return escapeChars(v.value, '"'); // the crate writes strings without their quotes
    case 'bool':
      return String(v.value);
  }
}

/** A parsed line as the crate prints it (what 3.x quotes as `original_line` for schema errors). */
export function displayV3Line(l: V3Line): string {
  let out = escapeChars(l.measurement, ', ');
  for (const t of l.tags) out += ',' + escapeChars(t.key, ',= ') + '=' + escapeChars(t.value, ',= ');
  out += ' ' + l.fields.map((f) => escapeChars(f.key, ',= ') + '=' + displayValue(f.value)).join(',');
  if (l.timestamp !== undefined) out += ` ${l.timestamp}`;
  return out;
}

/** WriteLineError's serialisation: original_line cut to 20 bytes at a character boundary. */
export function truncateOriginalLine(s: string): string {
  let bytes = 0;
  let out = '';
  for (const ch of s) {
    const n = utf8Length(ch);
    if (bytes + n > 20) break;
    bytes += n;
    out += ch;
  }
  return out;
}
