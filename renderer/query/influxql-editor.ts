// CodeMirror support for InfluxQL, on the endpoint's own lexer and parser (influxql/, pure):
// highlighting by the scanner's tokens, the parser's syntax error marked at its character, and
// completion of measurements, tag keys and field keys of the chosen database.
import { autocompletion, type CompletionContext, type CompletionResult, type Completion } from '@codemirror/autocomplete';
import { linter, type Diagnostic } from '@codemirror/lint';
import { RangeSetBuilder, type Text } from '@codemirror/state';
import { Decoration, EditorView, ViewPlugin, type DecorationSet, type ViewUpdate } from '@codemirror/view';
import { InfluxQLParseError, KEYWORDS, parseQuery, quoteIdent, RuneReader, Scanner, type Pos, type Tok } from '../../influxql/index.js';

export interface Span {
  from: number;
  to: number;
  tok: Tok;
}

/** Code-point positions (line, char; 0-based, as the scanner counts) to document offsets. */
export function offsetOf(doc: string, pos: Pos): number {
  let at = 0;
  for (let l = 0; l < pos.line; l++) {
    const nl = doc.indexOf('\n', at);
    if (nl < 0) return doc.length;
    at = nl + 1;
  }
  for (let c = 0; c < pos.char && at < doc.length && doc[at] !== '\n'; c++) at += doc.codePointAt(at)! > 0xffff ? 2 : 1;
  return at;
}

/** Tokens that end an operand: a `/` after one divides, after anything else starts a regex (as the parser reads it). */
const OPERAND_END = new Set<Tok>(['IDENT', 'NUMBER', 'INTEGER', 'DURATIONVAL', 'STRING', 'TRUE', 'FALSE', 'REGEX', ')', 'BOUNDPARAM', '*']);

/** The document's tokens with their ranges (whitespace left out). */
export function tokens(doc: string): Span[] {
  const r = new RuneReader(doc);
  const s = new Scanner(r);
  const raw: { tok: Tok; pos: Pos }[] = [];
  let last: Tok = 'WS';
  for (let n = 0; n < 100_000; n++) {
    const peek = r.read();
    r.unread();
    if (peek.ch === '/' && !OPERAND_END.has(last)) {
      const slash = peek.pos;
      const t = s.scanRegex();
      raw.push({ tok: t.tok, pos: slash });
      last = t.tok;
      if (t.tok === 'BADREGEX') break;
      continue;
    }
    const t = s.scan();
    if (t.tok === 'EOF') break;
    raw.push({ tok: t.tok, pos: t.pos });
    if (t.tok !== 'WS' && t.tok !== 'COMMENT') last = t.tok;
    if (t.tok === 'BADSTRING' || t.tok === 'BADESCAPE') break;
  }
  const at = raw.map((t) => offsetOf(doc, t.pos));
  // A string's position is the character before its quote (as InfluxDB's scanner reports it).
  raw.forEach((t, i) => {
    if (t.tok === 'STRING' && doc[at[i]] !== "'" && doc[at[i] + 1] === "'") at[i]++;
  });
  const out: Span[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i].tok === 'WS') continue;
    const to = i + 1 < raw.length ? at[i + 1] : doc.length;
    out.push({ from: at[i], to: Math.max(at[i], to), tok: raw[i].tok });
  }
  return out;
}

const KEYWORD_SET = new Set<string>([...KEYWORDS, 'AND', 'OR', 'TRUE', 'FALSE']);

/** The highlighting class of a token (`cm-iql-…`), or undefined. */
export function tokenClass(t: Span, next: Span | undefined): string | undefined {
  if (KEYWORD_SET.has(t.tok)) return 'keyword';
  switch (t.tok) {
    case 'IDENT':
      return next?.tok === '(' && next.from === t.to ? 'function' : 'identifier';
    case 'STRING':
      return 'string';
    case 'BADSTRING':
    case 'BADESCAPE':
    case 'BADREGEX':
    case 'ILLEGAL':
      return 'invalid';
    case 'REGEX':
      return 'regex';
    case 'DURATIONVAL':
      return 'duration';
    case 'NUMBER':
    case 'INTEGER':
      return 'number';
    case 'COMMENT':
      return 'comment';
    case 'BOUNDPARAM':
      return 'parameter';
    default:
      return 'operator';
  }
}

const marks = new Map<string, Decoration>();
const markOf = (cls: string) => {
  let m = marks.get(cls);
  if (m === undefined) marks.set(cls, (m = Decoration.mark({ class: `cm-iql-${cls}` })));
  return m;
};

function highlight(doc: Text): DecorationSet {
  const b = new RangeSetBuilder<Decoration>();
  const spans = tokens(doc.toString());
  spans.forEach((t, i) => {
    const cls = tokenClass(t, spans[i + 1]);
    // Trailing whitespace of a comment or a bad token is not painted.
    if (cls !== undefined && t.to > t.from) b.add(t.from, t.from + doc.sliceString(t.from, t.to).trimEnd().length || t.to, markOf(cls));
  });
  return b.finish();
}

const highlighting = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = highlight(view.state.doc);
    }
    update(u: ViewUpdate) {
      if (u.docChanged) this.decorations = highlight(u.state.doc);
    }
  },
  { decorations: (v) => v.decorations },
);

const theme = EditorView.baseTheme({
  '.cm-iql-keyword': { color: '#1c7ed6', fontWeight: '600' },
  '.cm-iql-function': { color: '#9c36b5' },
  '.cm-iql-identifier': { color: '#0b7285' },
  '.cm-iql-string': { color: '#2b8a3e' },
  '.cm-iql-regex': { color: '#c2255c' },
  '.cm-iql-duration': { color: '#e8590c' },
  '.cm-iql-number': { color: '#d9480f' },
  '.cm-iql-comment': { color: '#868e96', fontStyle: 'italic' },
  '.cm-iql-invalid': { color: '#e03131', textDecoration: 'underline wavy' },
});

/** The parser's error as a diagnostic at its character (the token there), or none. */
export function syntaxDiagnostics(doc: string): Diagnostic[] {
  if (doc.trim() === '') return [];
  try {
    parseQuery(doc);
    return [];
  } catch (e) {
    if (!(e instanceof InfluxQLParseError)) throw e;
    if (e.pos === undefined) return [{ from: 0, to: doc.length, severity: 'error', message: e.message, source: 'InfluxQL' }];
    const from = offsetOf(doc, e.pos);
    const tok = tokens(doc).find((t) => t.from === from);
    const to = tok !== undefined && tok.to > from ? from + doc.slice(from, tok.to).trimEnd().length : Math.min(doc.length, from + 1);
    return [{ from, to: Math.max(from, to), severity: 'error', message: e.message, source: 'InfluxQL' }];
  }
}

/** What completion offers: the chosen database's measurements with their tag and field keys. */
export interface QuerySchema {
  measurements: { name: string; tagKeys: string[]; fieldKeys: string[] }[];
}

const FUNCTIONS = ['count', 'distinct', 'sum', 'mean', 'median', 'mode', 'spread', 'stddev', 'min', 'max', 'first', 'last', 'percentile', 'top', 'bottom', 'time', 'fill', 'now', 'tz'];
/** Keywords after which a measurement stands. */
const MEASUREMENT_AFTER = new Set<Tok>(['FROM', 'MEASUREMENT']);
/** Keywords that start a clause (the last one before the cursor tells what may come). */
const CLAUSES = new Set<Tok>(['SELECT', 'FROM', 'WHERE', 'GROUP', 'ORDER', 'LIMIT', 'OFFSET', 'SLIMIT', 'SOFFSET', 'WITH', 'KEY', 'MEASUREMENT', 'ON', 'SHOW', ';']);

/** An identifier as InfluxQL needs it written: bare when it may be, else double-quoted. */
function ident(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORD_SET.has(name.toUpperCase()) ? name : quoteIdent(name);
}

export function completeInfluxQL(schema: () => QuerySchema): (ctx: CompletionContext) => CompletionResult | null {
  return (ctx) => {
    const word = ctx.matchBefore(/"?[A-Za-z0-9_]*$/);
    if (word === null || (word.from === word.to && !ctx.explicit)) return null;
    const before = ctx.state.doc.sliceString(0, word.from);
    const spans = tokens(before);
    const clause = [...spans].reverse().find((t) => CLAUSES.has(t.tok))?.tok;
    const ms = schema().measurements;
    const options: Completion[] = [];
    if (clause !== undefined && MEASUREMENT_AFTER.has(clause)) {
      for (const m of ms) options.push({ label: m.name, apply: ident(m.name), type: 'class', detail: 'measurement', boost: 10 });
    } else {
      const seen = new Set<string>();
      // The measurements the statement reads, when named; else every measurement's keys.
      const fromIdx = spans.findIndex((t) => t.tok === 'FROM');
      const named = new Set(ms.map((m) => m.name).filter((n) => fromIdx >= 0 && before.slice(spans[fromIdx].to).includes(n)));
      for (const m of ms) {
        if (named.size > 0 && !named.has(m.name)) continue;
        for (const k of m.fieldKeys) if (!seen.has(`f:${k}`) && seen.add(`f:${k}`)) options.push({ label: k, apply: ident(k), type: 'variable', detail: 'field', boost: 5 });
        for (const k of m.tagKeys) if (!seen.has(`t:${k}`) && seen.add(`t:${k}`)) options.push({ label: k, apply: ident(k), type: 'property', detail: 'tag', boost: 4 });
      }
      if (!word.text.startsWith('"')) {
        for (const f of FUNCTIONS) options.push({ label: f, type: 'function', detail: 'function' });
        for (const k of KEYWORDS) options.push({ label: k, type: 'keyword' });
        if (clause === undefined || clause === ';') for (const m of ms) options.push({ label: m.name, apply: ident(m.name), type: 'class', detail: 'measurement' });
      }
    }
    return { from: word.from, options, validFor: /^"?[A-Za-z0-9_]*$/ };
  };
}

/** Everything the query editor adds to CodeMirror's basics. */
export function influxQL(schema: () => QuerySchema) {
  return [highlighting, theme, linter((v) => syntaxDiagnostics(v.state.doc.toString()), { delay: 250 }), autocompletion({ override: [completeInfluxQL(schema)] })];
}
