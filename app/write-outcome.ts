// What a write's answer means for the lines sent: each line the server named with its own
// reason, the lines a partial write dropped, and one sentence saying what was stored. Works on
// the texts InfluxDB 1.x and 2.x really send (../shared/spec/influxdb-write-compat.md §1.1, §2.8)
// and on this app's endpoint's (the same, plus a `line` field). Pure: no Node or DOM APIs.
import { LineProtocolParser } from '../lineprotocol/parse.js';
import type { Dialect, FieldType, Point } from '../lineprotocol/types.js';

/** A line of the body sent, as the server judged it: refused by the parser, or dropped by storage. */
export interface LineVerdict {
  line: number;
  reason: string;
  outcome: 'rejected' | 'dropped';
  /** The server's whole text for this line, e.g. `unable to parse 'cpu v=': missing field value`. */
  message?: string;
}

/** The answer's error text: `message` (2.x), `error` (1.x), or the body as it is. */
export function answerMessage(responseBody: string): { message: string; line?: number; v1Error: boolean } {
  try {
    const j = JSON.parse(responseBody) as { line?: unknown; message?: unknown; error?: unknown };
    const line = typeof j.line === 'number' && Number.isInteger(j.line) && j.line > 0 ? j.line : undefined;
    if (typeof j.message === 'string') return { message: j.message, line, v1Error: false };
    if (typeof j.error === 'string') return { message: j.error, line, v1Error: true };
    return { message: '', line, v1Error: false };
  } catch {
    return { message: responseBody, v1Error: false };
  }
}

const MARK = "unable to parse '";
const SEP = "': ";

/**
 * Each line of the body a parse error names, with that error's own reason. A server joins one
 * `unable to parse '<line>': <reason>` per bad line with `\n`; each part is matched back to the
 * body by its quoted text (InfluxDB quotes from the first non-blank byte, `\r` included). A line
 * may itself hold `': `: the longest quoted text that is a line of the body wins. A chunk an
 * unbalanced quote swallowed spans several lines and counts as its first. Identical lines get
 * the same reason (the parser is deterministic), so a capped list still marks them all.
 * The JSON `line` field (this app's endpoint) names the first bad line when no part matched.
 * Linear in body + message.
 */
export function lineReasonsOf(responseBody: string, sent: string): LineVerdict[] {
  const { message, line } = answerMessage(responseBody);
  const bodyLines = sent.split('\n').map((l) => l.replace(/^[ \t\0]+/, ''));
  const known = new Set(bodyLines);
  const reasons = new Map<string, { reason: string; message: string }>();
  for (const part of parts(message)) {
    let best: { quoted: string; reason: string; message: string } | undefined;
    for (let end = part.indexOf(SEP); end >= 0; end = part.indexOf(SEP, end + 1)) {
      const quoted = part.slice(0, end);
      const nl = quoted.indexOf('\n');
      const first = nl < 0 ? quoted : quoted.slice(0, nl);
      if (known.has(first)) {
        const reason = cleanReason(part.slice(end + SEP.length));
        best = { quoted: first, reason, message: `${MARK}${quoted}${SEP}${reason}` };
      }
    }
    if (best !== undefined && !reasons.has(best.quoted)) reasons.set(best.quoted, best);
  }
  const out: LineVerdict[] = [];
  if (reasons.size > 0) {
    for (let i = 0; i < bodyLines.length; i++) {
      const l = bodyLines[i];
      if (l === '') continue;
      const r = reasons.get(l);
      if (r !== undefined) out.push({ line: i + 1, reason: r.reason, outcome: 'rejected', message: r.message });
    }
  }
  if (line !== undefined && !out.some((v) => v.line === line)) {
    out.push({ line, reason: cleanReason(message) || 'named by the server', outcome: 'rejected' });
    out.sort((a, b) => a.line - b.line);
  }
  return out;
}

/** The `unable to parse '…` parts of a message: each from after its mark to the next part (or the end). */
function parts(message: string): string[] {
  const out: string[] = [];
  let at = message.indexOf(MARK);
  while (at >= 0) {
    const from = at + MARK.length;
    const next = message.indexOf(`\n${MARK}`, from);
    out.push(message.slice(from, next < 0 ? message.length : next));
    at = next < 0 ? -1 : next + 1;
  }
  return out;
}

/** A reason up to its line's end, without 1.x's ` dropped=N for database: …` tail. */
function cleanReason(text: string): string {
  const nl = text.indexOf('\n');
  return (nl < 0 ? text : text.slice(0, nl)).replace(/ dropped=\d+( for database: .*)?$/, '').trim();
}

/** InfluxDB's type names in storage errors, as the engine names them. */
const TYPE_OF: Record<string, FieldType> = { float: 'float', integer: 'int', unsigned: 'uint', string: 'string', boolean: 'bool' };
const MAX_STRING_BYTES = 1_048_576;

/** Storage reasons that say which points went, as a test on a point. */
const DROP_RULES: { pattern: RegExp; dropped: (m: RegExpExecArray) => (p: Point) => boolean }[] = [
  {
    pattern: /field type conflict: input field "(.*)" on measurement "(.*)" is type (\w+), already exists as type (\w+)/,
    dropped: (m) => (p) => p.measurement === m[2] && p.fields.some((f) => f.key === m[1] && f.type === TYPE_OF[m[3]]),
  },
  {
    pattern: /input field "(.*)" on measurement "(.*)" is too long, \d+ > \d+/,
    dropped: (m) => (p) => p.measurement === m[2] && p.fields.some((f) => f.key === m[1] && f.type === 'string' && utf8Length(f.value) > MAX_STRING_BYTES),
  },
  {
    pattern: /invalid field name: input field "time" on measurement "(.*)" is invalid/,
    dropped: (m) => (p) => p.measurement === m[1] && p.fields.every((f) => f.key === 'time'),
  },
];

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

/**
 * The lines of the body a partial write (2.x 422, 1.x 400 `partial write:`) dropped, as far as
 * its reason tells: InfluxDB reports only the first reason, so points dropped for another (or
 * for retention) are counted in `dropped=` but have no line here.
 */
export function droppedLinesOf(message: string, sent: string, dialect: Dialect): LineVerdict[] {
  const text = /partial write: (.*?)(?: dropped=\d+| for database:|$)/s.exec(message)?.[1] ?? message;
  const reason = text.split('\n')[0].trim();
  for (const rule of DROP_RULES) {
    const m = rule.pattern.exec(reason);
    if (m === null) continue;
    const test = rule.dropped(m);
    const out: LineVerdict[] = [];
    const parser = new LineProtocolParser({ dialect, warnings: false, crlf: 'strip' }, { point: (p) => test(p) && out.push({ line: p.line, reason, outcome: 'dropped' }) });
    parser.run(sent, true);
    parser.end();
    return out;
  }
  return [];
}

/** Points the body holds (records the parser accepts). */
export function pointsIn(sent: string, dialect: Dialect): number {
  const parser = new LineProtocolParser({ dialect, warnings: false, crlf: 'strip' }, {}, false);
  parser.run(sent, true);
  return parser.end().points;
}

export interface WriteOutcome {
  /** One sentence: what the server stored, e.g. `4 of 6 points written; lines 2 and 5 dropped`. */
  sentence: string;
  /** Points stored, when known. */
  written?: number;
  /** Points in the body sent. */
  points: number;
  /** Every line the server named, each with its own reason, in line order. */
  lines: LineVerdict[];
}

/** `line 3`, `lines 2 and 5`, `lines 1, 4 and 9`, `lines 1, 2, 3, … (40 lines)`. */
export function lineList(lines: number[]): string {
  if (lines.length === 1) return `line ${lines[0]}`;
  if (lines.length <= 5) return `lines ${lines.slice(0, -1).join(', ')} and ${lines[lines.length - 1]}`;
  return `lines ${lines.slice(0, 5).join(', ')}, … (${lines.length.toLocaleString('en')} lines)`;
}

const plural = (n: number, one: string) => `${n.toLocaleString('en')} ${one}${n === 1 ? '' : 's'}`;

/** What a write's answer says was stored, in one sentence, and the lines it names. */
export function writeOutcome(status: number, responseBody: string, sent: string, dialect: Dialect): WriteOutcome {
  const points = pointsIn(sent, dialect);
  if (status === 0) return { sentence: 'no answer: whether anything was written is not known', points, lines: [] };
  if (status >= 200 && status < 300) {
    return { sentence: points === 0 ? 'nothing to write: the body holds no points' : `${points.toLocaleString('en')} of ${plural(points, 'point')} written`, written: points, points, lines: [] };
  }
  const { message, v1Error } = answerMessage(responseBody);
  const partial = status === 422 || (status === 400 && v1Error && message.startsWith('partial write:'));
  const rejected = status === 400 ? lineReasonsOf(responseBody, sent) : [];
  if (partial) {
    // 1.x: the lines that did not parse were left out, the rest written (dropped= counts only storage drops).
    const storageDropped = Number(/dropped=(\d+)/.exec(message)?.[1] ?? 0);
    const dropped = droppedLinesOf(message, sent, dialect);
    const written = Math.max(0, points - storageDropped);
    const lines = mergeVerdicts(rejected, dropped);
    const parts: string[] = [];
    if (rejected.length > 0) parts.push(`${lineList(rejected.map((v) => v.line))} rejected`);
    if (storageDropped > 0) {
      const named = dropped.length;
      if (named === 0) parts.push(`${plural(storageDropped, 'point')} dropped (the server does not say which lines)`);
      else if (named >= storageDropped) parts.push(`${lineList(dropped.map((v) => v.line))} dropped`);
      else parts.push(`${lineList(dropped.map((v) => v.line))} and ${storageDropped - named} more ${storageDropped - named === 1 ? 'point' : 'points'} dropped`);
    }
    return { sentence: `${written.toLocaleString('en')} of ${plural(points, 'point')} written${parts.length > 0 ? `; ${parts.join('; ')}` : ''}`, written, points, lines };
  }
  if (status === 400 && rejected.length > 0) {
    return { sentence: `nothing was written: InfluxDB rejects the whole batch when a line is bad (${lineList(rejected.map((v) => v.line))})`, written: 0, points, lines: rejected };
  }
  if (status >= 500) return { sentence: `the server failed (${status}): whether anything was written is not known`, points, lines: rejected };
  return { sentence: `nothing was written: the server refused the request (${status})`, written: 0, points, lines: rejected };
}

function mergeVerdicts(a: LineVerdict[], b: LineVerdict[]): LineVerdict[] {
  const seen = new Set(a.map((v) => v.line));
  return [...a, ...b.filter((v) => !seen.has(v.line))].sort((x, y) => x.line - y.line);
}
