// The composer: target and write settings, the editor with live validation, send, the answer.
import { Alert, Button, Group, PasswordInput, Select, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AppInfo, AuthMethod, HistoryEntry, Precision, Profile, SendRequest, SendResult } from '../app/contract.js';
import type { Diagnostic } from '../lineprotocol/types.js';
import { influxdb3Differences } from '../lineprotocol/influxdb3-dialect.js';
import { validate } from '../lineprotocol/parse.js';
import { targetParseOptions, targetProfile, type TargetKind } from '../lineprotocol/target.js';
import { lineList } from '../app/write-outcome.js';
import { api } from './api/index.js';
import { ConnectionModal } from './components/ConnectionModal.js';
import { CurlModal } from './components/CurlModal.js';
import { HistoryDrawer } from './components/HistoryDrawer.js';
import { MissingDatabaseOffer } from './components/MissingDatabaseOffer.js';
import type { ComposerLoad } from './components/request-entry.js';
import { SuggestField } from './components/SuggestField.js';
import { missingDatabaseOf, pickDatabase, type MissingDatabase } from './components/target-choice.js';
import { FileDropOverlay, FilePickButton } from './components/FileDrop.js';
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

export function App() {
  const [info, setInfo] = useState<AppInfo>();
  const [profiles, setProfiles] = useState<Profile[]>([]);
  const [profileId, setProfileId] = useState('local');
  const [db, setDb] = useState('');
  const [rp, setRp] = useState('');
  const [org, setOrg] = useState('');
  const [bucket, setBucket] = useState('');
  const [precision, setPrecision] = useState<Precision>('ns');
  /** InfluxDB 3 targets: precision auto (3.x's default), accept_partial (its default: on), no_sync. */
  const [autoPrecision, setAutoPrecision] = useState(true);
  const [acceptPartial, setAcceptPartial] = useState(true);
  const [noSync, setNoSync] = useState(false);
  const [auth, setAuth] = useState<'profile' | AuthMethod>('profile');
  /** Typed for a Basic or u/p override; never stored. */
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [suggestions, setSuggestions] = useState<{ db: string; rps: string[] }[]>([]);
  const lint = useMemo(createLintStore, []);
  const [result, setResult] = useState<SendResult>();
  const [sendError, setSendError] = useState<string>();
  /** What the status line says while no answer is shown (after a replay: that this document was not sent yet). */
  const [idleNote, setIdleNote] = useState<string>();
  const [missing, setMissing] = useState<MissingDatabase>();
  const [sending, setSending] = useState(false);
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
  /** Settings a replay brings, applied instead of the target's defaults when its profile loads. */
  const replayed = useRef<Pick<HistoryEntry, 'db' | 'rp' | 'org' | 'bucket' | 'precision'> | null>(null);
  /** The composer's precision when a connection was saved: the saved target loads with it, not with its default. */
  const keptPrecision = useRef<Precision | null>(null);

  const profile = profiles.find((p) => p.id === profileId);
  const v2 = profile?.kind === 'influxdb2' || profile?.kind === 'cloud';
  const v3 = profile?.kind === 'influxdb3';
  const dialect = profile?.kind === 'influxdb1' ? 'influxdb1' : 'influxdb2';
  /** The selected target's kind: its rules check the text (lineprotocol/target.ts). */
  const targetKind = profile?.kind ?? 'endpoint';

  // Switching a document between a 2.x-rules target and InfluxDB 3: say which lines one refuses and the other accepts.
  const [switchNote, setSwitchNote] = useState<string>();
  const prevKind = useRef<TargetKind>(targetKind);
  useEffect(() => {
    const from = prevKind.current;
    prevKind.current = targetKind;
    const twoSide = (k: TargetKind) => k === 'influxdb2' || k === 'cloud' || k === 'endpoint';
    const crossing = (from === 'influxdb3' && twoSide(targetKind)) || (twoSide(from) && targetKind === 'influxdb3');
    if (!crossing) return setSwitchNote(undefined);
    const text = editor.current?.text() ?? '';
    const other = from === 'influxdb3' ? targetKind : from;
    const v2Errors = validate(text, targetParseOptions(other, precision === 'm' || precision === 'h' ? 'ns' : precision)).diagnostics.filter((d) => d.severity === 'error').map((d) => d.line);
    const d = influxdb3Differences(text, v2Errors, autoPrecision ? 'auto' : precision === 'm' || precision === 'h' ? 'ns' : precision);
    const name = targetProfile(other).name;
    const parts: string[] = [];
    if (d.refusedByV3Only.length > 0) parts.push(`InfluxDB 3 refuses ${lineList(d.refusedByV3Only)}, which ${name} accepts`);
    if (d.refusedByV2Only.length > 0) parts.push(`InfluxDB 3 accepts ${lineList(d.refusedByV2Only)}, which ${name} refuses`);
    setSwitchNote(parts.length === 0 ? `${name} and InfluxDB 3 take every line of this text alike.` : `${parts.join('; ')}.`);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [targetKind]);

  const loadProfiles = useCallback(async () => {
    try {
      const [i, ps] = await Promise.all([api.info({}), api.listProfiles({})]);
      setInfo(i);
      setProfiles(ps);
    } catch (e) {
      setLoadError((e as Error).message);
    }
  }, []);
  useEffect(() => void loadProfiles(), [loadProfiles]);

  // The selected target was deleted (or never existed here): fall back to this app's endpoint.
  useEffect(() => {
    if (profiles.length > 0 && !profiles.some((p) => p.id === profileId)) setProfileId((profiles.find((p) => p.builtin) ?? profiles[0]).id);
  }, [profiles, profileId]);

  const shownProfile = useRef(profileId);
  shownProfile.current = profileId;
  const loadSuggestions = useCallback(async (p: Profile, keepChoice: boolean) => {
    const r = await api.suggestDatabases({ profileId: p.id }).catch(() => ({ databases: [] }));
    if (shownProfile.current !== p.id) return; // the user has switched targets meanwhile
    setSuggestions(r.databases);
    // The profile's default is a preference: the target's own list decides what is shown.
    // InfluxDB 3 creates a database on its first write: the profile's database stands.
    if (keepChoice || p.kind === 'influxdb3') return;
    if (p.kind === 'influxdb2' || p.kind === 'cloud') setBucket((cur) => pickDatabase(cur, p.bucket, r.databases));
    else setDb((cur) => pickDatabase(cur, p.db, r.databases));
  }, []);

  // A new target brings its defaults and its databases.
  useEffect(() => {
    if (!profile) return;
    setMissing(undefined);
    const r = replayed.current;
    replayed.current = null;
    const kept = keptPrecision.current;
    keptPrecision.current = null;
    setDb(r ? (r.db ?? '') : (profile.db ?? ''));
    setRp(r ? (r.rp ?? '') : (profile.rp ?? ''));
    setOrg(r ? (r.org ?? '') : (profile.org ?? ''));
    setBucket(r ? (r.bucket ?? '') : (profile.bucket ?? ''));
    setPrecision(r ? r.precision : (kept ?? profile.precision));
    setAuth('profile');
    setSuggestions([]);
    void loadSuggestions(profile, r !== null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [profile?.id]);

  const typedAuth = auth === 'basic' || auth === 'query';
  const request = (): SendRequest => ({
    profileId,
    ...(v2 ? { org, bucket } : { db, rp: rp || undefined }),
    precision,
    ...(v3 ? { autoPrecision, acceptPartial, noSync } : {}),
    auth: auth === 'profile' ? undefined : auth,
    ...(typedAuth ? { username, password } : {}),
    body: editor.current?.text() ?? '',
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
    setSending(true);
    setSendError(undefined);
    try {
      const req = request();
      const r = await api.send(req);
      setResult(r);
      // Each line with its own reason; a clean answer clears the marks of the one before.
      editor.current.markServerErrors(serverMarks(r));
      setMissing(missingDatabaseOf(r, req, profile?.builtin === true && !v2));
    } catch (e) {
      setResult(undefined);
      editor.current?.markServerErrors([]);
      setSendError((e as Error).message);
    } finally {
      setSending(false);
    }
  };
  /** The inspector's "Open in composer": the request's body and settings, on this app's endpoint. */
  const openInComposer = (l: ComposerLoad) => {
    const local = profiles.find((p) => p.builtin);
    const settings = { db: l.db, rp: l.rp, org: undefined, bucket: undefined, precision: l.precision };
    if (local === undefined || local.id === profileId) {
      setDb(l.db);
      setRp(l.rp);
      setPrecision(l.precision);
      setAuth('profile');
    } else {
      replayed.current = settings;
      setProfileId(local.id);
    }
    editor.current?.setText(l.body);
    setInspectorOpen(false);
    editor.current?.focus();
  };
  const sendRef = useRef(send);
  sendRef.current = send;

  const replay = (e: HistoryEntry) => {
    if (e.profileId === profileId) {
      setDb(e.db ?? '');
      setRp(e.rp ?? '');
      setOrg(e.org ?? '');
      setBucket(e.bucket ?? '');
      setPrecision(e.precision);
      setAuth('profile');
    } else {
      replayed.current = e;
      setProfileId(e.profileId);
    }
    // The answer shown was to another document: it and its marked lines go.
    setResult(undefined);
    setSendError(undefined);
    setIdleNote(`Loaded from history (sent ${new Date(e.time).toLocaleString()}, answered ${e.status === 0 ? 'nothing' : e.status}), not sent since`);
    editor.current?.markServerErrors([]);
    if (e.body !== undefined) editor.current?.setText(e.body);
    setHistoryOpen(false);
    editor.current?.focus();
  };

  // Ctrl+Enter (Cmd+Enter on mac) sends from anywhere in the composer; the editor handles its own.
  const modalOpen = historyOpen || inspectorOpen || dataOpen || curlRequest !== null || connection !== null || droppedFile !== null;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey) || e.defaultPrevented || modalOpen) return;
      e.preventDefault();
      void sendRef.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
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
  const choosePrecision = (v: string | null) => {
    if (!v) return;
    if (v === 'auto') return setAutoPrecision(true);
    setAutoPrecision(false);
    setPrecision(v as Precision);
  };
  const dbOptions = useMemo(() => suggestions.map((s) => s.db), [suggestions]);
  const rpOptions = useMemo(() => suggestions.find((s) => s.db === db)?.rps ?? [], [suggestions, db]);

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
      <Group align="flex-end" gap="sm" wrap="wrap">
        <Select
          label="Target"
          data={profiles.map((p) => ({ value: p.id, label: p.name }))}
          value={profileId}
          onChange={(v) => v && setProfileId(v)}
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
        <Select label="Authentication" data={AUTH_OPTIONS} value={auth} onChange={(v) => v && setAuth(v as 'profile' | AuthMethod)} allowDeselect={false} w={220} />
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
          <Button onClick={() => void send()} loading={sending} title={`Send (${MOD_KEY}+Enter)`}>
            Send
          </Button>
          <Button variant="default" onClick={() => setCurlRequest(request())}>
            Copy as curl
          </Button>
        </Group>
      </Group>
      {switchNote && (
        <Alert color="blue" title="What changes with this target" role="region" withCloseButton onClose={() => setSwitchNote(undefined)}>
          {switchNote}
        </Alert>
      )}
      {missing && profile && (
        <MissingDatabaseOffer
          missing={missing}
          onCreated={() => void loadSuggestions(profile, true)}
          onClose={() => setMissing(undefined)}
        />
      )}
      <SplitPane
        label="Resize the editor and the response"
        storageKey="lpstudio.split"
        left={
          <>
            <div className="lp-editor-frame">
              <Editor target={targetKind} precision={precision} autoPrecision={v3 && autoPrecision} onSetPrecision={(p) => choosePrecision(p)} initial={EXAMPLE} lint={lint} onReady={onReady} onSubmit={onSubmit} />
              <StatusBar lint={lint} modKey={MOD_KEY} />
            </div>
            <Problems lint={lint} onPick={pick} />
          </>
        }
        right={<ResponsePanel result={result} error={sendError} />}
      />
      <SendStatusLine result={result} error={sendError} sending={sending} modKey={MOD_KEY} idle={idleNote} />
      <CurlModal request={curlRequest} mode={info?.mode} onClose={() => setCurlRequest(null)} />
      <FileDropOverlay onFile={onFile} busy={busy} />
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
          if (p.id !== profileId) keptPrecision.current = precision;
          void loadProfiles().then(() => setProfileId(p.id));
        }}
      />
    </Stack>
  );
}
