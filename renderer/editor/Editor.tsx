// The line-protocol editor: CodeMirror 6 with highlighting, live lint from the worker, quick
// fixes, a lint gutter, timestamp hovers, and marks for lines a server rejected.
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { forEachDiagnostic, lintGutter, lintKeymap, setDiagnostics, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { EditorState, StateEffect, StateField, type ChangeSet, type Extension } from '@codemirror/state';
import { Decoration, EditorView, keymap, lineNumbers, highlightActiveLine, highlightSpecialChars, drawSelection, type DecorationSet } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import type { TargetKind } from '../../lineprotocol/target.js';
import type { Diagnostic, Precision } from '../../lineprotocol/types.js';
import { applyDiagnostics, type FromWorker, type ToWorker } from '../lint/protocol.js';
import { diagnosticRange } from './diagnostic-range.js';
import { timestampHover } from './hover.js';
import type { LintStore } from './lint-store.js';
import { visibleLineProtocolHighlighting } from './visible-highlight.js';
import { isTextFix, QuickFixCache, type FixOptions } from './quickfix.js';
import { convertTimestamps } from '../../app/timestamps.js';
import type { PlaceholderContext } from '../../app/placeholders.js';
import { placeholderDiagnostics, placeholderHighlight, placeholderHover, placeholderLines } from './placeholders.js';

export interface EditorHandle {
  /** The active document's text. */
  text(): string;
  /** A document's text: the active one's, or a kept one's; undefined when the editor never showed it. */
  textOf(docId: string): string | undefined;
  /** Forgets a closed document (its text and undo history). */
  forget(docId: string): void;
  setText(text: string): void;
  /** The current selection of the active document (offsets), empty when the cursor is a caret. */
  selection(): { from: number; to: number };
  /** Replaces ranges of the active document in one undoable change. */
  change(changes: { from: number; to: number; insert: string }[], userEvent?: string): void;
  goTo(line: number, column: number): void;
  /**
   * Marks lines a server named as bad, each with its own reason, until the next edit; `[]` clears them.
   * `docId`: the document the answer is to (default the shown one); another keeps them until it is shown.
   */
  markServerErrors(errors: { line: number; message: string }[], docId?: string): void;
  focus(): void;
}

const setServerLines = StateEffect.define<number[]>();
const serverErrorLine = Decoration.line({ class: 'cm-server-error' });

const serverMarks = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    if (tr.docChanged) marks = Decoration.none;
    for (const e of tr.effects) {
      if (e.is(setServerLines)) {
        const doc = tr.state.doc;
        marks = Decoration.set(e.value.filter((l) => l >= 1 && l <= doc.lines).map((l) => serverErrorLine.range(doc.line(l).from)), true);
      }
    }
    return marks;
  },
  provide: (f) => EditorView.decorations.from(f),
});

/** Removes every carriage return of the document (the CRLF warning's second fix). */
function stripAllCr(v: EditorView): void {
  const changes: { from: number; to: number }[] = [];
  const text = v.state.doc.toString();
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) changes.push({ from: i, to: i + 1 });
  if (changes.length > 0) v.dispatch({ changes, userEvent: 'input.fix' });
}

/** Rewrites every timestamp of the document from one precision to another, as one undoable change. */
function convertAll(v: EditorView, from: Precision, to: Precision): void {
  const r = convertTimestamps(v.state.doc.toString(), from, to);
  if (r.edits.length > 0) v.dispatch({ changes: r.edits, userEvent: 'input.fix' });
}

/** Whether a change falls on a line that carries a diagnostic. */
function touchesDiagnostic(state: EditorState, changes: ChangeSet): boolean {
  const touched: [number, number][] = [];
  changes.iterChangedRanges((fromA, toA) => touched.push([state.doc.lineAt(fromA).from, state.doc.lineAt(toA).to]));
  let hit = false;
  forEachDiagnostic(state, (_d, from, to) => {
    if (!hit) hit = touched.some(([a, b]) => from <= b && to >= a);
  });
  return hit;
}

function toCm(view: EditorView, d: Diagnostic, fixCache: QuickFixCache, opts: FixOptions, setPrecision: (p: Precision) => void): CmDiagnostic | null {
  const range = diagnosticRange(view.state.doc, d);
  if (range === null) return null;
  const { from, to, line } = range;
  const fixes = d.code === 'server' ? [] : fixCache.get(d, line.text, opts);
  return {
    from,
    to,
    severity: d.severity,
    message: d.hint ? `${d.message}\n${d.hint}` : d.message,
    source: d.code,
    actions: [
      ...fixes.map((f) =>
        isTextFix(f)
          ? {
              name: f.name,
              // `at` is the diagnostic's start mapped through edits made since: find its line there,
              // and apply only to the text the fix was computed for.
              apply: (v: EditorView, at: number) => {
                const l = v.state.doc.lineAt(at);
                if (l.text !== line.text) return;
                v.dispatch({ changes: { from: l.from + f.from, to: l.from + f.to, insert: f.insert }, userEvent: 'input.fix' });
              },
            }
          : // The composer's precision control changes; the text stays, and the warning goes with the re-lint.
            { name: f.name, apply: () => setPrecision(f.setPrecision) },
      ),
      ...(d.code === 'crlf' ? [{ name: 'Strip every CR', apply: stripAllCr }] : []),
      // The text's own fix: every timestamp of the document rewritten from the unit it looks like to the chosen precision.
      ...(d.code === 'precision-mismatch' && d.precision !== undefined && opts.precision !== undefined
        ? [{ name: `Convert timestamps ${d.precision} → ${opts.precision}`, apply: (v: EditorView) => convertAll(v, d.precision!, opts.precision!) }]
        : []),
    ],
  };
}

export function Editor(props: {
  /** The selected target: the text is checked by its rules. */
  target: TargetKind;
  precision: Precision;
  /** InfluxDB 3 targets: precision auto (each timestamp's unit guessed from its magnitude). */
  autoPrecision?: boolean;
  /** A quick fix chose a precision (e.g. "Set precision to ms"): the composer's control takes it. */
  onSetPrecision?: (p: Precision) => void;
  /** The document shown: each keeps its own text and undo history while open. */
  docId: string;
  /** The text a document starts with the first time the editor shows it. */
  initialText: (docId: string) => string;
  /** A document's text changed (typed, pasted, undone, fixed). */
  onDocChanged?: (docId: string, length: number) => void;
  /** Placeholders (`${now}`, `${name}`): the time, precision and the target's variables they resolve with. */
  placeholders: () => PlaceholderContext;
  /** Changes when the variables change: the placeholder lines are checked again. */
  variablesKey?: string;
  /** Where the lint results go (the status bar and the problems list read them there). */
  lint: LintStore;
  onReady: (h: EditorHandle) => void;
  onSubmit: () => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const worker = useRef<Worker | null>(null);
  const version = useRef(0);
  const serverDiags = useRef<Diagnostic[]>([]);
  /** The server's marks of each document not shown (the shown one's are serverDiags). */
  const serverDiagsOf = useRef(new Map<string, { line: number; message: string }[]>());
  /** The worker's diagnostics as last sent (it sends what changed, or null when nothing did). */
  const workerDiags = useRef<Diagnostic[]>([]);
  const fixCache = useRef(new QuickFixCache());
  const precision = useRef(props.precision);
  const target = useRef(props.target);
  target.current = props.target;
  const autoPrecision = useRef(props.autoPrecision);
  autoPrecision.current = props.autoPrecision;
  const setPrecision = useRef(props.onSetPrecision);
  setPrecision.current = props.onSetPrecision;
  const submit = useRef(props.onSubmit);
  /** Each document's editor state (text, selection, undo history) while another one is shown. */
  const states = useRef(new Map<string, EditorState>());
  const shownDoc = useRef(props.docId);
  const extensionsRef = useRef<Extension[]>([]);
  const resetShown = useRef<() => void>(() => {});
  const initialText = useRef(props.initialText);
  initialText.current = props.initialText;
  const placeholderCtx = useRef(props.placeholders);
  placeholderCtx.current = props.placeholders;
  const republish = useRef<() => void>(() => {});
  const markShownRef = useRef<(errors: { line: number; message: string }[]) => void>(() => {});
  const docChanged = useRef(props.onDocChanged);
  docChanged.current = props.onDocChanged;
  precision.current = props.precision;
  submit.current = props.onSubmit;

  useEffect(() => {
    const w = new Worker(new URL('../lint/lint.worker.ts', import.meta.url), { type: 'module' });
    worker.current = w;
    const post = (m: ToWorker) => w.postMessage(m);
    // Diagnostics and server marks, merged, as CodeMirror diagnostics: rebuilt only when either
    // changed, so a keystroke that changes no finding costs CodeMirror nothing but the counts.
    let shown: Diagnostic[] = [];
    let shownFrom: [Diagnostic[], Diagnostic[]] | null = null;
    /** What the placeholder lines changed in the worker's counts (it checked them as written). */
    let countShift = { errors: 0, warnings: 0, points: 0 };
    resetShown.current = () => {
      shownFrom = null;
      last = null;
      workerDiags.current = [];
      serverDiags.current = [];
    };
    const publishDiagnostics = () => {
      const v = view.current;
      if (v === null) return;
      // Lines with a placeholder are checked as they will be sent, here, instead of as written by the worker.
      const lines = placeholderLines(v.state.doc);
      if (lines.length === 0 && shownFrom !== null && shownFrom[0] === workerDiags.current && shownFrom[1] === serverDiags.current) return;
      shownFrom = [workerDiags.current, serverDiags.current];
      let fromWorker = workerDiags.current;
      let extra: Diagnostic[] = [];
      countShift = { errors: 0, warnings: 0, points: 0 };
      if (lines.length > 0) {
        const onPlaceholderLine = new Set(lines);
        fromWorker = fromWorker.filter((d) => !onPlaceholderLine.has(d.line));
        // The worker counted a point for each of these lines it found no error on.
        const workerErrorLines = new Set<number>();
        for (const d of workerDiags.current) {
          if (!onPlaceholderLine.has(d.line)) continue;
          countShift[d.severity === 'error' ? 'errors' : 'warnings']--;
          if (d.severity === 'error') workerErrorLines.add(d.line);
        }
        const checked = placeholderDiagnostics(v.state.doc, lines, placeholderCtx.current(), target.current, autoPrecision.current);
        extra = checked.diagnostics;
        for (const d of extra) countShift[d.severity === 'error' ? 'errors' : 'warnings']++;
        countShift.points = checked.points - (lines.length - workerErrorLines.size);
      }
      shown =
        serverDiags.current.length === 0 && extra.length === 0
          ? fromWorker
          : [...fromWorker, ...extra, ...serverDiags.current].sort((a, b) => a.line - b.line || a.column - b.column);
      const opts = { target: target.current, precision: precision.current };
      const choose = (p: Precision) => setPrecision.current?.(p);
      const cm = shown.map((d) => toCm(v, d, fixCache.current, opts, choose)).filter((d): d is CmDiagnostic => d !== null);
      v.dispatch(setDiagnostics(v.state, cm));
    };
    let last: FromWorker | null = null;
    const publish = () => {
      if (last === null) return;
      publishDiagnostics();
      const stats = {
        ...last.stats,
        errors: Math.max(0, last.stats.errors + countShift.errors),
        warnings: Math.max(0, last.stats.warnings + countShift.warnings),
        points: Math.max(0, last.stats.points + countShift.points),
      };
      props.lint.set({ stats, diagnostics: shown, complete: last.complete, progress: last.progress });
    };
    republish.current = () => {
      shownFrom = null;
      publish();
    };
    w.onmessage = (e: MessageEvent<FromWorker>) => {
      // Each answer's diagnostics are kept (the next may say "unchanged"), but one to an older
      // version is not shown: a newer edit is on its way.
      if (e.data.diagnostics !== null) workerDiags.current = applyDiagnostics(workerDiags.current, e.data.diagnostics);
      if (e.data.version !== version.current) return;
      last = e.data;
      publish();
    };
    const extensions: Extension[] = [
      // Lines end at \n only: a \r stays in the text (shown as a marker), is linted (the CRLF warning) and is sent as typed.
      EditorState.lineSeparator.of('\n'),
      lineNumbers(),
      highlightSpecialChars(),
      history(),
      drawSelection(),
      highlightActiveLine(),
      highlightSelectionMatches(),
      visibleLineProtocolHighlighting,
      lintGutter(),
      serverMarks,
      timestampHover(() => precision.current),
      placeholderHighlight,
      placeholderHover(() => placeholderCtx.current()),
      keymap.of([{ key: 'Mod-Enter', run: () => (submit.current(), true), preventDefault: true }, ...lintKeymap, ...defaultKeymap, ...historyKeymap, ...searchKeymap]),
      EditorView.contentAttributes.of({ 'aria-label': 'Line protocol' }),
      // A dropped file is the window's to handle (open as a document, or upload), never pasted in here.
      EditorView.domEventHandlers({ drop: (e) => e.dataTransfer?.types.includes('Files') === true }),
      EditorView.updateListener.of((u) => {
        if (!u.docChanged) return;
        const changes: { from: number; to: number; insert: string }[] = [];
        // Offsets of each change in the document as it is when the worker applies it (in order).
        let shift = 0;
        u.changes.iterChanges((fromA, toA, _fromB, _toB, inserted) => {
          changes.push({ from: fromA + shift, to: toA + shift, insert: inserted.toString() });
          shift += inserted.length - (toA - fromA);
        });
        if (serverDiags.current.length > 0) serverDiags.current = [];
        // An edit on a line with a finding rebuilds the findings even if the worker's are unchanged
        // (their quick fixes hold the line's text).
        if (touchesDiagnostic(u.startState, u.changes)) shownFrom = null;
        post({ type: 'edit', version: ++version.current, changes });
        docChanged.current?.(shownDoc.current, u.state.doc.length);
      }),
    ];
    extensionsRef.current = extensions;
    const first = initialText.current(shownDoc.current);
    const v = new EditorView({ parent: host.current!, state: EditorState.create({ doc: first, extensions }) });
    view.current = v;
    post({ type: 'set', version: ++version.current, text: first, options: { target: props.target, precision: props.precision, autoPrecision: props.autoPrecision } });
    const markShown = (errors: { line: number; message: string }[]) => {
      serverDiags.current = errors.map(({ line, message }) => {
        const l = line <= v.state.doc.lines ? v.state.doc.line(line) : null;
        return { line, column: 1, endColumn: (l?.length ?? 0) + 1, severity: 'error' as const, code: 'server', message };
      });
      v.dispatch({ effects: setServerLines.of(errors.map((e) => e.line)) });
      publish();
    };
    markShownRef.current = markShown;
    props.onReady({
      text: () => v.state.doc.toString(),
      textOf: (id) => (id === shownDoc.current ? v.state.doc.toString() : states.current.get(id)?.doc.toString()),
      forget: (id) => {
        states.current.delete(id);
        serverDiagsOf.current.delete(id);
      },
      selection: () => ({ from: v.state.selection.main.from, to: v.state.selection.main.to }),
      change: (changes, userEvent = 'input') => v.dispatch({ changes, userEvent, scrollIntoView: true }),
      setText: (text) => v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text } }),
      goTo: (line, column) => {
        const l = v.state.doc.line(Math.min(Math.max(1, line), v.state.doc.lines));
        const pos = Math.min(l.from + column - 1, l.to);
        v.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
        v.focus();
      },
      markServerErrors: (errors, docId = shownDoc.current) => {
        if (docId !== shownDoc.current) {
          // An answer to a document in another tab: its marks wait for it (its lines highlighted in its kept state).
          if (errors.length === 0) serverDiagsOf.current.delete(docId);
          else serverDiagsOf.current.set(docId, errors);
          const kept = states.current.get(docId);
          if (kept !== undefined) states.current.set(docId, kept.update({ effects: setServerLines.of(errors.map((e) => e.line)) }).state);
          return;
        }
        markShown(errors);
      },
      focus: () => v.focus(),
    });
    return () => {
      v.destroy();
      w.terminate();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Other variables: the placeholder lines are checked again.
  useEffect(() => republish.current(), [props.variablesKey]);

  // Another document: keep the shown one's state (text, selection, undo history), show the other's.
  useEffect(() => {
    const v = view.current;
    if (v === null || shownDoc.current === props.docId) return;
    states.current.set(shownDoc.current, v.state);
    // The server's marks stay with their document (until it is edited).
    const leaving = serverDiags.current.map((d) => ({ line: d.line, message: d.message }));
    if (leaving.length > 0) serverDiagsOf.current.set(shownDoc.current, leaving);
    else serverDiagsOf.current.delete(shownDoc.current);
    shownDoc.current = props.docId;
    const next = states.current.get(props.docId) ?? EditorState.create({ doc: initialText.current(props.docId), extensions: extensionsRef.current });
    states.current.delete(props.docId);
    resetShown.current();
    v.setState(next);
    const marks = serverDiagsOf.current.get(props.docId);
    serverDiagsOf.current.delete(props.docId);
    if (marks !== undefined) markShownRef.current(marks);
    worker.current?.postMessage({ type: 'set', version: ++version.current, text: next.doc.toString(), options: { target: props.target, precision: props.precision, autoPrecision: props.autoPrecision } } satisfies ToWorker);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.docId]);

  useEffect(() => {
    worker.current?.postMessage({ type: 'options', version: ++version.current, options: { target: props.target, precision: props.precision, autoPrecision: props.autoPrecision } } satisfies ToWorker);
  }, [props.target, props.precision, props.autoPrecision]);

  return <div ref={host} className="lp-editor" />;
}
