// Drives an EndpointController (cli/endpoint-control.ts) in this process, as the desktop's supervisor
// does over its message port: send a message with a fresh id, get the reply with that id.
import { EndpointController, type ControlReply } from '../../cli/endpoint-control.js';

export function controlHarness() {
  const posted: ControlReply[] = [];
  const controller = new EndpointController({ post: (m) => posted.push(m) });
  let nextId = 1;
  async function send(msg: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = nextId++;
    await controller.handle({ ...msg, id });
    const r = posted.find((m) => m.type === 'reply' && m.id === id);
    if (r === undefined) throw new Error(`no reply to ${JSON.stringify(msg)}`);
    return r as unknown as Record<string, unknown>;
  }
  return { controller, posted, send };
}
