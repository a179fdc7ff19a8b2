// The composer's documents (tabs): each keeps its own target, database, retention policy,
// precision and authentication choice, and its last answer. The text itself lives in the editor
// (with its undo history); the session (app/contract.ts Workspace) keeps text and choices.
// Pure: tested without a browser.
import type { AuthChoice, LineEnding, Precision, SendResult, WorkspaceDocument } from '../../app/contract.js';
import type { MissingDatabase } from '../components/target-choice.js';

export interface Doc {
  id: string;
  name: string;
  profileId: string;
  db: string;
  rp: string;
  org: string;
  bucket: string;
  precision: Precision;
  /** InfluxDB 3 targets (/api/v3/write_lp): precision auto, accept_partial, no_sync; kept across target switches like the text. */
  autoPrecision: boolean;
  acceptPartial: boolean;
  noSync: boolean;
  auth: AuthChoice;
  eol: LineEnding;
  /** The desktop's handle of the document's file (its path stays in the main process). */
  fileRef?: string;
  /** Changed since it was opened or saved. */
  dirty: boolean;
  /** The last send's answer (kept while the document is open). */
  result?: SendResult;
  sendError?: string;
  /** What the status line says while no answer is shown. */
  idleNote?: string;
  missing?: MissingDatabase;
  /** Said when its target moved between 2.x rules and InfluxDB 3: which lines one refuses and the other accepts. */
  switchNote?: string;
}

/** What a document takes from a target it moves to. */
export type TargetSettings = Pick<Doc, 'profileId' | 'db' | 'rp' | 'org' | 'bucket' | 'precision' | 'auth'>;
/** InfluxDB 3's write choices of a document. */
export type V3Choices = Pick<Doc, 'autoPrecision' | 'acceptPartial' | 'noSync'>;
/** 3.x's own defaults: precision auto, partial writes accepted, fsync waited for. */
export const V3_DEFAULTS: V3Choices = { autoPrecision: true, acceptPartial: true, noSync: false };
export type DocSettings = TargetSettings & V3Choices;

/** A document's settings, for a new document that starts with the same choices. */
export function settingsOf(d: Doc): DocSettings {
  const { profileId, db, rp, org, bucket, precision, auth, autoPrecision, acceptPartial, noSync } = d;
  return { profileId, db, rp, org, bucket, precision, auth, autoPrecision, acceptPartial, noSync };
}

export function newDocId(): string {
  return `d-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** "Untitled 1", "Untitled 2", … the first number no open document uses. */
export function untitledName(docs: readonly Pick<Doc, 'name'>[]): string {
  const used = new Set(docs.map((d) => d.name));
  for (let i = 1; ; i++) if (!used.has(`Untitled ${i}`)) return `Untitled ${i}`;
}

export function newDoc(docs: readonly Doc[], settings: DocSettings, extra: Partial<Doc> = {}): Doc {
  return { id: newDocId(), name: untitledName(docs), eol: 'lf', dirty: false, ...settings, ...extra };
}

/** The tab that becomes active when `id` closes: the one after it, else the one before. */
export function neighbourAfterClose(docs: readonly Doc[], id: string): string | undefined {
  const i = docs.findIndex((d) => d.id === id);
  if (i < 0) return undefined;
  return (docs[i + 1] ?? docs[i - 1])?.id;
}

/** The tab `step` places away from `id`, wrapping around (Ctrl+Tab, Ctrl+Shift+Tab). */
export function cycle(docs: readonly Doc[], id: string, step: 1 | -1): string {
  const i = docs.findIndex((d) => d.id === id);
  return docs[(i + step + docs.length) % docs.length].id;
}

/** What the session keeps of a document. */
export function toStored(d: Doc, text: string): WorkspaceDocument {
  return {
    id: d.id,
    name: d.name,
    text,
    dirty: d.dirty,
    eol: d.eol,
    fileRef: d.fileRef,
    profileId: d.profileId,
    db: d.db,
    rp: d.rp,
    org: d.org,
    bucket: d.bucket,
    precision: d.precision,
    autoPrecision: d.autoPrecision,
    acceptPartial: d.acceptPartial,
    noSync: d.noSync,
    auth: d.auth,
  };
}

export function fromStored(s: WorkspaceDocument): Doc {
  const { text: _text, ...rest } = s;
  return { ...rest };
}

/** The name a document downloads or saves as: `<name>.lp` unless it already names a .lp or .txt file. */
export function fileNameOf(docName: string): string {
  return /\.(lp|txt)$/i.test(docName) ? docName : `${docName}.lp`;
}
