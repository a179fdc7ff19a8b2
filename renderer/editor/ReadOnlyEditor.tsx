// Line protocol shown read-only with the editor's highlighting, line numbers and diagnostics
// (a dropped file's first lines, a request body in the inspector). Diagnostics come precomputed.
import { lintGutter, setDiagnostics, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, highlightSpecialChars, lineNumbers } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import type { Diagnostic } from '../../lineprotocol/types.js';
import { diagnosticRange } from './diagnostic-range.js';
import { lineProtocolHighlight, lineProtocolLanguage } from './language.js';

function toCm(doc: EditorState['doc'], d: Diagnostic): CmDiagnostic | null {
  const r = diagnosticRange(doc, d);
  return r === null ? null : { from: r.from, to: r.to, severity: d.severity, message: d.hint ? `${d.message}\n${d.hint}` : d.message, source: d.code };
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
