// A /ping timer on its own thread (worker_threads): the soak's writers and reader share the
// bench's main thread, and their turns would otherwise be counted as the server's latency.
// workerData: { url, everyMs }. Posts { pings, failures } when told 'stop'.
import { parentPort, workerData } from 'node:worker_threads';

const { url, everyMs } = workerData;
const pings = [];
let failures = 0;
let over = false;
parentPort.on('message', (m) => {
  if (m === 'stop') over = true;
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
while (!over) {
  const a = performance.now();
  try {
    const r = await fetch(`${url}/ping`);
    await r.arrayBuffer();
    if (r.status === 204) pings.push(performance.now() - a);
    else failures++;
  } catch {
    if (!over) failures++;
  }
  await sleep(everyMs);
}
parentPort.postMessage({ pings, failures });
