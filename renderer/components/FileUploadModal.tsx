// A dropped or picked file: handed to the host (which reads it from disk), summarized by a
// validation pass, its first lines shown read-only; then uploaded in batches to the composer's
// target with a live progress bar, cancel at any moment, and a final report. The dialog has its
// own target, database and precision (starting from the composer's): the file is checked by the
// rules of the target it goes to, and checked again when they change, so a "looks like
// milliseconds" is fixed here ("Set precision to ms" for the whole upload), not in the composer.
import { Alert, Button, Checkbox, Group, Modal, NumberInput, Progress, Stack, Table, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import type { FileState, Profile, SendRequest, UploadState } from '../../app/contract.js';
import { formatNs } from '../../lineprotocol/precision.js';
import type { Diagnostic } from '../../lineprotocol/types.js';
import { api, openFile } from '../api/index.js';
import { ReadOnlyEditor } from '../editor/ReadOnlyEditor.js';
import { ProblemGroups, UploadSettings, choiceOf, choiceTarget, type UploadChoice } from './UploadSettings.js';

const POLL_MS = 250;

export interface UploadTargetChoice {
  request: Omit<SendRequest, 'body'>;
  /** e.g. `This app's endpoint · database default · precision ns` */
  label: string;
  dialect: 'influxdb2' | 'influxdb1';
}

const n = (v: number) => v.toLocaleString('en');
/** A size as people read it: 512 bytes, 12.3 KB, 200.0 MB, 1.05 GB. */
export const mb = (b: number) => (b < 1e3 ? `${b} bytes` : b < 1e6 ? `${(b / 1e3).toFixed(1)} KB` : b < 1e9 ? `${(b / 1e6).toFixed(1)} MB` : `${(b / 1e9).toFixed(2)} GB`);
const plural = (v: number, one: string, many: string) => `${n(v)} ${v === 1 ? one : many}`;
const secs = (s: number) => (s < 90 ? `${Math.ceil(s)} s` : `${Math.floor(s / 60)} min ${Math.ceil(s % 60)} s`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function FileUploadModal(props: { file: File | null; target: () => UploadTargetChoice; profiles: Profile[]; onClose: () => void; onBusy?: (busy: boolean) => void }) {
  const [sent, setSent] = useState(0);
  const [state, setState] = useState<FileState>();
  const [upload, setUpload] = useState<UploadState>();
  const [error, setError] = useState<string>();
  const [batchLines, setBatchLines] = useState<number | string>(5000);
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [choice, setChoice] = useState<UploadChoice>();
  const live = useRef(true);
  /** The summary pass the dialog follows; an older one's answers are dropped. */
  const pass = useRef(0);
  /** What the shown summary was computed for (target kind and precision). */
  const checked = useRef('');

  /** Follows the file's summary pass until it is done, unless a newer pass started. */
  const watch = async (s: FileState, mine: number) => {
    while (live.current && pass.current === mine) {
      setState(s);
      if (s.stage !== 'summarizing') break;
      await sleep(POLL_MS);
      s = await api.fileStatus({ fileId: s.fileId });
    }
  };

  // A new file: hand it to the host, then follow its summary pass.
  useEffect(() => {
    const file = props.file;
    if (file === null) return;
    live.current = true;
    setSent(0);
    setState(undefined);
    setUpload(undefined);
    setError(undefined);
    const t = props.target();
    const c = choiceOf(t.request);
    setChoice(c);
    const kind = choiceTarget(c, props.profiles).kind;
    checked.current = `${kind}|${c.precision}`;
    const mine = ++pass.current;
    const abort = new AbortController();
    let fileId: string | undefined;
    void (async () => {
      try {
        const s = await openFile(file, { precision: c.precision, dialect: t.dialect, target: kind }, (done) => live.current && setSent(done), abort.signal);
        fileId = s.fileId;
        await watch(s, mine);
      } catch (e) {
        if (live.current) setError((e as Error).message);
      }
    })();
    return () => {
      live.current = false;
      abort.abort();
      if (fileId !== undefined) void api.discardFile({ fileId }).catch(() => {});
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.file]);

  const follow = async (u: UploadState) => {
    while (live.current) {
      setUpload(u);
      if (u.state !== 'running' && u.state !== 'cancelling') return;
      await sleep(POLL_MS);
      u = await api.uploadStatus({ uploadId: u.uploadId });
    }
  };

  // The dialog's target or precision changed: check the file again by the new rules.
  const fileId = state?.fileId;
  const resolved = choice !== undefined ? choiceTarget(choice, props.profiles) : undefined;
  const wanted = resolved !== undefined && choice !== undefined ? `${resolved.kind}|${choice.precision}` : '';
  useEffect(() => {
    if (fileId === undefined || choice === undefined || resolved === undefined || wanted === checked.current) return;
    checked.current = wanted;
    const mine = ++pass.current;
    void api
      .summarizeFile({ fileId, precision: choice.precision, target: resolved.kind })
      .then((s) => watch(s, mine))
      .catch((e: Error) => live.current && setError(e.message));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fileId, wanted]);

  const start = async () => {
    if (state === undefined || resolved === undefined) return;
    setError(undefined);
    const lines = typeof batchLines === 'number' ? batchLines : Number(batchLines);
    try {
      await follow(await api.startUpload({ ...resolved.request, fileId: state.fileId, batchLines: lines, skipInvalid, dialect: resolved.dialect }));
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const cancel = async () => {
    if (upload === undefined) return;
    try {
      setUpload(await api.cancelUpload({ uploadId: upload.uploadId }));
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const running = upload !== undefined && (upload.state === 'running' || upload.state === 'cancelling');
  const onBusy = props.onBusy;
  useEffect(() => onBusy?.(running), [running, onBusy]);
  const file = props.file;
  const summary = state?.summary;
  const batchOk = typeof batchLines === 'number' && Number.isInteger(batchLines) && batchLines >= 1 && batchLines <= 1_000_000;

  return (
    // Closing while an upload runs cancels it first (the batches in flight finish), then the report shows.
    <Modal opened={file !== null} onClose={running ? () => void cancel() : props.onClose} title={file ? `Upload ${file.name}` : 'Upload'} size="80rem" closeOnClickOutside={!running}>
      {file && (
        <Stack gap="sm">
          {error && (
            <Alert color="red" role="alert" title="Something went wrong">
              {error}
            </Alert>
          )}
          {state === undefined && !error && (
            <Stack gap={4} aria-label="Reading the file">
              <Text size="sm">Handing the file to the app… {mb(sent)} of {mb(file.size)}</Text>
              <Progress value={file.size > 0 ? (100 * sent) / file.size : 0} aria-label="Reading progress" />
            </Stack>
          )}
          {state?.stage === 'summarizing' && (
            <Stack gap={4}>
              <Text size="sm">Checking every line… {mb(state.bytesRead)} of {mb(state.size)}</Text>
              <Progress value={state.size > 0 ? (100 * state.bytesRead) / state.size : 0} aria-label="Checking progress" />
            </Stack>
          )}
          {state?.stage === 'failed' && <Alert color="red">{state.error}</Alert>}
          {choice && !running && <UploadSettings choice={choice} profiles={props.profiles} onChange={setChoice} />}
          {summary && state && <Summary state={state} />}
          {summary && resolved && summary.groups.length > 0 && (
            <ProblemGroups groups={summary.groups} precisions={resolved.precisions} onPrecision={(precision) => choice && setChoice({ ...choice, precision })} />
          )}
          {summary && (
            <>
              <Text size="sm" fw={500}>
                {summary.headLines === 0 && summary.lines > 0 ? 'The first line is longer than 64 KB: no preview' : `First ${n(summary.headLines)} lines (read-only)`}
              </Text>
              {summary.headLines > 0 && (
                <ReadOnlyEditor text={summary.head} diagnostics={summary.diagnostics.filter((d) => d.line <= summary.headLines) as Diagnostic[]} label="File preview" height="24vh" />
              )}
            </>
          )}
          {summary && !running && (
            <Group align="flex-end" gap="sm">
              <NumberInput label="Lines per batch" value={batchLines} onChange={setBatchLines} min={1} max={1_000_000} step={1000} w={160} error={batchOk ? undefined : '1 to 1,000,000'} />
              <Checkbox
                label={summary.errors > 0 ? `Skip the ${n(summary.errors)} invalid lines` : 'Skip invalid lines'}
                description="Otherwise a batch with a bad line is refused whole by the server"
                checked={skipInvalid}
                onChange={(e) => setSkipInvalid(e.currentTarget.checked)}
              />
              <Button onClick={() => void start()} disabled={!batchOk} data-autofocus>
                {upload ? 'Upload again' : 'Upload'}
              </Button>
              <Text size="xs" c="dimmed">
                to {resolved?.label}
              </Text>
            </Group>
          )}
          {upload && <UploadProgress upload={upload} onCancel={() => void cancel()} />}
          {upload?.report && <Report upload={upload} />}
          {upload?.error && !upload.report && (
            <Alert color="red" role="alert">
              {upload.error}
            </Alert>
          )}
        </Stack>
      )}
    </Modal>
  );
}

function Summary({ state }: { state: FileState }) {
  const s = state.summary!;
  const rows: [string, string][] = [
    ['Size', mb(state.size)],
    ['Lines', n(s.lines)],
    ['Points', n(s.points)],
    ['Measurements', `${n(s.measurementCount)}${s.measurementsCapped ? '+' : ''}: ${s.measurements.slice(0, 10).join(', ')}${s.measurementCount > 10 ? ', …' : ''}`],
    ['Time range', s.minTime !== undefined && s.maxTime !== undefined ? `${formatNs(s.minTime)} to ${formatNs(s.maxTime)}` : 'no timestamps'],
    ['Errors', n(s.errors)],
    ['Warnings', n(s.warnings)],
  ];
  if (s.untimed > 0) rows.push(['Without a timestamp', `${n(s.untimed)} (dated by the server's clock)`]);
  return (
    <Stack gap="xs">
      <Table aria-label="File summary" withRowBorders={false} verticalSpacing={2}>
        <Table.Tbody>
          {rows.map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Th w={180}>{k}</Table.Th>
              <Table.Td>{v}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {s.diagnostics.length > 0 && (
        <details open={s.errors > 0}>
          <summary>
            {s.errors + s.warnings > s.diagnostics.length ? `The first ${s.diagnostics.length} of ${n(s.errors + s.warnings)} problems` : `${s.diagnostics.length} problems`}
          </summary>
          <ul aria-label="File problems" className="lp-problem-list lp-file-problems">
            {s.diagnostics.map((d, i) => (
              <li key={i}>
                <Text size="sm" c={d.severity === 'error' ? 'red' : 'orange'}>
                  line {d.line}:{d.column}: {d.severity}: {d.message}
                </Text>
                {d.hint && (
                  <Text size="xs" c="dimmed" pl="md">
                    {d.hint}
                  </Text>
                )}
              </li>
            ))}
          </ul>
        </details>
      )}
    </Stack>
  );
}

function UploadProgress({ upload, onCancel }: { upload: UploadState; onCancel: () => void }) {
  const p = upload.progress;
  const running = upload.state === 'running' || upload.state === 'cancelling';
  const pct = p.totalBytes > 0 ? Math.min(100, (100 * p.bytesRead) / p.totalBytes) : 100;
  return (
    <Stack gap={4}>
      <Group justify="space-between">
        <Text size="sm" aria-label="Upload status">
          {upload.state === 'cancelling' ? 'Cancelling: the batch in flight finishes… ' : running ? 'Uploading… ' : ''}
          {mb(p.bytesRead)} of {mb(p.totalBytes)} · {n(p.lines)} lines read · {n(p.pointsWritten)} points written · {n(Math.round(p.pointsPerSec))} points/s
          {running && p.etaSeconds !== undefined ? ` · ${secs(p.etaSeconds)} left` : ''}
          {p.retries > 0 ? ` · ${n(p.retries)} retries` : ''}
        </Text>
        {running && (
          <Button color="red" variant="light" onClick={onCancel} disabled={upload.state === 'cancelling'}>
            Cancel upload
          </Button>
        )}
      </Group>
      <Progress value={running ? pct : upload.state === 'done' ? 100 : pct} aria-label="Upload progress" aria-valuenow={Math.round(pct)} animated={running} />
      <Text size="xs" c="dimmed">
        to {upload.target}
      </Text>
    </Stack>
  );
}

function Report({ upload }: { upload: UploadState }) {
  const r = upload.report!;
  // The outcome is what the user waits for: brought into view (top of the dialog's scroll) when it arrives.
  const section = useRef<HTMLElement>(null);
  useEffect(() => {
    section.current?.scrollIntoView({ block: 'start' });
    section.current?.focus({ preventScroll: true });
  }, [upload.uploadId]);
  const clean = upload.state === 'done' && r.linesRejectedCount === 0 && r.skippedCount === 0;
  const head = r.cancelled ? 'Cancelled' : clean ? 'Done' : 'Finished with problems';
  return (
    <section aria-label="Upload report" ref={section} tabIndex={-1} className="lp-upload-report">
    <Alert color={clean ? 'green' : 'orange'} title={head}>
      <Stack gap={2}>
        <Text size="sm">
          {plural(r.pointsWritten, 'point', 'points')} written in {plural(r.batchesSent, 'batch', 'batches')} ({(r.durationMs / 1000).toFixed(1)} s)
          {r.batchesRetried > 0 ? `; ${plural(r.batchesRetried, 'batch', 'batches')} needed retries` : '; no batch needed a retry'}
        </Text>
        {r.cancelled && (
          <Text size="sm">
            {r.acknowledged.length === 0
              ? 'Nothing was stored: the server acknowledged no batch.'
              : `Stored (acknowledged by the server): ${r.acknowledged.map((a) => `file lines ${n(a.fromLine)}–${n(a.toLine)}`).join(', ')}. Nothing after that was sent.`}
          </Text>
        )}
        {r.skippedCount > 0 && (
          <Text size="sm">
            {plural(r.skippedCount, 'invalid line', 'invalid lines')} skipped: {r.skipped.slice(0, 5).map((s) => `line ${s.line}:${s.column}`).join(', ')}
            {r.skippedCount > 5 ? ', …' : ''}
          </Text>
        )}
        {r.linesRejectedCount > 0 && (
          <>
            <Text size="sm">{plural(r.linesRejectedCount, 'line', 'lines')} rejected by the server:</Text>
            <ul aria-label="Rejected lines" className="lp-problem-list">
              {r.linesRejected.map((l, i) => (
                <li key={i}>
                  <Text size="xs" ff="monospace">
                    line {l.line}: {l.reason}
                  </Text>
                </li>
              ))}
            </ul>
          </>
        )}
        {r.failures.map((f, i) => (
          <Text size="sm" c="red" key={i}>
            {f}
          </Text>
        ))}
        {r.failures.some((f) => / 400 /.test(f)) && <Text size="xs">A batch with a bad line is refused whole: tick “Skip invalid lines” and upload again.</Text>}
        {r.stopped && <Text size="sm" c="red">{r.stopped}</Text>}
        {upload.error && <Text size="sm" c="red">{upload.error}</Text>}
      </Stack>
    </Alert>
    </section>
  );
}
