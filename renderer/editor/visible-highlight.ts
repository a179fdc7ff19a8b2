// The composer's highlighting: the tokenizer of language.ts run over the visible lines only,
// again on each change. CodeMirror's stream-language parser re-parses from an edit onwards and,
// in a 100k-line document, cost a keystroke in the middle more than everything else together;
// line protocol is a line per record, so the lines in view need only a little context: the
// tokenizer starts LOOKBACK_LINES before them (what carries across lines is a string field
// spanning them).
import { StringStream } from '@codemirror/language';
import { EditorState, RangeSetBuilder, type Extension } from '@codemirror/state';
import { Decoration, ViewPlugin, type DecorationSet, type EditorView, type ViewUpdate } from '@codemirror/view';
import { tags, type Tag } from '@lezer/highlight';
import { lineProtocolHighlight, lineProtocolStyle, token, type LpState } from './language.js';

const LOOKBACK_LINES = 200;

const marks = new Map<string, Decoration | null>();
function markOf(name: string): Decoration | null {
  let m = marks.get(name);
  if (m === undefined) {
    const tag = (tags as unknown as Record<string, Tag | undefined>)[name];
    const cls = tag === undefined ? null : lineProtocolStyle.style([tag]);
    m = cls === null ? null : Decoration.mark({ class: cls });
    marks.set(name, m);
  }
  return m;
}

/** Tokenizes one line as CodeMirror's stream parser does; `add` gets each token's offsets in the line. */
function tokenizeLine(text: string, state: LpState, add: ((from: number, to: number, name: string) => void) | null): void {
  if (text.length === 0) {
    if (!state.inString) state.part = 'measurement';
    return;
  }
  const s = new StringStream(text, 4, 2);
  while (!s.eol()) {
    const start = s.pos;
    s.start = start;
    const name = token(s, state);
    if (s.pos === start) s.next(); // never stall on a character the tokenizer does not take
    if (name !== null && add !== null) add(start, s.pos, name);
  }
}

function build(view: EditorView): DecorationSet {
  const b = new RangeSetBuilder<Decoration>();
  const doc = view.state.doc;
  let state: LpState = { part: 'measurement', inString: false };
  let done = 0;
  for (const { from, to } of view.visibleRanges) {
    const first = doc.lineAt(from).number;
    const last = doc.lineAt(to).number;
    let n = done > 0 && done >= first - LOOKBACK_LINES ? done + 1 : Math.max(1, first - LOOKBACK_LINES);
    if (n !== done + 1) state = { part: 'measurement', inString: false };
    for (; n <= last; n++) {
      const line = doc.line(n);
      tokenizeLine(line.text, state, n < first ? null : (a, z, name) => {
        const m = markOf(name);
        if (m !== null) b.add(line.from + a, line.from + z, m);
      });
    }
    done = last;
  }
  return b.finish();
}

const visibleHighlighter = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = build(view);
    }
    update(u: ViewUpdate) {
      if (u.docChanged || u.viewportChanged) this.decorations = build(u.view);
    }
  },
  { decorations: (p) => p.decorations },
);

/** Highlighting of what is in view, its styles, and `#` as the comment token (for toggle-comment). */
export const visibleLineProtocolHighlighting: Extension = [
  visibleHighlighter,
  lineProtocolHighlight,
  EditorState.languageData.of(() => [{ commentTokens: { line: '#' } }]),
];
