// Line-protocol highlighting: measurement, tag keys and values, field keys, field values by type
// (float, integer, unsigned, string, boolean), timestamp, comments. A small stream tokenizer:
// CodeMirror runs it lazily over what is visible, and its state carries a string across lines.
import { HighlightStyle, StreamLanguage, syntaxHighlighting, type StringStream } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

type Part = 'measurement' | 'measurementEnd' | 'tagKey' | 'tagValue' | 'fieldKey' | 'fieldValue' | 'time' | 'done';

export interface LpState {
  part: Part;
  /** Inside a quoted string field value (may span lines). */
  inString: boolean;
}

/** Token names are looked up in @lezer/highlight's tags. */
export const TOKEN = {
  measurement: 'className',
  tagKey: 'attributeName',
  tagValue: 'attributeValue',
  fieldKey: 'propertyName',
  float: 'float',
  integer: 'integer',
  unsigned: 'unit',
  string: 'string',
  bool: 'bool',
  time: 'atom',
  comment: 'lineComment',
  punctuation: 'punctuation',
  invalid: 'invalid',
} as const;

/** Reads an unquoted element up to one of `stops` (escapes `\x` kept together). */
function element(stream: StringStream, stops: string): void {
  while (!stream.eol()) {
    const c = stream.peek()!;
    if (c === '\\') {
      stream.next();
      if (!stream.eol()) stream.next();
      continue;
    }
    if (stops.includes(c)) break;
    stream.next();
  }
}

function valueToken(text: string): string {
  if (/^[-+]?\d+i$/.test(text)) return TOKEN.integer;
  if (/^\d+u$/.test(text)) return TOKEN.unsigned;
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return TOKEN.float;
  if (/^(t|T|true|True|TRUE|f|F|false|False|FALSE)$/.test(text)) return TOKEN.bool;
  return TOKEN.invalid;
}

export function token(stream: StringStream, state: LpState): string | null {
  if (state.inString) {
    while (!stream.eol()) {
      const c = stream.next();
      if (c === '\\') stream.next();
      else if (c === '"') {
        state.inString = false;
        state.part = 'fieldValue';
        return TOKEN.string;
      }
    }
    return TOKEN.string;
  }
  if (stream.sol()) {
    state.part = 'measurement';
    if (stream.match(/^\s*#.*/)) return TOKEN.comment;
  }
  const c = stream.peek()!;
  switch (state.part) {
    case 'measurement':
      if (c === ' ' || c === '\t') {
        stream.eatSpace();
        return null;
      }
      element(stream, ', ');
      if (stream.peek() === ',') state.part = 'tagKey';
      else state.part = 'measurementEnd';
      return TOKEN.measurement;
    case 'measurementEnd':
      stream.eatSpace();
      state.part = 'fieldKey';
      return null;
    case 'tagKey':
    case 'fieldKey':
      if (c === ',' || c === '=') {
        stream.next();
        return TOKEN.punctuation;
      }
      if (c === ' ') {
        stream.eatSpace();
        state.part = state.part === 'tagKey' ? 'fieldKey' : 'time';
        return null;
      }
      {
        const key = state.part;
        element(stream, '=, ');
        if (stream.peek() === '=') state.part = key === 'tagKey' ? 'tagValue' : 'fieldValue';
        return key === 'tagKey' ? TOKEN.tagKey : TOKEN.fieldKey;
      }
    case 'tagValue':
    case 'fieldValue':
      if (c === '=') {
        stream.next();
        return TOKEN.punctuation;
      }
      if (c === ',') {
        stream.next();
        state.part = state.part === 'tagValue' ? 'tagKey' : 'fieldKey';
        return TOKEN.punctuation;
      }
      if (c === ' ') {
        stream.eatSpace();
        state.part = state.part === 'tagValue' ? 'fieldKey' : 'time';
        return null;
      }
      if (state.part === 'fieldValue' && c === '"') {
        stream.next();
        state.inString = true;
        return token(stream, state);
      }
      {
        const start = stream.pos;
        element(stream, ', ');
        if (state.part === 'tagValue') return TOKEN.tagValue;
        return valueToken(stream.string.slice(start, stream.pos));
      }
    case 'time':
      if (c === ' ' || c === '\t') {
        stream.eatSpace();
        return null;
      }
      stream.match(/^\S+/);
      state.part = 'done';
      return /^-?\d+$/.test(stream.current()) ? TOKEN.time : TOKEN.invalid;
    default:
      // After the timestamp only spaces may follow.
      if (stream.eatSpace()) return null;
      stream.skipToEnd();
      return TOKEN.invalid;
  }
}

export const lineProtocolLanguage = StreamLanguage.define<LpState>({
  name: 'line-protocol',
  startState: () => ({ part: 'measurement', inString: false }),
  copyState: (s) => ({ ...s }),
  token,
  blankLine: (s) => {
    if (!s.inString) s.part = 'measurement';
  },
  languageData: { commentTokens: { line: '#' } },
});

export const lineProtocolStyle = HighlightStyle.define([
    { tag: t.className, color: '#1c7ed6', fontWeight: '600' },
    { tag: t.attributeName, color: '#9c36b5' },
    { tag: t.attributeValue, color: '#5f3dc4' },
    { tag: t.propertyName, color: '#2b8a3e' },
    { tag: t.float, color: '#e8590c' },
    { tag: t.integer, color: '#d9480f', fontWeight: '600' },
    { tag: t.unit, color: '#c2255c' },
    { tag: t.string, color: '#a61e4d' },
    { tag: t.bool, color: '#0b7285' },
    { tag: t.atom, color: '#495057', fontStyle: 'italic' },
    { tag: t.lineComment, color: '#868e96', fontStyle: 'italic' },
    { tag: t.punctuation, color: '#868e96' },
    { tag: t.invalid, color: '#e03131', textDecoration: 'underline wavy' },
]);

export const lineProtocolHighlight = syntaxHighlighting(lineProtocolStyle);
