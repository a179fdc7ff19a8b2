// Helpers of the composer-workbench e2e tests: the editor's text, the session the host keeps,
// and what the endpoint stored, each read through the page's own app API (same origin, signed in).
import type { Page } from 'playwright-core';
import type { Workspace } from '../../../app/contract.js';

/** The editor's whole text (its lines joined with \n; CodeMirror renders one element per line). */
export async function editorText(page: Page): Promise<string> {
  return page.evaluate(() => Array.from(document.querySelectorAll('.cm-content .cm-line'), (l) => l.textContent ?? '').join('\n'));
}

/** One app API call from the page, as the UI makes it. */
export async function appCall<T>(page: Page, method: string, input: unknown = {}): Promise<T> {
  return page.evaluate(
    async ([m, i]) => {
      const res = await fetch(`/app-api/${m}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(i), credentials: 'same-origin' });
      const body = await res.json();
      if (!res.ok) throw new Error(`${m}: ${res.status} ${JSON.stringify(body)}`);
      return body;
    },
    [method, input] as const,
  ) as Promise<T>;
}

/** The session as the host has it now. */
export async function savedWorkspace(page: Page): Promise<Workspace> {
  return (await appCall<{ workspace: Workspace }>(page, 'loadWorkspace')).workspace;
}

/** A measurement's stored points in a bucket of the endpoint, oldest first: time (ns) and series. */
export async function storedPoints(page: Page, bucket: string, measurement: string): Promise<{ time: string; series: string }[]> {
  const buckets = await appCall<{ id: string; name: string }[]>(page, 'listBuckets');
  const b = buckets.find((x) => x.name === bucket);
  if (b === undefined) throw new Error(`no bucket ${bucket}`);
  const r = await appCall<{ points: { time: string; series: string }[] }>(page, 'readPoints', { bucketId: b.id, measurement, limit: 1000 });
  return r.points.map((p) => ({ time: p.time, series: p.series })).reverse();
}
