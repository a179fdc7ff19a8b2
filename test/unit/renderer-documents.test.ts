// The composer's tab bookkeeping: names of new documents, which tab follows a closed one,
// Ctrl+Tab's wrap-around, the session's form of a document and back, download names.
import { describe, expect, it } from 'vitest';
import { Workspace } from '../../app/contract.js';
import { cycle, fileNameOf, fromStored, neighbourAfterClose, newDoc, toStored, untitledName, type Doc, type DocSettings } from '../../renderer/documents/documents.js';

const settings: DocSettings = { profileId: 'local', db: 'default', rp: '', org: '', bucket: '', precision: 'ns', auth: 'profile', autoPrecision: true, acceptPartial: true, noSync: false };
const docs = (...names: string[]): Doc[] => names.map((name, i) => ({ ...settings, id: `d-${i}`, name, eol: 'lf', dirty: false }));

describe('documents', () => {
  it('a new document takes the first free "Untitled N"', () => {
    expect(untitledName([])).toBe('Untitled 1');
    expect(untitledName(docs('Untitled 1', 'Untitled 3'))).toBe('Untitled 2');
    expect(newDoc(docs('Untitled 1'), settings)).toMatchObject({ name: 'Untitled 2', dirty: false, eol: 'lf', profileId: 'local', id: expect.stringMatching(/^[a-z0-9-]{1,64}$/) });
  });

  it('closing a tab shows the one after it, else the one before', () => {
    const ds = docs('a', 'b', 'c');
    expect(neighbourAfterClose(ds, 'd-1')).toBe('d-2');
    expect(neighbourAfterClose(ds, 'd-2')).toBe('d-1');
    expect(neighbourAfterClose(docs('a'), 'd-0')).toBeUndefined();
  });

  it('Ctrl+Tab and Ctrl+Shift+Tab wrap around', () => {
    const ds = docs('a', 'b', 'c');
    expect(cycle(ds, 'd-2', 1)).toBe('d-0');
    expect(cycle(ds, 'd-0', -1)).toBe('d-2');
    expect(cycle(ds, 'd-1', 1)).toBe('d-2');
  });

  it('the session keeps text and choices, not the last answer; what it keeps passes the contract', () => {
    const d: Doc = { ...docs('notes.lp')[0], dirty: true, eol: 'crlf', precision: 's', auth: 'basic', acceptPartial: false, noSync: true, result: { status: 204 } as Doc['result'], sendError: 'x', switchNote: 'y' };
    const stored = toStored(d, 'cpu v=1 1\n');
    expect(Workspace.parse({ version: 1, activeId: d.id, documents: [stored], environments: {} }).documents[0]).toEqual(stored);
    expect(stored).not.toHaveProperty('result');
    expect(stored).not.toHaveProperty('switchNote');
    expect(fromStored(stored)).toEqual({ ...settings, id: 'd-0', name: 'notes.lp', dirty: true, eol: 'crlf', precision: 's', auth: 'basic', acceptPartial: false, noSync: true, fileRef: undefined });
  });

  it('downloads are <name>.lp unless the name already is a .lp or .txt file', () => {
    expect(fileNameOf('Untitled 1')).toBe('Untitled 1.lp');
    expect(fileNameOf('data.txt')).toBe('data.txt');
    expect(fileNameOf('x.LP')).toBe('x.LP');
  });
});
