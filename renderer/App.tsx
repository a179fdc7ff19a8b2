// The composer: target and write settings, the editor with live validation, send, the answer.
import { Alert, Button, Group, Menu, Modal, PasswordInput, Select, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AppInfo, AuthChoice, Environments, HistoryEntry, Precision, Profile, SendRequest, Workspace } from '../app/contract.js';
import type { Diagnostic } from '../lineprotocol/types.js';
import { influxdb3Differences } from '../lineprotocol/influxdb3-dialect.js';
import { validate } from '../lineprotocol/parse.js';
import { targetParseOptions, targetProfile, type TargetKind } from '../lineprotocol/target.js';
import { lineList } from '../app/write-outcome.js';
import { api, mode } from './api/index.js';
import { sendOnExit } from './api/http.js';
import { documentOfFile } from '../app/document-text.js';
import { downloadDocument } from './documents/download.js';
import { substitute, type PlaceholderContext } from '../app/placeholders.js';
import { nowIn } from '../app/timestamps.js';
import { ConvertTimestampsModal, FillTimestampsModal } from './documents/TimestampDialogs.js';
import { EnvironmentModal } from './documents/EnvironmentModal.js';
import { GenerateModal, MAX_GENERATED_IN_EDITOR } from './documents/GenerateModal.js';
import { formatDocument } from '../app/format.js';
import { ConnectionModal } from './components/ConnectionModal.js';
import { CurlModal } from './components/CurlModal.js';
import { HistoryDrawer } from './components/HistoryDrawer.js';
import { MissingDatabaseOffer } from './components/MissingDatabaseOffer.js';
import type { ComposerLoad } from './components/request-entry.js';
import { SuggestField } from './components/SuggestField.js';
import { missingDatabaseOf, pickDatabase, type MissingDatabase } from './components/target-choice.js';
import { FileDropOverlay, FilePickButton, opensAsDocument } from './components/FileDrop.js';
import type { UploadTargetChoice } from './components/FileUploadModal.js';
import { PRECISION_OPTIONS } from './components/precision.js';
import { Problems } from './components/Problems.js';
import { ResponsePanel } from './components/ResponsePanel.js';
import { SendStatusLine } from './components/SendStatusLine.js';
import { serverMarks } from './components/send-outcome.js';
import { SplitPane } from './components/SplitPane.js';
import { ReadOnlyBanner } from './components/ReadOnlyBanner.js';
import { StatusBar } from './components/StatusBar.js';
import { Editor, type EditorHandle } from './editor/Editor.js';
import { createLintStore } from './editor/lint-store.js';
import { DocumentTabs } from './documents/DocumentTabs.js';
import { cycle, fileNameOf, fromStored, neighbourAfterClose, newDoc, settingsOf, toStored, V3_DEFAULTS, type Doc, type DocSettings, type TargetSettings } from './documents/documents.js';

// The composer loads first; the data browser (with its chart library), the inspector and the upload
// dialog are separate chunks, fetched the first time they open.
const DataDrawer = lazy(() => import('./components/DataDrawer.js').then((m) => ({ default: m.DataDrawer })));
const InspectorDrawer = lazy(() => import('./components/InspectorDrawer.js').then((m) => ({ default: m.InspectorDrawer })));
const FileUploadModal = lazy(() => import('./components/FileUploadModal.js').then((m) => ({ default: m.FileUploadModal })));

/** True from the first time `open` is: a lazy view mounts when first opened and stays (its close animation, its state). */
function useOpenedOnce(open: boolean): boolean {
  const [once, setOnce] = useState(open);
  if (open && !once) setOnce(true);
  return once || open;
}

const AUTH_OPTIONS = [
  { value: 'profile', label: 'Profile default' },
  { value: 'token', label: 'Token' },
  { value: 'basic', label: 'Basic (username and password)' },
  { value: 'query', label: 'Query string (u, p)' },
  { value: 'none', label: 'None' },
];

const MOD_KEY = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? 'Cmd' : 'Ctrl';
const EXAMPLE = `# Type line protocol here; it is checked as you type. ${MOD_KEY}+Enter sends.\n`;

/** A target's own settings: what a document takes when it moves to that target (its InfluxDB 3 choices stay its own). */
function targetDefaults(p: Profile, precision?: Precision): TargetSettings {
  return { profileId: p.id, db: p.db ?? '', rp: p.rp ?? '', org: p.org ?? '', bucket: p.bucket ?? '', precision: precision ?? p.precision, auth: 'profile' };
}
const LOCAL_SETTINGS: DocSettings = { profileId: 'local', db: '', rp: '', org: '', bucket: '', precision: 'ns', auth: 'profile', ...V3_DEFAULTS };

/**
 * A document's target moved from `from` to `to`: between a 2.x-rules target and InfluxDB 3, which
 * lines of its text one refuses and the other accepts (undefined for any other move).
 */
function switchNoteOf(from: TargetKind, to: TargetKind, text: string, d: Pick<Doc, 'precision' | 'autoPrecision'>): string | undefined {
  const twoSide = (k: TargetKind) => k === 'influxdb2' || k === 'cloud' || k === 'endpoint';
  const crossing = (from === 'influxdb3' && twoSide(to)) || (twoSide(from) && to === 'influxdb3');
  if (!crossing) return undefined;
  const other = from === 'influxdb3' ? to : from;
  const unit = d.precision === 'm' || d.precision === 'h' ? 'ns' : d.precision;
  const v2Errors = validate(text, targetParseOptions(other, unit)).diagnostics.filter((x) => x.severity === 'error').map((x) => x.line);
  const diff = influxdb3Differences(text, v2Errors, d.autoPrecision ? 'auto' : unit);
  const name = targetProfile(other).name;
  const parts: string[] = [];
  if (diff.refusedByV3Only.length > 0) parts.push(`InfluxDB 3 refuses ${lineList(diff.refusedByV3Only)}, which ${name} accepts`);
  if (diff.refusedByV2Only.length > 0) parts.push(`InfluxDB 3 accepts ${lineList(diff.refusedByV2Only)}, which ${name} refuses`);
  return parts.length === 0 ? `${name} and InfluxDB 3 take every line of this text alike.` : `${parts.join('; ')}.`;
}

export function App() {
  const [info, setInfo] = useState<AppInfo>();
  const [profiles, setProfiles] = useState<Profile[]>([]);
  const [docs, setDocs] = useState<Doc[]>(() => [newDoc([], LOCAL_SETTINGS)]);
  const [activeId, setActiveId] = useState(() => docs[0].id);
  const docsRef = useRef(docs);
  docsRef.current = docs;
  const activeRef = useRef(activeId);
  activeRef.current = activeId;
  const doc = docs.find((d) => d.id === activeId) ?? docs[0];
  const { profileId, db, rp, org, bucket, precision, auth, autoPrecision, acceptPartial, noSync } = doc;
  const patchDoc = useCallback((id: string, p: Partial<Doc> | ((d: Doc) => Partial<Doc>)) => {
    setDocs((ds) => ds.map((d) => (d.id === id ? { ...d, ...(typeof p === 'function' ? p(d) : p) } : d)));
  }, []);
  /** Changes the shown document. */
  const patch = useCallback((p: Partial<Doc> | ((d: Doc) => Partial<Doc>)) => patchDoc(activeRef.current, p), [patchDoc]);
  const setDb = (v: string) => patch({ db: v });
  const setRp = (v: string) => patch({ rp: v });
  const setOrg = (v: string) => patch({ org: v });
  const setBucket = (v: string) => patch({ bucket: v });
  const setPrecision = useCallback((v: Precision) => patch({ precision: v }), [patch]);
  const setAuth = (v: AuthChoice) => patch({ auth: v });
  const setAcceptPartial = (v: boolean) => patch({ acceptPartial: v });
  const setNoSync = (v: boolean) => patch({ noSync: v });
  /** Each document's text as last opened or saved, to tell whether it has unsaved changes. */
  const savedTexts = useRef(new Map<string, string>([[docs[0].id, EXAMPLE]]));
  /** Text of documents the editor has not shown yet (a new, opened or restored document). */
  const pendingTexts = useRef(new Map<string, string>([[docs[0].id, EXAMPLE]]));
  /** Documents whose database is picked from their target's list once it arrives. */
  const pickFor = useRef(new Set<string>([docs[0].id]));
  /** Typed for a Basic or u/p override; never stored. */
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [suggestions, setSuggestions] = useState<{ profileId: string; databases: { db: string; rps: string[] }[] }>();
  const lint = useMemo(createLintStore, []);
  const { result, sendError, idleNote, missing } = doc;
  const setMissing = (m: Doc['missing']) => patch({ missing: m });
  const [sendingId, setSendingId] = useState<string | null>(null);
  const sending = sendingId !== null;
  const [curlRequest, setCurlRequest] = useState<SendRequest | null>(null);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [inspectorOpen, setInspectorOpen] = useState(false);
  const [dataOpen, setDataOpen] = useState(false);
  const [connection, setConnection] = useState<{ profile?: Profile } | null>(null);
  const [loadError, setLoadError] = useState<string>();
  const [droppedFile, setDroppedFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string>();
  const [uploading, setUploading] = useState(false);
  const busy = uploading ? 'An upload is running: wait for it or cancel it, then drop the next file' : undefined;
  const dataLoaded = useOpenedOnce(dataOpen);
  const inspectorLoaded = useOpenedOnce(inspectorOpen);
  const uploadLoaded = useOpenedOnce(droppedFile !== null);
  const editor = useRef<EditorHandle | null>(null);
  /** The session is restored before the editor shows anything (and saved only after). */
  const [restored, setRestored] = useState(false);
  const [sessionNotice, setSessionNotice] = useState<string>();
  const [environments, setEnvironments] = useState<Environments>({});
  const envRef = useRef(environments);
  envRef.current = environments;

  const profile = profiles.find((p) => p.id === profileId);
  const v2 = profile?.kind === 'influxdb2' || profile?.kind === 'cloud';
  const v3 = profile?.kind === 'influxdb3';
  const dialect = profile?.kind === 'influxdb1' ? 'influxdb1' : 'influxdb2';
  /** The selected target's kind: its rules check the text (lineprotocol/target.ts). */
  const targetKind = profile?.kind ?? 'endpoint';

  // A document moving between a 2.x-rules target and InfluxDB 3 (picked, replayed, its connection
  // edited): its note says which lines one refuses and the other accepts. Each document keeps its
  // own; switching tabs changes no document's target, so says nothing.
  const kindOf = useRef(new Map<string, TargetKind>());
  useEffect(() => {
    if (profiles.length === 0) return;
    for (const d of docs) {
      const p = profiles.find((x) => x.id === d.profileId);
      if (p === undefined) continue; // falls back to a known target (the effect below), seen then
      const kind = p.kind;
      const from = kindOf.current.get(d.id);
      kindOf.current.set(d.id, kind);
      if (from === undefined || from === kind) continue;
      const note = switchNoteOf(from, kind, editor.current?.textOf(d.id) ?? pendingTexts.current.get(d.id) ?? '', d);
      if (note !== d.switchNote) patchDoc(d.id, { switchNote: note });
    }
  }, [docs, profiles, patchDoc]);

  const loadProfiles = useCallback(async () => {
    try {
      const [i, ps] = await Promise.all([api.info({}), api.listProfiles({})]);
      setInfo(i);
      setProfiles(ps);
      return ps;
    } catch (e) {
      setLoadError((e as Error).message);
      return [];
    }
  }, []);
  useEffect(() => {
    void loadProfiles().then((ps) => {
      // The first document starts on this app's endpoint with its defaults.
      const local = ps.find((p) => p.builtin);
      if (local) for (const d of docsRef.current) if (pickFor.current.has(d.id) && d.profileId === local.id) patchDoc(d.id, (cur) => ({ ...targetDefaults(local, cur.precision) }));
    });
  }, [loadProfiles, patchDoc]);

  // A document's target was deleted (or never existed here): it falls back to this app's endpoint.
  useEffect(() => {
    if (profiles.length === 0) return;
    const fallback = profiles.find((p) => p.builtin) ?? profiles[0];
    for (const d of docs) {
      if (profiles.some((p) => p.id === d.profileId)) continue;
      pickFor.current.add(d.id);
      patchDoc(d.id, targetDefaults(fallback));
    }
  }, [profiles, docs, patchDoc]);

  // The last session: its documents (unsaved text included), their choices and the active one.
  useEffect(() => {
    api
      .loadWorkspace({})
      .then(({ workspace, notice }) => {
        setSessionNotice(notice);
        setEnvironments(workspace.environments);
        if (workspace.documents.length === 0) return;
        pendingTexts.current.clear();
        savedTexts.current.clear();
        pickFor.current.clear();
        for (const d of workspace.documents) {
          pendingTexts.current.set(d.id, d.text);
          // A document saved unchanged is clean until edited; one with unsaved changes stays so until saved.
          if (!d.dirty) savedTexts.current.set(d.id, d.text);
        }
        const restoredDocs = workspace.documents.map(fromStored);
        setDocs(restoredDocs);
        setActiveId(restoredDocs.some((d) => d.id === workspace.activeId) ? workspace.activeId! : restoredDocs[0].id);
      })
      .catch((e: Error) => setSessionNotice(`The last session could not be loaded: ${e.message}`))
      .finally(() => setRestored(true));
  }, []);

  // The session is saved a moment after the last change (the host writes it atomically).
  const saveTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const workspaceNow = useCallback((): Workspace => {
    const documents = docsRef.current.map((d) => toStored(d, editor.current?.textOf(d.id) ?? pendingTexts.current.get(d.id) ?? ''));
    return { version: 1, activeId: activeRef.current, documents, environments: envRef.current };
  }, []);
  const scheduleSave = useCallback(() => {
    if (saveTimer.current !== null) clearTimeout(saveTimer.current);
    saveTimer.current = setTimeout(() => {
      saveTimer.current = null;
      api.saveWorkspace(workspaceNow()).catch((e: Error) => setSessionNotice(`The session could not be saved: ${e.message}`));
    }, 500);
  }, [workspaceNow]);
  useEffect(() => {
    if (restored) scheduleSave();
  }, [restored, docs, activeId, environments, scheduleSave]);
  // Leaving the page with a save still waiting: it goes now.
  useEffect(() => {
    const onHide = () => {
      if (saveTimer.current === null) return;
      clearTimeout(saveTimer.current);
      saveTimer.current = null;
      if (mode === 'browser') sendOnExit('saveWorkspace', workspaceNow());
      else void api.saveWorkspace(workspaceNow());
    };
    window.addEventListener('pagehide', onHide);
    return () => window.removeEventListener('pagehide', onHide);
  }, [workspaceNow]);
  const restoredRef = useRef(restored);
  restoredRef.current = restored;

  const loadSuggestions = useCallback(
    async (p: Profile) => {
      const r = await api.suggestDatabases({ profileId: p.id }).catch(() => ({ databases: [] }));
      setSuggestions({ profileId: p.id, databases: r.databases });
      // The profile's default is a preference: the target's own list decides what is shown.
      for (const d of docsRef.current) {
        if (!pickFor.current.has(d.id) || d.profileId !== p.id) continue;
        pickFor.current.delete(d.id);
        // InfluxDB 3 creates a database on its first write: the profile's database stands.
        if (p.kind === 'influxdb3') continue;
        if (p.kind === 'influxdb2' || p.kind === 'cloud') patchDoc(d.id, (cur) => ({ bucket: pickDatabase(cur.bucket, p.bucket, r.databases) }));
        else patchDoc(d.id, (cur) => ({ db: pickDatabase(cur.db, p.db, r.databases) }));
      }
    },
    [patchDoc],
  );

  // The shown document's target: its databases (the document keeps its own choices).
  useEffect(() => {
    if (profile) void loadSuggestions(profile);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [profile?.id, profiles]);

  /** The user picks another target: the document takes its defaults (and its precision, unless kept). */
  const selectTarget = (p: Profile, keepPrecision?: Precision) => {
    pickFor.current.add(activeRef.current);
    patch({ ...targetDefaults(p, keepPrecision), missing: undefined });
  };

  const typedAuth = auth === 'basic' || auth === 'query';
  /** What placeholders resolve with in the shown document: now, its precision, its target's variables. */
  /** The unit timestamps are written in: the document's precision (InfluxDB 3's auto reads ns, us, ms or s by magnitude, not m or h). */
  const writtenUnit: Precision = v3 && autoPrecision && (precision === 'm' || precision === 'h') ? 'ns' : precision;
  const placeholderContext = (): PlaceholderContext => ({ nowMs: Date.now(), precision: writtenUnit, variables: environments[profileId] ?? {} });
  const placeholderRef = useRef(placeholderContext);
  placeholderRef.current = placeholderContext;
  const placeholders = useCallback(() => placeholderRef.current(), []);
  /** The text as it is sent: placeholders substituted (those that cannot be resolved stay, with their errors). */
  const resolvedBody = () => substitute(editor.current?.text() ?? '', placeholderContext());
  const request = (body = resolvedBody().text): SendRequest => ({
    profileId,
    ...(v2 ? { org, bucket } : { db, rp: rp || undefined }),
    precision,
    ...(v3 ? { autoPrecision, acceptPartial, noSync } : {}),
    auth: auth === 'profile' ? undefined : auth,
    ...(typedAuth ? { username, password } : {}),
    body,
  });

  /** Where a file upload goes: the composer's target and settings at the moment it starts. */
  const uploadTarget = (): UploadTargetChoice => {
    const { body: _body, ...r } = request();
    const where = v2 ? `org ${org || '?'} · bucket ${bucket || '?'}` : `database ${db || '?'}${rp ? ` · retention policy ${rp}` : ''}`;
    return { request: r, label: `${profile?.name ?? profileId} · ${where} · precision ${precision}`, dialect: dialect === 'influxdb1' ? 'influxdb1' : 'influxdb2' };
  };
  const onFile = (f: File | null, why?: string) => {
    setFileError(why);
    if (f !== null) setDroppedFile(f);
  };

  const send = async () => {
    if (sending || !editor.current) return;
    const id = activeRef.current;
    const resolved = resolvedBody();
    if (resolved.errors.length > 0) {
      // Nothing is sent with a placeholder that stands for nothing: it is named, at its place.
      const e = resolved.errors[0];
      const text = editor.current.text();
      const line = text.slice(0, e.from).split('\n').length;
      const column = e.from - text.lastIndexOf('\n', e.from - 1);
      patchDoc(id, { result: undefined, sendError: `Not sent: line ${line}, column ${column}: ${e.error}` });
      editor.current.goTo(line, column);
      return;
    }
    setSendingId(id);
    patchDoc(id, { sendError: undefined });
    const req = request(resolved.text);
    const toThisEndpoint = profile?.builtin === true && !v2;
    try {
      const r = await api.send(req);
      patchDoc(id, { result: r, idleNote: undefined, missing: missingDatabaseOf(r, req, toThisEndpoint) });
      // Each line with its own reason; a clean answer clears the marks of the one before.
      if (activeRef.current === id) editor.current?.markServerErrors(serverMarks(r));
    } catch (e) {
      patchDoc(id, { result: undefined, sendError: (e as Error).message });
      if (activeRef.current === id) editor.current?.markServerErrors([]);
    } finally {
      setSendingId(null);
    }
  };
  /** The inspector's "Open in composer": the request's body and settings, on this app's endpoint. */
  const openInComposer = (l: ComposerLoad) => {
    const local = profiles.find((p) => p.builtin);
    patch({ profileId: local?.id ?? profileId, db: l.db, rp: l.rp, org: '', bucket: '', precision: l.precision, auth: 'profile', missing: undefined });
    editor.current?.setText(l.body);
    setInspectorOpen(false);
    editor.current?.focus();
  };
  const sendRef = useRef(send);
  sendRef.current = send;

  const replay = (e: HistoryEntry) => {
    patch({
      profileId: e.profileId,
      db: e.db ?? '',
      rp: e.rp ?? '',
      org: e.org ?? '',
      bucket: e.bucket ?? '',
      precision: e.precision,
      auth: 'profile',
      // The answer shown was to another document: it and its marked lines go.
      result: undefined,
      sendError: undefined,
      missing: undefined,
      idleNote: `Loaded from history (sent ${new Date(e.time).toLocaleString()}, answered ${e.status === 0 ? 'nothing' : e.status}), not sent since`,
    });
    editor.current?.markServerErrors([]);
    if (e.body !== undefined) editor.current?.setText(e.body);
    setHistoryOpen(false);
    editor.current?.focus();
  };

  /** A new document (Ctrl+Alt+N): empty, on the shown document's target and choices. */
  const addDoc = (text = '', extra: Partial<Doc> = {}) => {
    const cur = docsRef.current.find((d) => d.id === activeRef.current);
    const settings: DocSettings = cur ? settingsOf(cur) : LOCAL_SETTINGS;
    const d = newDoc(docsRef.current, settings, extra);
    pendingTexts.current.set(d.id, text);
    savedTexts.current.set(d.id, text);
    setDocs((ds) => [...ds, d]);
    setActiveId(d.id);
    return d;
  };
  const closeDoc = (id: string) => {
    const rest = docsRef.current.filter((d) => d.id !== id);
    editor.current?.forget(id);
    kindOf.current.delete(id);
    savedTexts.current.delete(id);
    pendingTexts.current.delete(id);
    pickFor.current.delete(id);
    if (rest.length === 0) {
      // The last tab closed: an empty document takes its place.
      const cur = docsRef.current.find((d) => d.id === id)!;
      const d = newDoc([], settingsOf(cur));
      pendingTexts.current.set(d.id, '');
      savedTexts.current.set(d.id, '');
      setDocs([d]);
      setActiveId(d.id);
      return;
    }
    if (id === activeRef.current) setActiveId(neighbourAfterClose(docsRef.current, id)!);
    setDocs(rest);
  };
  /** A document's text changed: it has unsaved changes unless it is back to what was opened or saved. */
  const onDocChanged = useCallback(
    (id: string, length: number) => {
      const saved = savedTexts.current.get(id);
      const dirty = saved === undefined || saved.length !== length || editor.current?.textOf(id) !== saved;
      if (docsRef.current.find((d) => d.id === id)?.dirty !== dirty) patchDoc(id, { dirty });
      if (restoredRef.current) scheduleSave();
    },
    [patchDoc, scheduleSave],
  );
  const initialText = useCallback((id: string) => {
    const t = pendingTexts.current.get(id) ?? '';
    pendingTexts.current.delete(id);
    return t;
  }, []);

  /** A file's text as a new document (clean: it is what the file holds). */
  const openText = (name: string, raw: string, extra: Partial<Doc> = {}) => {
    const { text, eol } = documentOfFile(raw);
    addDoc(text, { name, eol, ...extra });
  };
  /** A dropped or picked file: up to 10 MB of .lp or .txt opens as a document; anything else goes to the upload dialog. */
  const openFileAsDoc = async (f: File) => {
    if (!opensAsDocument(f)) return onFile(f);
    try {
      openText(f.name, await f.text());
      setFileError(undefined);
    } catch (e) {
      setFileError(`could not read ${f.name}: ${(e as Error).message}`);
    }
  };
  const openPicker = useRef<HTMLInputElement>(null);
  /** Open… (Ctrl+O): the desktop's native dialog through the host; browser mode's file picker. */
  const openDialog = async () => {
    if (mode === 'browser') return openPicker.current?.click();
    try {
      const r = await api.openDocument({});
      if (r.document) openText(r.document.name, r.document.text, { eol: r.document.eol, fileRef: r.document.fileRef });
    } catch (e) {
      setFileError((e as Error).message);
    }
  };
  const markSaved = (id: string, text: string, extra: Partial<Doc> = {}) => {
    savedTexts.current.set(id, text);
    patchDoc(id, { dirty: false, ...extra });
  };
  const [saveAsFor, setSaveAsFor] = useState<{ id: string; name: string } | null>(null);
  const [tool, setTool] = useState<'convert' | 'fill' | 'environment' | 'generate' | null>(null);
  /** The last tool's outcome, in a sentence. */
  const [toolNote, setToolNote] = useState<string>();
  /** The last Format document's changes, line by line (the diff shown under the outcome). */
  const [formatDiff, setFormatDiff] = useState<{ line: number; before: string; after: string }[]>([]);
  /** Format document: canonical form, one undoable change; what changed is listed. */
  const formatDoc = () => {
    const e = editor.current;
    if (!e) return;
    const r = formatDocument(e.text(), targetParseOptions(targetKind, precision));
    if (r.edits.length > 0) e.change(r.edits, 'input.format');
    setFormatDiff(r.changed);
    setToolNote(r.changed.length === 0 ? 'Format document: nothing to change.' : `Formatted ${r.changed.length.toLocaleString('en')} line${r.changed.length === 1 ? '' : 's'}; ${MOD_KEY}+Z undoes it.`);
    e.focus();
  };
  const toolDone = (sentence: string) => {
    setFormatDiff([]);
    setToolNote(sentence);
  };
  /** Generated sample data: a new document, or (many points) a file for the upload dialog. */
  const onGenerated = (text: string, count: number) => {
    if (count > MAX_GENERATED_IN_EDITOR) {
      // The desktop's upload reads a file from disk by its path, which a file made in the page has not.
      if (mode === 'desktop') {
        setFileError(`${count.toLocaleString('en')} points are more than a document holds (${MAX_GENERATED_IN_EDITOR.toLocaleString('en')}); in the desktop, generate fewer, or save them as a file and upload that`);
        return;
      }
      setDroppedFile(new File([text], 'generated.lp', { type: 'text/plain' }));
      return;
    }
    addDoc(text, { name: `Generated ${untitledNumber()}` });
    toolDone(`Generated ${count.toLocaleString('en')} points.`);
  };
  const untitledNumber = () => docsRef.current.filter((d) => d.name.startsWith('Generated')).length + 1;
  /** Insert timestamp: now, in the document's precision, at the cursor (replacing a selection). */
  const insertTimestamp = () => {
    const e = editor.current;
    if (!e) return;
    const sel = e.selection();
    e.change([{ ...sel, insert: nowIn(writtenUnit, Date.now()) }], 'input.timestamp');
    e.focus();
  };
  /** Save (Ctrl+S) and Save as… (Ctrl+Shift+S): the desktop writes the file (main process); browser mode downloads `<name>.lp`. */
  const saveDoc = async (saveAs: boolean) => {
    const d = docsRef.current.find((x) => x.id === activeRef.current);
    const text = editor.current?.text();
    if (d === undefined || text === undefined) return;
    if (mode === 'browser') {
      if (saveAs) return setSaveAsFor({ id: d.id, name: fileNameOf(d.name) });
      downloadDocument(fileNameOf(d.name), text, d.eol);
      return markSaved(d.id, text);
    }
    try {
      const r = await api.saveDocument({ fileRef: d.fileRef, name: d.name, text, eol: d.eol, saveAs });
      if (r.saved) markSaved(d.id, text, { name: r.saved.name, fileRef: r.saved.fileRef });
    } catch (e) {
      setFileError((e as Error).message);
    }
  };
  const downloadAs = (name: string) => {
    const t = saveAsFor;
    setSaveAsFor(null);
    const text = t === null ? undefined : editor.current?.textOf(t.id);
    const d = docsRef.current.find((x) => x.id === t?.id);
    if (t === null || text === undefined || d === undefined) return;
    const fileName = fileNameOf(name.trim() || t.name);
    downloadDocument(fileName, text, d.eol);
    markSaved(d.id, text, { name: fileName });
  };

  // Ctrl+Enter (Cmd+Enter on mac) sends from anywhere in the composer; the editor handles its own.
  // Ctrl+Alt+N: a new document; Ctrl+Tab / Ctrl+Shift+Tab (and Ctrl+PageDown / PageUp): the next / previous tab.
  const modalOpen = historyOpen || inspectorOpen || dataOpen || curlRequest !== null || connection !== null || droppedFile !== null || saveAsFor !== null || tool !== null;
  const keysRef = useRef({ addDoc, openDialog, saveDoc });
  keysRef.current = { addDoc, openDialog, saveDoc };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.defaultPrevented || modalOpen) return;
      if (e.key === 'Enter') {
        e.preventDefault();
        void sendRef.current();
      } else if (e.altKey && (e.code === 'KeyN' || e.key.toLowerCase() === 'n')) {
        e.preventDefault();
        keysRef.current.addDoc();
      } else if (!e.altKey && e.key.toLowerCase() === 'o' && !e.shiftKey) {
        e.preventDefault(); // not the browser's own "open file"
        void keysRef.current.openDialog();
      } else if (!e.altKey && e.key.toLowerCase() === 's') {
        e.preventDefault(); // not the browser's "save page"
        void keysRef.current.saveDoc(e.shiftKey);
      }
    };
    // Tab switching comes first (capture): the editor must not take Ctrl+Tab as its own.
    const onTabKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || modalOpen || !(e.key === 'Tab' || e.key === 'PageDown' || e.key === 'PageUp')) return;
      e.preventDefault();
      e.stopPropagation();
      const back = e.key === 'PageUp' || (e.key === 'Tab' && e.shiftKey);
      setActiveId(cycle(docsRef.current, activeRef.current, back ? -1 : 1));
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('keydown', onTabKey, true);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('keydown', onTabKey, true);
    };
  }, [modalOpen]);

  // A 2.x target takes ns/us/ms/s; a replayed m or h stays visible, marked, rather than silently changed.
  const precisionOptions = useMemo(() => {
    const options: { value: string; label: string }[] = PRECISION_OPTIONS(v2 || v3);
    if (v3) return [{ value: 'auto', label: 'Auto (by magnitude)' }, ...options];
    if (options.some((o) => o.value === precision)) return options;
    const extra = PRECISION_OPTIONS(false).find((o) => o.value === precision)!;
    return [...options, { value: extra.value, label: `${extra.label}: not accepted by /api/v2/write` }];
  }, [v2, v3, precision]);
  const precisionValue = v3 && autoPrecision ? 'auto' : precision;
  /** InfluxDB 3's `auto` is the document's autoPrecision; a unit sets its precision (and auto off). */
  const choosePrecision = useCallback(
    (v: string | null) => {
      if (!v) return;
      if (v === 'auto') return patch({ autoPrecision: true });
      patch({ autoPrecision: false, precision: v as Precision });
    },
    [patch],
  );
  const shownSuggestions = useMemo(() => (suggestions?.profileId === profileId ? suggestions.databases : []), [suggestions, profileId]);
  const dbOptions = useMemo(() => shownSuggestions.map((s) => s.db), [shownSuggestions]);
  const rpOptions = useMemo(() => shownSuggestions.find((s) => s.db === db)?.rps ?? [], [shownSuggestions, db]);

  const onReady = useCallback((h: EditorHandle) => (editor.current = h), []);
  const onSubmit = useCallback(() => void sendRef.current(), []);
  const pick = (d: Diagnostic) => editor.current?.goTo(d.line, d.column);

  return (
    <Stack p="md" pb={48} gap="sm" className="lp-app">
      <Group justify="space-between">
        <Title order={3}>Line Protocol Studio</Title>
        <Group gap="xs">
          {info && (
            <Text size="xs" c="dimmed">
              {info.mode === 'browser' ? 'browser mode' : 'desktop'} · endpoint {info.endpoint.state}
              {info.endpoint.url ? ` at ${info.endpoint.url}` : ''}
            </Text>
          )}
          <Button variant="default" onClick={() => setDataOpen(true)}>
            Data
          </Button>
          <FilePickButton onFile={onFile} modKey={MOD_KEY} disabled={modalOpen} />
          <Button variant="default" onClick={() => setInspectorOpen(true)}>
            Inspector
          </Button>
          <Button variant="default" onClick={() => setHistoryOpen(true)}>
            History
          </Button>
        </Group>
      </Group>
      {loadError && <Alert color="red">{loadError}</Alert>}
      <ReadOnlyBanner />
      {fileError && (
        <Alert color="red" withCloseButton onClose={() => setFileError(undefined)}>
          {fileError}
        </Alert>
      )}
      {info?.mode === 'browser' && !info.secrets.protected && (
        <Text size="xs" c="dimmed">
          Secrets of saved connections: {info.secrets.reason}.
        </Text>
      )}
      <Group gap="xs" wrap="nowrap" align="flex-end" className="lp-tabs-row">
        <DocumentTabs docs={docs} activeId={activeId} modKey={MOD_KEY} onSelect={setActiveId} onClose={closeDoc} onNew={() => addDoc()} />
        <Group gap={4} wrap="nowrap" pb={4}>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <Button size="compact-sm" variant="default">
                File
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item onClick={() => void openDialog()} rightSection={<Text size="xs" c="dimmed">{MOD_KEY}+O</Text>}>
                Open…
              </Menu.Item>
              <Menu.Item onClick={() => void saveDoc(false)} rightSection={<Text size="xs" c="dimmed">{MOD_KEY}+S</Text>}>
                Save
              </Menu.Item>
              <Menu.Item onClick={() => void saveDoc(true)} rightSection={<Text size="xs" c="dimmed">{MOD_KEY}+Shift+S</Text>}>
                Save as…
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <Button size="compact-sm" variant="default">
                Tools
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item onClick={insertTimestamp}>Insert timestamp</Menu.Item>
              <Menu.Item onClick={() => setTool('convert')}>Convert timestamps…</Menu.Item>
              <Menu.Item onClick={() => setTool('fill')}>Fill missing timestamps…</Menu.Item>
              <Menu.Divider />
              <Menu.Item onClick={() => setTool('generate')}>Generate…</Menu.Item>
              <Menu.Item onClick={formatDoc}>Format document</Menu.Item>
              <Menu.Divider />
              <Menu.Item onClick={() => setTool('environment')}>Environment…</Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </Group>
      <input
        ref={openPicker}
        type="file"
        accept=".lp,.txt"
        aria-label="Open a document"
        hidden
        onChange={(e) => {
          const f = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (f) void openFileAsDoc(f);
        }}
      />
      <Group align="flex-end" gap="sm" wrap="wrap">
        <Select
          label="Target"
          data={profiles.map((p) => ({ value: p.id, label: p.name }))}
          value={profileId}
          onChange={(v) => {
            const p = profiles.find((x) => x.id === v);
            if (p && p.id !== profileId) selectTarget(p);
          }}
          allowDeselect={false}
          w={240}
        />
        <Button variant="subtle" onClick={() => setConnection({})}>
          New connection
        </Button>
        {profile && !profile.builtin && (
          <Button variant="subtle" onClick={() => setConnection({ profile })}>
            Edit connection
          </Button>
        )}
        {v2 ? (
          <>
            <SuggestField label="Organization" value={org} onChange={setOrg} w={180} data={[]} />
            <SuggestField label="Bucket" value={bucket} onChange={setBucket} w={180} data={dbOptions} />
          </>
        ) : v3 ? (
          <SuggestField label="Database" value={db} onChange={setDb} data={dbOptions} w={180} />
        ) : (
          <>
            <SuggestField label="Database" value={db} onChange={setDb} data={dbOptions} w={180} />
            <SuggestField label="Retention policy" value={rp} onChange={setRp} data={rpOptions} w={160} placeholder="default" />
          </>
        )}
        <Select label="Precision" data={precisionOptions} value={precisionValue} onChange={choosePrecision} allowDeselect={false} w={190} />
        {v3 && (
          <Stack gap={4}>
            <Switch label="Accept partial writes" checked={acceptPartial} onChange={(e) => setAcceptPartial(e.currentTarget.checked)} />
            <Switch label="No sync" title="no_sync=true: InfluxDB 3 answers before its write-ahead log is persisted" checked={noSync} onChange={(e) => setNoSync(e.currentTarget.checked)} />
          </Stack>
        )}
        <Select label="Authentication" data={AUTH_OPTIONS} value={auth} onChange={(v) => v && setAuth(v as AuthChoice)} allowDeselect={false} w={220} />
        {typedAuth && (
          <>
            <TextInput
              label="Username"
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
              w={160}
              autoComplete="username"
              placeholder={profile?.auth === 'basic' || profile?.auth === 'query' ? "connection's" : profile?.builtin ? 'a v1 user' : ''}
            />
            <PasswordInput label="Password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} w={160} autoComplete="current-password" />
          </>
        )}
        <Group gap="xs">
          <Button onClick={() => void send()} loading={sendingId === activeId} title={`Send (${MOD_KEY}+Enter)`}>
            Send
          </Button>
          <Button variant="default" onClick={() => setCurlRequest(request())} title="The command with the placeholders resolved">
            Copy as curl
          </Button>
        </Group>
      </Group>
      {doc.switchNote && (
        <Alert color="blue" title="What changes with this target" role="region" withCloseButton onClose={() => patch({ switchNote: undefined })}>
          {doc.switchNote}
        </Alert>
      )}
      {missing && profile && (
        <MissingDatabaseOffer
          missing={missing}
          onCreated={() => void loadSuggestions(profile)}
          onClose={() => setMissing(undefined)}
        />
      )}
      {toolNote && (
        <Alert
          color="blue"
          withCloseButton
          onClose={() => {
            setToolNote(undefined);
            setFormatDiff([]);
          }}
          role="status"
          aria-label="Tool outcome"
        >
          {toolNote}
          {formatDiff.length > 0 && (
            <ul aria-label="What Format changed" className="lp-problem-list lp-format-diff">
              {formatDiff.slice(0, 20).map((c) => (
                <li key={c.line}>
                  <Text size="xs" ff="monospace">
                    line {c.line}: − {c.before.slice(0, 200)}
                    <br />
                    line {c.line}: + {c.after.slice(0, 200)}
                  </Text>
                </li>
              ))}
            </ul>
          )}
        </Alert>
      )}
      {sessionNotice && (
        <Alert color="orange" withCloseButton onClose={() => setSessionNotice(undefined)}>
          {sessionNotice}
        </Alert>
      )}
      <div id="lp-document" role="tabpanel" aria-labelledby={`tab-${activeId}`}>
        <SplitPane
          label="Resize the editor and the response"
          storageKey="lpstudio.split"
          left={
            <>
              <div className="lp-editor-frame">
                {restored && <Editor
                  docId={activeId}
                  initialText={initialText}
                  onDocChanged={onDocChanged}
                  placeholders={placeholders}
                  variablesKey={JSON.stringify(environments[profileId] ?? {})}
                  target={targetKind}
                  precision={precision}
                  autoPrecision={v3 && autoPrecision}
                  onSetPrecision={choosePrecision}
                  lint={lint}
                  onReady={onReady}
                  onSubmit={onSubmit}
                />}
                <StatusBar lint={lint} modKey={MOD_KEY} />
              </div>
            <Problems lint={lint} onPick={pick} />
          </>
        }
        right={<ResponsePanel result={result} error={sendError} />}
      />
      </div>
      <SendStatusLine result={result} error={sendError} sending={sendingId === activeId} modKey={MOD_KEY} idle={idleNote} />
      <CurlModal request={curlRequest} mode={info?.mode} onClose={() => setCurlRequest(null)} />
      <FileDropOverlay onFile={onFile} onOpen={(f) => void openFileAsDoc(f)} busy={busy} />
      <SaveAsModal request={saveAsFor} onCancel={() => setSaveAsFor(null)} onSave={downloadAs} />
      <ConvertTimestampsModal opened={tool === 'convert'} editor={editor.current} precision={precision} onClose={() => setTool(null)} onDone={toolDone} />
      <FillTimestampsModal opened={tool === 'fill'} editor={editor.current} precision={precision} onClose={() => setTool(null)} onDone={toolDone} />
      <GenerateModal opened={tool === 'generate'} precision={precision} onClose={() => setTool(null)} onText={onGenerated} />
      <EnvironmentModal
        opened={tool === 'environment'}
        targetName={profile?.name ?? profileId}
        variables={environments[profileId] ?? {}}
        onClose={() => setTool(null)}
        onSave={(vars) => setEnvironments((envs) => ({ ...envs, [profileId]: vars }))}
      />
      <Suspense fallback={null}>
        {uploadLoaded && <FileUploadModal file={droppedFile} target={uploadTarget} profiles={profiles} onClose={() => setDroppedFile(null)} onBusy={setUploading} />}
        {dataLoaded && <DataDrawer opened={dataOpen} onClose={() => setDataOpen(false)} />}
        {inspectorLoaded && <InspectorDrawer opened={inspectorOpen} onClose={() => setInspectorOpen(false)} onOpenInComposer={openInComposer} />}
      </Suspense>
      <HistoryDrawer opened={historyOpen} onClose={() => setHistoryOpen(false)} onReplay={replay} />
      <ConnectionModal
        opened={connection !== null}
        profile={connection?.profile}
        info={info}
        onClose={() => {
          setConnection(null);
          void loadProfiles();
        }}
        onSaved={(p) => {
          setConnection(null);
          // The saved target loads with the composer's precision (not its default), like every other setting the user chose.
          const kept = precision;
          void loadProfiles().then(() => {
            if (p.id !== profileId) selectTarget(p, kept);
          });
        }}
      />
    </Stack>
  );
}

/** Browser mode's Save as…: the name of the download. */
function SaveAsModal(props: { request: { name: string } | null; onCancel: () => void; onSave: (name: string) => void }) {
  const [name, setName] = useState('');
  useEffect(() => {
    if (props.request) setName(props.request.name);
  }, [props.request]);
  return (
    <Modal opened={props.request !== null} onClose={props.onCancel} title="Save as" centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          props.onSave(name);
        }}
      >
        <TextInput label="File name" value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus description="Downloaded by your browser; .lp is added unless the name ends in .lp or .txt" />
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={props.onCancel}>
            Cancel
          </Button>
          <Button type="submit">Download</Button>
        </Group>
      </form>
    </Modal>
  );
}
