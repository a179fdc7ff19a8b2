// The sandboxed preload: exposes exactly one function to the page, `lpstudio.call(method, input)`,
// which goes to the main process's single guarded IPC handler. Nothing else of Node or Electron
// reaches the renderer.
import { contextBridge, ipcRenderer } from 'electron';

const IPC_CHANNEL = 'lpstudio:app'; // = app/contract.ts IPC_CHANNEL (a sandboxed preload cannot import app modules at runtime)

contextBridge.exposeInMainWorld('lpstudio', {
  call: async (method: string, input: unknown): Promise<unknown> => {
    const reply = (await ipcRenderer.invoke(IPC_CHANNEL, { method, input })) as
      | { ok: true; value: unknown }
      | { ok: false; error: { code: string; message: string } };
    if (reply.ok) return reply.value;
    const e = new Error(reply.error.message) as Error & { code: string };
    e.code = reply.error.code;
    throw e;
  },
});
