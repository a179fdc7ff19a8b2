// Quick fixes, offered only where the fix is certain. Pure: a diagnostic and its line's text in,
// a named edit (columns on that line) out.
import type { Diagnostic } from '../../lineprotocol/types.js';

export interface QuickFix {
  name: string;
  /** 0-based offsets within the line. */
  from: number;
  to: number;
  insert: string;
}

export function quickFixes(d: Diagnostic, lineText: string): QuickFix[] {
  const at = d.column - 1;
  switch (d.code) {
    case 'crlf': {
      const cr = lineText.lastIndexOf('\r');
      return cr < 0 ? [] : [{ name: 'Strip CR', from: cr, to: cr + 1, insert: '' }];
    }
    case 'invalid-boolean': {
      // A bare word as a field value: the user meant a string.
      const word = lineText.slice(at, d.endColumn - 1);
      if (!/^[^\s",=\\]+$/.test(word)) return [];
      return [{ name: 'Wrap in quotes', from: at, to: d.endColumn - 1, insert: `"${word}"` }];
    }
    case 'invalid-field-format':
    case 'missing-fields': {
      // `cpu,host=a b usage=1`: a space inside the measurement or a tag value ended the tag set early.
      if (at < 1 || lineText[at - 1] !== ' ') return [];
      const rest = lineText.slice(at);
      const word = /^[^\s]*/.exec(rest)![0];
      if (word.includes('=') || !/\s\S*=/.test(rest)) return [];
      return [{ name: 'Escape the space', from: at - 1, to: at, insert: '\\ ' }];
    }
    default:
      return [];
  }
}
