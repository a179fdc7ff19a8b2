// Keeps the embedded endpoint running in its own process (Electron's utilityProcess; a Node
// fork in tests): starts it with the control protocol of server/control.ts, restarts it with
// backoff when it dies, and reports its state for the window and the tray. No electron import.
import type { ControlReply } from '../server/control.js';
import type { EndpointStatus } from '../app/contract.js';

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
}

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

  private set(s: EndpointStatus): void {
    this.status_ = s;
    this.o.onStatus?.(s);
  }

  private call(c: EndpointChild, msg: Record<string, unknown>): Promise<ControlReply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
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
      }
    });
    c.onExit((code) => {
      if (this.child !== c) return;
      this.child = null;
      for (const [id, resolve] of this.pending) resolve({ type: 'reply', id, ok: false, state: 'error', error: `the endpoint process exited (${code})` });
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
