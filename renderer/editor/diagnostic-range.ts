// Where an engine diagnostic (1-based line and UTF-16 columns) lies in a CodeMirror document: the
// editor and the read-only views underline the same range.
import type { Line, Text } from '@codemirror/state';
import type { Diagnostic } from '../../lineprotocol/types.js';

/** Document offsets of a diagnostic, and its first line; null when the line is past the end. */
export function diagnosticRange(doc: Text, d: Diagnostic): { from: number; to: number; line: Line } | null {
  if (d.line > doc.lines) return null;
  const line = doc.line(d.line);
  let from = Math.min(line.from + d.column - 1, line.to);
  const endLine = d.endLine !== undefined && d.endLine <= doc.lines ? doc.line(d.endLine) : line;
  const to = Math.max(from, Math.min(endLine.from + d.endColumn - 1, doc.length));
  // A range of only a \r (CRLF lines) would be invisible under its special-character marker:
  // underline the element it ends instead.
  if (to > from && /^\r+$/.test(doc.sliceString(from, to))) {
    const before = line.text.slice(0, from - line.from);
    from = line.from + before.lastIndexOf(' ') + 1;
  }
  return { from, to, line };
}
