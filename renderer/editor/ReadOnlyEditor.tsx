// Line protocol shown read-only with the editor's highlighting, line numbers and diagnostics
// (a dropped file's first lines, a request body in the inspector). Diagnostics come precomputed.
import { lintGutter, setDiagnostics, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, highlightSpecialChars, lineNumbers } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import type { Diagnostic } from '../../lineprotocol/types.js';
import { lineProtocolHighlight, lineProtocolLanguage } from './language.js';

function toCm(doc: EditorState['doc'], d: Diagnostic): CmDiagnostic | null {
  if (d.line > doc.lines) return null;
  const line = doc.line(d.line);
  const from = Math.min(line.from + d.column - 1, line.to);
  const endLine = d.endLine !== undefined && d.endLine <= doc.lines ? doc.line(d.endLine) : line;
  const to = Math.max(from, Math.min(endLine.from + d.endColumn - 1, doc.length));
  return { from, to, severity: d.severity, message: d.hint ? `${d.message}\n${d.hint}` : d.message, source: d.code };
}

export function ReadOnlyEditor(props: { text: string; diagnostics: readonly Diagnostic[]; label: string; height?: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const state = EditorState.create({
      doc: props.text,
      extensions: [
        EditorState.lineSeparator.of('\n'),
        EditorState.readOnly.of(true),
        lineNumbers(),
        highlightSpecialChars(),
        lineProtocolLanguage,
        lineProtocolHighlight,
        lintGutter(),
        EditorView.contentAttributes.of({ 'aria-label': props.label, 'aria-readonly': 'true' }),
      ],
    });
    const v = new EditorView({ parent: host.current!, state });
    const diagnostics = props.diagnostics.map((d) => toCm(v.state.doc, d)).filter((d): d is CmDiagnostic => d !== null);
    v.dispatch(setDiagnostics(v.state, diagnostics));
    return () => v.destroy();
  }, [props.text, props.diagnostics, props.label]);
  return <div ref={host} className="lp-editor lp-readonly" style={{ ['--lp-readonly-height' as string]: props.height ?? '30vh' }} />;
}
