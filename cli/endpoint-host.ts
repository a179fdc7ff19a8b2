// Entry point for hosting the endpoint in a separate process: Electron's utilityProcess
// (messages through process.parentPort) or a Node child process (process.send). Never runs on
// Electron's main thread.
import { EndpointController } from './endpoint-control.js';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

if (parentPort !== undefined) {
  const controller = new EndpointController({ post: (m) => parentPort.postMessage(m) });
  parentPort.on('message', (e) => void controller.handle(e.data));
} else if (typeof process.send === 'function') {
  const controller = new EndpointController({ post: (m) => process.send!(m) });
  process.on('message', (m) => void controller.handle(m));
  process.on('disconnect', () => process.exit(0));
} else {
  process.stderr.write('cli/endpoint-host.js is started by the desktop app or a parent process; use "lpstudio serve" to run the endpoint from a terminal\n');
  process.exit(2);
}
