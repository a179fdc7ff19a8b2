// The files a user dropped and their uploads, held by the host: each file gets a summary pass as
// soon as it is opened, then any number of uploads (one at a time per file), each with live
// progress, cancel, and a final report. The renderer only ever sees IDs, states and reports:
// files are read from disk here, never passed through the renderer whole.
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { targetProfile, type TargetKind } from '../../lineprotocol/target.js';
import type { Dialect, Precision } from '../../lineprotocol/types.js';
import { AppError, JOB_ID } from '../contract.js';
import { upload, type UploadProgress, type UploadReport, type UploadTarget } from '../upload/uploader.js';
import { fileBytes } from './source.js';
import { summarizeFile, type FileSummary } from './summary.js';

export interface FileState {
  fileId: string;
  name: string;
  size: number;
  stage: 'summarizing' | 'ready' | 'failed';
  /** Bytes of the file read by the summary pass so far. */
  bytesRead: number;
  summary?: FileSummary;
  error?: string;
}

export interface UploadJobState {
  uploadId: string;
  fileId: string;
  /** Where it goes, without secrets: e.g. `http://127.0.0.1:8086/write?db=default`. */
  target: string;
  state: 'running' | 'cancelling' | 'done' | 'cancelled' | 'failed';
  progress: {
    /** Bytes of the file read from disk, and its size: the bar. */
    bytesRead: number;
    totalBytes: number;
    lines: number;
    pointsWritten: number;
    pointsPerSec: number;
    etaSeconds?: number;
    batchesSent: number;
    retries: number;
    elapsedMs: number;
  };
  report?: UploadReport;
  error?: string;
}

interface FileEntry {
  state: FileState;
  path: string;
  /** Copied here by the host (browser mode): deleted when discarded. */
  staged: boolean;
  abort: AbortController;
  /** The summary pass running now (a new one for another target or precision stops it). */
  summaryAbort?: AbortController;
}

interface UploadEntry {
  state: UploadJobState;
  abort: AbortController;
}

/** Files kept open at once; opening another discards the oldest one that is not uploading. */
const MAX_FILES = 8;
const MAX_UPLOADS_KEPT = 50;

/** Answered now, or later when the jobs run in another process (the desktop's endpoint process). */
type Maybe<T> = T | Promise<T>;
type OpenOptions = { dialect?: Dialect; precision?: Precision; target?: TargetKind };
type SummaryOptions = { precision: Precision; target: TargetKind };
export type UploadJobOptions = { batchLines: number; skipInvalid: boolean; dialect?: Dialect; target?: TargetKind; gzip?: boolean; backoffMs?: number };

/** What the app service needs of the file jobs: FileJobs in process, or a proxy to another process. */
export interface FileJobsApi {
  openPath(file: string, name: string, o: OpenOptions): Maybe<FileState>;
  status(fileId: string): Maybe<FileState>;
  summarize(fileId: string, o: SummaryOptions): Maybe<FileState>;
  discard(fileId: string): Maybe<void>;
  startUpload(fileId: string, target: UploadTarget, shownTarget: string, o: UploadJobOptions): Maybe<UploadJobState>;
  uploadStatus(uploadId: string): Maybe<UploadJobState>;
  cancelUpload(uploadId: string): Maybe<UploadJobState>;
}

/** Every FileJobsApi method by name: what the endpoint process lets another process call. */
export const FILE_JOBS_METHODS = ['openPath', 'status', 'summarize', 'discard', 'startUpload', 'uploadStatus', 'cancelUpload'] as const satisfies readonly (keyof FileJobsApi)[];
export type FileJobsMethod = (typeof FILE_JOBS_METHODS)[number];
// A method added to FileJobsApi but not to the list fails to compile here, naming it.
type None<T extends never> = T;
export type UnlistedFileJobsMethods = None<Exclude<keyof FileJobsApi, FileJobsMethod>>;

/** A staged file is larger than the most the host takes for one file (the host answers 413). */
export class FileTooLargeError extends AppError {
  constructor(readonly maxBytes: number) {
    super('invalid', `the file is larger than ${formatBytes(maxBytes)}, the most this host takes: use "lpstudio write FILE"`);
  }
}

/** Staging a file would take the staged copies past their total quota (the host answers 507). */
export class StagingQuotaError extends AppError {
  constructor(readonly quotaBytes: number) {
    super('unavailable', `the files waiting to be uploaded would take more than ${formatBytes(quotaBytes)} on the endpoint's disk: upload or close a dropped file first, or use "lpstudio write FILE"`);
  }
}

function formatBytes(n: number): string {
  return n >= 2 ** 30 && n % 2 ** 30 === 0 ? `${n / 2 ** 30} GiB` : n >= 2 ** 20 && n % 2 ** 20 === 0 ? `${n / 2 ** 20} MiB` : `${n} bytes`;
}

export class FileJobs implements FileJobsApi {
  private readonly files = new Map<string, FileEntry>();
  private readonly uploads = new Map<string, UploadEntry>();
  /** Bytes of copies being staged right now. */
  private staging = 0;

  constructor(
    /** Where browser-mode copies of dropped files go. Left over ones (a crash) are removed now. */
    private readonly stageDir: string,
    private readonly now: () => number = Date.now,
  ) {
    mkdirSync(stageDir, { recursive: true, mode: 0o700 });
    for (const f of readdirSync(stageDir)) if (JOB_ID.test(f)) rmSync(path.join(stageDir, f), { force: true });
  }

  /** A file on this machine (the desktop: a path the user dropped or picked). */
  openPath(file: string, name: string, o: OpenOptions): FileState {
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new AppError('invalid', `"${name}" is not a file`);
      size = st.size;
    } catch (e) {
      if (e instanceof AppError) throw e;
      throw new AppError('not-found', `cannot read "${name}": ${(e as Error).message}`);
    }
    return this.add(file, name, size, false, o);
  }

  /** Bytes the staged copies take (the open ones, and those being copied now). */
  stagedBytes(): number {
    let n = this.staging;
    for (const f of this.files.values()) if (f.staged) n += f.state.size;
    return n;
  }

  /**
   * A file sent to the host as a stream (browser mode): copied to the stage directory first.
   * `maxBytes` bounds this file, `quotaBytes` all staged copies together (StagingQuotaError).
   */
  async stage(body: Readable, name: string, o: OpenOptions & { maxBytes: number; quotaBytes?: number }): Promise<FileState> {
    const id = randomUUID();
    const file = path.join(this.stageDir, id); // never a name the client sent
    let size = 0;
    // The body is read without being destroyed when a limit stops it, so the host can still answer.
    const limited = async function* (this: FileJobs) {
      for await (const b of body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
        size += b.length;
        this.staging += b.length;
        if (size > o.maxBytes) throw new FileTooLargeError(o.maxBytes);
        if (o.quotaBytes !== undefined && this.stagedBytes() > o.quotaBytes) throw new StagingQuotaError(o.quotaBytes);
        yield b;
      }
    }.bind(this);
    const out = createWriteStream(file, { mode: 0o600 });
    try {
      await pipeline(limited, out);
    } catch (e) {
      // The file is opened asynchronously: remove it only once the stream has closed, or a late
      // open would leave a partial copy behind.
      await new Promise<void>((resolve) => (out.closed ? resolve() : out.once('close', () => resolve())));
      rmSync(file, { force: true });
      throw e;
    } finally {
      this.staging -= size;
    }
    return this.add(file, name, size, true, { dialect: o.dialect, precision: o.precision, target: o.target }, id);
  }

  private add(file: string, name: string, size: number, staged: boolean, o: OpenOptions, id: string = randomUUID()): FileState {
    this.evict();
    const entry: FileEntry = { state: { fileId: id, name: name.slice(0, 255), size, stage: 'summarizing', bytesRead: 0 }, path: file, staged, abort: new AbortController() };
    this.files.set(id, entry);
    this.runSummary(entry, o);
    return { ...entry.state };
  }

  /** Starts a summary pass over the file, stopping the one before (its answer would be stale). */
  private runSummary(entry: FileEntry, o: OpenOptions): void {
    entry.summaryAbort?.abort();
    const abort = new AbortController();
    entry.summaryAbort = abort;
    const signal = AbortSignal.any([entry.abort.signal, abort.signal]);
    entry.state.stage = 'summarizing';
    entry.state.bytesRead = 0;
    delete entry.state.summary;
    delete entry.state.error;
    const onDiskBytes = (n: number) => {
      if (!abort.signal.aborted) entry.state.bytesRead = n;
    };
    summarizeFile(entry.path, { ...o, signal, onDiskBytes })
      .then((summary) => {
        if (abort.signal.aborted) return;
        entry.state.summary = summary;
        entry.state.stage = 'ready';
      })
      .catch((e: Error) => {
        if (abort.signal.aborted) return;
        entry.state.stage = 'failed';
        entry.state.error = `could not read the file: ${e.message}`;
      });
  }

  /** The file checked again for another target or precision: the dialog's controls changed. */
  summarize(fileId: string, o: SummaryOptions): FileState {
    const f = this.file(fileId);
    this.runSummary(f, o);
    return structuredClone(f.state);
  }

  private evict(): void {
    if (this.files.size < MAX_FILES) return;
    for (const [id] of this.files) {
      if (!this.busy(id)) {
        this.discard(id);
        if (this.files.size < MAX_FILES) return;
      }
    }
  }

  private busy(fileId: string): boolean {
    for (const u of this.uploads.values()) if (u.state.fileId === fileId && (u.state.state === 'running' || u.state.state === 'cancelling')) return true;
    return false;
  }

  private file(fileId: string): FileEntry {
    const f = this.files.get(fileId);
    if (f === undefined) throw new AppError('not-found', 'that file is no longer open: drop it again');
    return f;
  }

  status(fileId: string): FileState {
    return structuredClone(this.file(fileId).state);
  }

  discard(fileId: string): void {
    const f = this.files.get(fileId);
    if (f === undefined) return;
    for (const u of this.uploads.values()) if (u.state.fileId === fileId) u.abort.abort();
    f.abort.abort();
    this.files.delete(fileId);
    if (f.staged) rmSync(f.path, { force: true });
  }

  startUpload(
    fileId: string,
    target: UploadTarget,
    shownTarget: string,
    o: UploadJobOptions,
  ): UploadJobState {
    const f = this.file(fileId);
    if (this.busy(fileId)) throw new AppError('invalid', 'this file is being uploaded already: wait for it to finish or cancel it');
    const abort = new AbortController();
    const started = this.now();
    const state: UploadJobState = {
      uploadId: randomUUID(),
      fileId,
      target: shownTarget,
      state: 'running',
      progress: { bytesRead: 0, totalBytes: f.state.size, lines: 0, pointsWritten: 0, pointsPerSec: 0, batchesSent: 0, retries: 0, elapsedMs: 0 },
    };
    this.uploads.set(state.uploadId, { state, abort });
    this.trimUploads();
    const onDisk = (n: number) => {
      state.progress.bytesRead = n;
    };
    const onProgress = (p: UploadProgress) => {
      const elapsed = this.now() - started;
      const frac = f.state.size > 0 ? state.progress.bytesRead / f.state.size : 1;
      state.progress = {
        ...state.progress,
        lines: p.lines,
        pointsWritten: p.pointsWritten,
        pointsPerSec: p.pointsPerSec,
        batchesSent: p.batchesSent,
        retries: p.retries,
        elapsedMs: elapsed,
        etaSeconds: frac > 0 && frac < 1 ? ((1 - frac) / frac) * (elapsed / 1000) : frac >= 1 ? 0 : undefined,
      };
    };
    upload(fileBytes(f.path, onDisk, abort.signal), target, {
      batchLines: o.batchLines,
      skipInvalid: o.skipInvalid,
      dialect: o.dialect,
      // Skipping invalid lines judges them as the target will (CRLF lines are refused by InfluxDB, not by this endpoint).
      crlf: o.target !== undefined ? targetProfile(o.target).crlf : undefined,
      precision: target.precision,
      gzip: o.gzip ?? true,
      concurrency: 2, // as `lpstudio write`: one batch parsed while the other is fsynced
      backoffMs: o.backoffMs,
      signal: abort.signal,
      onProgress,
    })
      .then((report) => {
        state.report = report;
        state.progress.elapsedMs = this.now() - started;
        state.progress.etaSeconds = undefined;
        state.state = report.cancelled ? 'cancelled' : report.stopped !== undefined || report.batchesFailed > 0 ? 'failed' : 'done';
      })
      .catch((e: Error) => {
        state.state = 'failed';
        state.error = `the upload stopped: ${e.message}`;
      });
    return structuredClone(state);
  }

  uploadStatus(uploadId: string): UploadJobState {
    const u = this.uploads.get(uploadId);
    if (u === undefined) throw new AppError('not-found', 'no such upload: it may have ended long ago');
    return structuredClone(u.state);
  }

  /** Stops sending: the batch in flight finishes, so the report says exactly what was stored. */
  cancelUpload(uploadId: string): UploadJobState {
    const u = this.uploads.get(uploadId);
    if (u === undefined) throw new AppError('not-found', 'no such upload: it may have ended long ago');
    if (u.state.state === 'running') {
      u.state.state = 'cancelling';
      u.abort.abort();
    }
    return structuredClone(u.state);
  }

  private trimUploads(): void {
    for (const [id, u] of this.uploads) {
      if (this.uploads.size <= MAX_UPLOADS_KEPT) return;
      if (u.state.state !== 'running' && u.state.state !== 'cancelling') this.uploads.delete(id);
    }
  }

  /** Cancels everything and removes staged copies (the host is shutting down). */
  close(): void {
    for (const id of [...this.files.keys()]) this.discard(id);
  }
}
