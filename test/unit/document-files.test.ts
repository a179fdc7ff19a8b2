// Open and Save: a file's text as a document and back (line endings and the trailing newline as
// the file had them), and the desktop's main-process side with its dialogs and disk injected:
// the window gets a handle, never a path; Save writes where the file came from; Save as asks.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentOfFile, fileOfDocument, MAX_OPEN_BYTES } from '../../app/document-text.js';
import { writeFileAtomicSync } from '../../server/fs/atomic-file.js';
import { DocumentFiles } from '../../electron/document-files.js';

describe('a file as a document and back', () => {
  it.each([
    ['LF with a trailing newline', 'a v=1 1\nb v=2 2\n', 'lf'],
    ['LF without one', 'a v=1 1\nb v=2 2', 'lf'],
    ['CRLF with a trailing newline', 'a v=1 1\r\nb v=2 2\r\n', 'crlf'],
    ['CRLF without one', 'a v=1 1\r\nb v=2 2', 'crlf'],
    ['mixed (kept as it is)', 'a v=1 1\r\nb v=2 2\n', 'lf'],
    ['one line', 'a v=1 1', 'lf'],
    ['empty', '', 'lf'],
  ])('%s comes back byte for byte', (_what, raw, eol) => {
    const d = documentOfFile(raw);
    expect(d.eol).toBe(eol);
    expect(d.text.includes('\r')).toBe(eol === 'lf' && raw.includes('\r'));
    expect(fileOfDocument(d.text, d.eol)).toBe(raw);
  });

  it('lines added to a CRLF document are written with CRLF too', () => {
    const d = documentOfFile('a v=1 1\r\n');
    expect(fileOfDocument(`${d.text}b v=2 2\n`, d.eol)).toBe('a v=1 1\r\nb v=2 2\r\n');
  });
});

function desktop(answers: { open?: string; save?: string[] }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'lpstudio-docs-'));
  const asked: string[] = [];
  const files = new DocumentFiles({
    showOpenDialog: async () => answers.open && path.join(dir, answers.open),
    showSaveDialog: async (name) => {
      asked.push(name);
      const next = answers.save?.shift();
      return next && path.join(dir, next);
    },
    fileSize: async (f) => (await stat(f)).size,
    readFile: (f) => readFile(f),
    writeFile: async (f, data) => writeFileAtomicSync(f, data, { mode: 0o644 }),
  });
  return { dir, files, asked };
}

describe("the desktop's Open and Save (main process)", () => {
  it('opens a file as text and a handle; Save writes back there, with its CRLF; Save as asks and moves the handle', async () => {
    const { dir, files, asked } = desktop({ open: 'in.lp', save: ['out.lp'] });
    writeFileSync(path.join(dir, 'in.lp'), 'a v=1 1\r\n');
    const d = (await files.open())!;
    expect(d).toEqual({ name: 'in.lp', text: 'a v=1 1\n', eol: 'crlf', fileRef: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(JSON.stringify(d)).not.toContain(dir); // no path reaches the window
    const saved = await files.save({ fileRef: d.fileRef, name: d.name, text: 'a v=1 10\nb v=2 2\n', eol: d.eol, saveAs: false });
    expect(saved).toEqual({ fileRef: d.fileRef, name: 'in.lp' });
    expect(asked).toEqual([]);
    expect(readFileSync(path.join(dir, 'in.lp'), 'utf8')).toBe('a v=1 10\r\nb v=2 2\r\n');
    expect(statSync(path.join(dir, 'in.lp')).mode & 0o777).toBe(0o644);
    const as = await files.save({ fileRef: d.fileRef, name: d.name, text: 'c v=3 3\n', eol: 'lf', saveAs: true });
    expect(asked).toEqual(['in.lp']);
    expect(as?.name).toBe('out.lp');
    expect(as?.fileRef).not.toBe(d.fileRef);
    expect(readFileSync(path.join(dir, 'out.lp'), 'utf8')).toBe('c v=3 3\n');
    expect(readFileSync(path.join(dir, 'in.lp'), 'utf8')).toBe('a v=1 10\r\nb v=2 2\r\n');
  });

  it('a document without a file (or a handle of an earlier run) asks where, as <name>.lp; a cancelled dialog writes nothing', async () => {
    const { files, asked } = desktop({ save: [] });
    expect(await files.save({ name: 'Untitled 1', text: 'x v=1', eol: 'lf', saveAs: false })).toBeNull();
    expect(await files.save({ fileRef: '00000000-0000-4000-8000-000000000000', name: 'data.txt', text: 'x v=1', eol: 'lf', saveAs: false })).toBeNull();
    expect(asked).toEqual(['Untitled 1.lp', 'data.txt']);
  });

  it('a cancelled Open is null; a file over 10 MB or not UTF-8 is refused with what to do', async () => {
    expect(await desktop({}).files.open()).toBeNull();
    const big = desktop({ open: 'big.lp' });
    writeFileSync(path.join(big.dir, 'big.lp'), Buffer.alloc(MAX_OPEN_BYTES + 1, 0x61));
    await expect(big.files.open()).rejects.toThrow(/big\.lp is 10\.0 MB; files over 10 MB open in the upload dialog: use Upload file/);
    const bin = desktop({ open: 'bin.lp' });
    writeFileSync(path.join(bin.dir, 'bin.lp'), Buffer.from([0x61, 0xff, 0xfe]));
    await expect(bin.files.open()).rejects.toThrow(/bin\.lp is not UTF-8 text/);
  });
});
