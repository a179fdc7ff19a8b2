// Browser mode's Save: the document as a download (`<name>.lp`), with its file's line endings.
import type { LineEnding } from '../../app/contract.js';
import { fileOfDocument } from '../../app/document-text.js';

export function downloadDocument(fileName: string, text: string, eol: LineEnding): void {
  const url = URL.createObjectURL(new Blob([fileOfDocument(text, eol)], { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own copy once started.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
