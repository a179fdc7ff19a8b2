// The composer's session (open documents, their text and choices, the active one, the
// environments), kept by the host so it survives a reload or a restart: one JSON file, replaced
// atomically (server/fs/atomic-file.ts) and debounced (typing saves once per pause, not per key).
// A file that cannot be read as a session is never overwritten in place: it is moved aside
// (`<file>.corrupt-<time>`) and an empty session starts, with a sentence saying so.
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { sweepAtomicTemps, writeFileAtomicSync } from '../server/fs/atomic-file.js';
import { EMPTY_WORKSPACE, Workspace, type AppHandlers } from './contract.js';

export const WORKSPACE_DEBOUNCE_MS = 300;

export interface WorkspaceLoad {
  workspace: Workspace;
  /** Said once after the file was set aside. */
  notice?: string;
}

export class WorkspaceStore {
  private pending: Workspace | null = null;
  private timer: NodeJS.Timeout | null = null;
  private notice: string | undefined;

  constructor(
    readonly file: string,
    private readonly debounceMs = WORKSPACE_DEBOUNCE_MS,
    private readonly now: () => Date = () => new Date(),
  ) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    sweepAtomicTemps(file);
  }

  /** The session: the one waiting to be written if any, else the file's. */
  load(): WorkspaceLoad {
    if (this.pending !== null) return { workspace: this.pending };
    const notice = this.notice;
    this.notice = undefined;
    if (!existsSync(this.file)) return { workspace: EMPTY_WORKSPACE, notice };
    let reason: string;
    try {
      const r = Workspace.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      if (r.success) return { workspace: r.data, notice };
      reason = `${r.error.issues[0]?.path.join('.') || '(root)'}: ${r.error.issues[0]?.message}`;
    } catch (e) {
      reason = (e as Error).message;
    }
    const aside = `${this.file}.corrupt-${this.now().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(this.file, aside);
    return {
      workspace: EMPTY_WORKSPACE,
      notice: `The saved session could not be read (${reason.slice(0, 200)}), so the composer starts empty; the file is kept as ${path.basename(aside)}.`,
    };
  }

  /** Keeps the session; it is written after `debounceMs` without a newer one (or at flush). */
  save(w: Workspace): void {
    this.pending = w;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.debounceMs);
    this.timer.unref();
  }

  /** Writes the waiting session now (at exit). */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const w = this.pending;
    if (w === null) return;
    this.pending = null;
    writeFileAtomicSync(this.file, JSON.stringify(w));
  }
}

/** The app API's session methods over one store (browser mode has one store per signed-in user). */
export function workspaceHandlers(store: WorkspaceStore): Pick<AppHandlers, 'loadWorkspace' | 'saveWorkspace'> {
  return {
    async loadWorkspace() {
      return store.load();
    },
    async saveWorkspace(w) {
      store.save(w);
      return {};
    },
  };
}
