// Keeps the embedded endpoint running in its own process (Electron's utilityProcess; a Node
// fork in tests): starts it with the control protocol of cli/endpoint-control.ts, restarts it with
// backoff when it dies, and reports its state for the window and the tray. It also gives the
// app service the endpoint's data and the dropped files' jobs (calls answered by that process,
// so summaries and uploads never run on Electron's main thread) and its request log. No
// electron import.
import type { ControlReply } from '../cli/endpoint-control.js';
import { AppError, RequestEntry, type EndpointStatus } from '../app/contract.js';
import { FILE_JOBS_METHODS, type FileJobsApi, type FileJobsMethod } from '../app/files/file-jobs.js';
import { LOCAL_DATA_METHODS, REQUEST_LOG_SIZE, type LocalData, type LocalDataMethod } from '../app/host-deps.js';

/** The child process as the supervisor needs it (utilityProcess and ChildProcess both fit). */
export interface EndpointChild {
  postMessage(msg: unknown): void;
  onMessage(fn: (msg: unknown) => void): void;
  onExit(fn: (code: number | null) => void): void;
  kill(): void;
}

export interface SupervisorOptions {
  spawn: () => EndpointChild;
  dataDir: string;
  port: number;
  host?: string;
  /** Called on every state change. */
  onStatus?: (s: EndpointStatus) => void;
  log?: (m: string) => void;
  /** Restart delays, ms (the last one repeats). */
  backoffMs?: number[];
  /** After running this long, a crash restarts from the first delay again (ms, default 60 s). */
  stableMs?: number;
  /** How long a data or files call may take before it is given up (ms, default 60 s: a 32 MiB export). */
  dataTimeoutMs?: number;
}

/** LocalData as answered by another process: every method is asynchronous. */
export type RemoteLocalData = { [M in LocalDataMethod]: (...a: Parameters<LocalData[M]>) => Promise<Awaited<ReturnType<LocalData[M]>>> };
/** FileJobsApi as answered by another process: every method is asynchronous. */
export type RemoteFileJobs = { [M in FileJobsMethod]: (...a: Parameters<FileJobsApi[M]>) => Promise<Awaited<ReturnType<FileJobsApi[M]>>> };

export class EndpointSupervisor {
  private child: EndpointChild | null = null;
  private status_: EndpointStatus = { state: 'stopped' };
  private nextId = 1;
  private restarts = 0;
  /** Crashes since the endpoint last ran for stableMs: indexes backoffMs. */
  private streak = 0;
  private runningSince = 0;
  private launching: Promise<EndpointStatus> | null = null;
  private wanted = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly pending = new Map<number, (r: ControlReply) => void>();
  private readonly log: RequestEntry[] = [];
  private nextRequestId = 1;
  /** The tray's token, once minted (see trayToken). */
  private trayToken_: string | undefined;

  /** The endpoint's data for the app service: each call goes to the endpoint's process. */
  readonly data: RemoteLocalData = Object.fromEntries(LOCAL_DATA_METHODS.map((m) => [m, (...args: unknown[]) => this.callData(m, args as never)])) as RemoteLocalData;
  /**
   * The dropped files and their uploads for the app service: opened, summarized and uploaded in
   * the endpoint's process. An upload target's secret goes there over the private parent port.
   */
  readonly files: RemoteFileJobs = Object.fromEntries(FILE_JOBS_METHODS.map((m) => [m, (...args: unknown[]) => this.callFiles(m, args as never)])) as RemoteFileJobs;

  constructor(private readonly o: SupervisorOptions) {}

  status(): EndpointStatus {
    return this.status_;
  }

  get restartCount(): number {
    return this.restarts;
  }

  /** Starts the endpoint; while it is starting or running, answers its status without a second process. */
  start(): Promise<EndpointStatus> {
    this.wanted = true;
    if (this.launching !== null) return this.launching;
    if (this.child !== null) return Promise.resolve(this.status_);
    clearTimeout(this.timer);
    return this.launch();
  }

  async stop(): Promise<void> {
    this.wanted = false;
    clearTimeout(this.timer);
    const c = this.child;
    if (c === null) {
      this.set({ state: 'stopped' });
      return;
    }
    await Promise.race([this.call(c, { type: 'stop' }), new Promise((r) => setTimeout(r, 5000))]);
    this.child = null;
    c.kill();
    this.set({ state: 'stopped' });
  }

  /**
   * Calls a LocalData method in the endpoint's process. Rejects with the AppError it threw there
   * (same code and sentence), or 'unavailable' when the endpoint is not running.
   */
  async callData<M extends LocalDataMethod>(method: M, args: Parameters<LocalData[M]>): Promise<Awaited<ReturnType<LocalData[M]>>> {
    return (await this.relay('data', method, args, 'start it from the tray menu (Start endpoint), then try again')) as Awaited<ReturnType<LocalData[M]>>;
  }

  /**
   * Calls a FileJobsApi method in the endpoint's process, as callData does. The files live there:
   * a restarted endpoint has forgotten them (the file is then 'not-found': drop it again).
   */
  async callFiles<M extends FileJobsMethod>(method: M, args: Parameters<FileJobsApi[M]>): Promise<Awaited<ReturnType<FileJobsApi[M]>>> {
    return (await this.relay('files', method, args, 'start the endpoint from the tray to open files (they are read and uploaded in its process)')) as Awaited<ReturnType<FileJobsApi[M]>>;
  }

  /** A call answered by the endpoint's process: its value, or the AppError it refused with. */
  private async relay(type: 'data' | 'files', method: string, args: unknown[], whenStopped: string): Promise<unknown> {
    // The window opens while the endpoint starts: a call then waits for it rather than failing.
    if (this.launching !== null) await this.launching;
    const c = this.child;
    if (c === null || this.status_.state !== 'running') {
      const why = this.status_.state === 'error' && this.status_.error ? ` (${this.status_.error})` : '';
      throw new AppError('unavailable', `the endpoint is not running${why}: ${whenStopped}`);
    }
    const r = await this.call(c, { type, method, args }, this.o.dataTimeoutMs ?? 60_000);
    if (r.type === 'reply' && r.ok) return r.value;
    if (r.type === 'reply') throw new AppError(r.code ?? 'unavailable', r.error);
    throw new AppError('internal', `the endpoint answered a ${type} call with something else`);
  }

  /**
   * The tray's write-only token for bucket "default", minted in the endpoint's process on first
   * use and held here (this process's memory) afterwards: each call hands the endpoint the one
   * held, which it gives back while that token still exists (a new one if the user deleted it).
   */
  async trayToken(): Promise<string> {
    if (this.launching !== null) await this.launching;
    const c = this.child;
    if (c === null || this.status_.state !== 'running') throw new AppError('unavailable', 'the endpoint is not running: start it from the tray menu, then copy the token again');
    const r = await this.call(c, { type: 'trayToken', ...(this.trayToken_ === undefined ? {} : { known: this.trayToken_ }) }, this.o.dataTimeoutMs ?? 60_000);
    if (r.type === 'reply' && r.ok && typeof r.value === 'string') return (this.trayToken_ = r.value);
    throw new AppError(r.type === 'reply' && !r.ok ? (r.code ?? 'unavailable') : 'internal', r.type === 'reply' && !r.ok ? r.error : 'the endpoint answered the token request with something else');
  }

  /**
   * The request inspector's log, oldest first, at most REQUEST_LOG_SIZE: kept here from the
   * endpoint's request events, so it survives a restart; numbered here, so IDs keep growing
   * across restarts (the inspector asks for what came after the last ID it has).
   */
  requests(): readonly RequestEntry[] {
    return this.log;
  }

  private record(m: ControlReply & { type: 'request' }): void {
    if (m.inspected !== true) return;
    const e = RequestEntry.safeParse(m.entry);
    if (!e.success) return;
    this.log.push({ ...e.data, id: this.nextRequestId++ });
    if (this.log.length > REQUEST_LOG_SIZE) this.log.splice(0, this.log.length - REQUEST_LOG_SIZE);
  }

  private set(s: EndpointStatus): void {
    this.status_ = s;
    this.o.onStatus?.(s);
  }

  private call(c: EndpointChild, msg: Record<string, unknown>, timeoutMs?: number): Promise<ControlReply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.pending.delete(id);
              resolve({ type: 'reply', id, ok: false, state: 'error', code: 'unavailable', error: `the endpoint did not answer within ${timeoutMs / 1000} s: it may be busy; try again` });
            }, timeoutMs);
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      c.postMessage({ ...msg, id });
    });
  }

  private launch(): Promise<EndpointStatus> {
    const p = this.launchOnce().finally(() => {
      if (this.launching === p) this.launching = null;
    });
    this.launching = p;
    return p;
  }

  private async launchOnce(): Promise<EndpointStatus> {
    this.set({ state: 'starting' });
    const c = this.o.spawn();
    this.child = c;
    c.onMessage((m) => {
      const r = m as ControlReply;
      if (r?.type === 'reply' && typeof r.id === 'number') {
        this.pending.get(r.id)?.(r);
        this.pending.delete(r.id);
      } else if (r?.type === 'request') {
        this.record(r);
      } else if (r?.type === 'health' && this.child === c && this.status_.state === 'running') {
        this.set(withHealth(this.status_, r.writable === true, r.readOnlyReason));
      }
    });
    c.onExit((code) => {
      if (this.child !== c) return;
      this.child = null;
      for (const [id, resolve] of this.pending) {
        resolve({ type: 'reply', id, ok: false, state: 'error', code: 'unavailable', error: `the endpoint's process exited (code ${code}) before answering: try again once the endpoint runs` });
      }
      this.pending.clear();
      if (!this.wanted) {
        this.set({ state: 'stopped' });
        return;
      }
      if (this.runningSince > 0 && Date.now() - this.runningSince >= (this.o.stableMs ?? 60_000)) this.streak = 0;
      this.runningSince = 0;
      const delays = this.o.backoffMs ?? [500, 1000, 2000, 5000, 10000];
      const delay = delays[Math.min(this.streak, delays.length - 1)];
      this.streak++;
      this.restarts++;
      this.o.log?.(`endpoint process exited (code ${code}); restarting in ${delay} ms`);
      this.set({ state: 'error', error: `the endpoint stopped unexpectedly (exit code ${code}); restarting…` });
      this.timer = setTimeout(() => void this.launch(), delay);
    });
    const r = await this.call(c, { type: 'start', options: { dataDir: this.o.dataDir, port: this.o.port, host: this.o.host ?? '127.0.0.1' } });
    // Stopped, or the process died and a restart is scheduled, while this one was starting.
    if (this.child !== c) return this.status_;
    if (r.type === 'reply' && r.ok) {
      this.runningSince = Date.now();
      this.set({ state: 'running', url: r.url });
    } else if (r.type === 'reply') {
      // It could not start (the port is taken, the data directory is unusable): no restart loop,
      // the process goes, and the error stays shown until the user starts it again.
      this.child = null;
      c.kill();
      this.set({ state: 'error', error: r.error });
    }
    return this.status_;
  }
}

/** The running status with the endpoint's writability (read-only while its disk is full or failing). */
function withHealth(s: EndpointStatus, writable: boolean, reason: unknown): EndpointStatus {
  const { readOnlyReason: _, ...rest } = s;
  return writable ? { ...rest, writable: true } : { ...rest, writable: false, readOnlyReason: typeof reason === 'string' ? reason : 'its disk fails' };
}
