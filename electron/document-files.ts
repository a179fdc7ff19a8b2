// Open and Save in the desktop: the main process shows the native dialogs and reads or writes the
// file; the window never names a path. It gets an opaque handle (`fileRef`) of each file it opened
// or saved, valid while the app runs, and names it to save there again. No `electron` import: the
// dialogs and the disk are injected (tested under Node).
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { AppError, type LineEnding } from '../app/contract.js';
import { documentOfFile, fileOfDocument, MAX_OPEN_BYTES } from '../app/document-text.js';

export interface DocumentFileDeps {
  /** The native Open dialog: the chosen path, or undefined when cancelled. */
  showOpenDialog(): Promise<string | undefined>;
  /** The native Save dialog, starting at `defaultName`: the chosen path, or undefined when cancelled. */
  showSaveDialog(defaultName: string): Promise<string | undefined>;
  fileSize(file: string): Promise<number>;
  readFile(file: string): Promise<Uint8Array>;
  /** Replaces the file with exactly these bytes (atomically). */
  writeFile(file: string, data: string): Promise<void>;
}

export interface OpenedDocument {
  name: string;
  text: string;
  eol: LineEnding;
  fileRef: string;
}

export class DocumentFiles {
  private readonly paths = new Map<string, string>();

  constructor(private readonly deps: DocumentFileDeps) {}

  private refOf(file: string): string {
    for (const [ref, p] of this.paths) if (p === file) return ref;
    const ref = randomUUID();
    this.paths.set(ref, file);
    return ref;
  }

  /** Asks for a file and reads it; null when the dialog was cancelled. Bigger than MAX_OPEN_BYTES: refused (upload it instead). */
  async open(): Promise<OpenedDocument | null> {
    const file = await this.deps.showOpenDialog();
    if (file === undefined) return null;
    const size = await this.deps.fileSize(file);
    if (size > MAX_OPEN_BYTES) {
      throw new AppError('invalid', `${path.basename(file)} is ${(size / 1024 / 1024).toFixed(1)} MB; files over ${MAX_OPEN_BYTES / 1024 / 1024} MB open in the upload dialog: use Upload file`);
    }
    let raw: string;
    try {
      raw = new TextDecoder('utf-8', { fatal: true }).decode(await this.deps.readFile(file));
    } catch (e) {
      if (e instanceof TypeError) throw new AppError('invalid', `${path.basename(file)} is not UTF-8 text: line protocol is UTF-8; convert the file first`);
      throw e;
    }
    return { name: path.basename(file), ...documentOfFile(raw), fileRef: this.refOf(file) };
  }

  /**
   * Writes the document to its file (`fileRef`), or, for Save as or a document without a file
   * (or whose handle is from an earlier run), to the file the Save dialog names; null when cancelled.
   */
  async save(d: { fileRef?: string; name: string; text: string; eol: LineEnding; saveAs: boolean }): Promise<{ fileRef: string; name: string } | null> {
    let file = d.saveAs || d.fileRef === undefined ? undefined : this.paths.get(d.fileRef);
    if (file === undefined) {
      file = await this.deps.showSaveDialog(/\.(lp|txt)$/i.test(d.name) ? d.name : `${d.name}.lp`);
      if (file === undefined) return null;
    }
    await this.deps.writeFile(file, fileOfDocument(d.text, d.eol));
    return { fileRef: this.refOf(file), name: path.basename(file) };
  }
}
