// The renderer's pure parts besides the tokenizer: quick fixes that must be certain, the status
// texts, and the app API transports (which one is picked, how errors come back).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { validate } from '../../lineprotocol/parse.js';
import { isTextFix, QuickFixCache, quickFixes, type QuickFix } from '../../renderer/editor/quickfix.js';
import { statusText } from '../../renderer/components/StatusBar.js';
import { statusLine } from '../../renderer/components/ResponsePanel.js';

const apply = (line: string, f: QuickFix) => (isTextFix(f) ? line.slice(0, f.from) + f.insert + line.slice(f.to) : line);

/** Every fix offered for every diagnostic of `line`, applied. */
function fixed(line: string): { code: string; name: string; result: string }[] {
  return validate(line).diagnostics.flatMap((d) => quickFixes(d, line).map((f) => ({ code: d.code, name: f.name, result: apply(line, f) })));
}

describe('quick fixes are offered only where certain', () => {
  it('escapes the space that split a measurement, not the tag value the parser tripped on', () => {
    expect(fixed('my cpu,host=a v=1 1')).toEqual([{ code: 'invalid-boolean', name: 'Escape the space', result: 'my\\ cpu,host=a v=1 1' }]);
    expect(fixed('my cpu v=1 1')).toEqual([{ code: 'invalid-field-format', name: 'Escape the space', result: 'my\\ cpu v=1 1' }]);
  });

  it('escapes a space in a tag value and in a tag key', () => {
    expect(fixed('cpu,host=a,region=us west v=1 1').map((f) => f.result)).toEqual(['cpu,host=a,region=us\\ west v=1 1']);
    expect(fixed('cpu,ho st=a v=1').map((f) => f.result)).toEqual(['cpu,ho\\ st=a v=1']);
  });

  it('every fix it offers leaves a valid line', () => {
    for (const line of ['my cpu,host=a v=1 1', 'cpu,host=my host usage=1 1', 'cpu v=hello,x=1i 5', 'cpu v=TRUEish', 'cpu,ho st=a v=1']) {
      const fixes = fixed(line);
      expect(fixes.length, line).toBeGreaterThan(0);
      for (const f of fixes) expect(validate(f.result).diagnostics.filter((d) => d.severity === 'error'), f.result).toEqual([]);
    }
  });

  it('offers nothing when the fix would be a guess', () => {
    // "hello world" as a value: quoting only "hello" would not fix it.
    expect(fixed('cpu v=1,s=hello world 1')).toEqual([]);
    expect(fixed('cpu s=a"b 1')).toEqual([]);
    expect(fixed('cpu v=1.2.3')).toEqual([]);
    expect(fixed('cpu v=-hello 1')).toEqual([]);
  });

  it('strips the CR of a CRLF line (the warning) and nothing for its other errors', () => {
    const text = 'cpu v=1 1\r\nnext v=1 2';
    const ds = validate(text).diagnostics;
    const crlf = ds.find((d) => d.code === 'crlf')!;
    expect(quickFixes(crlf, 'cpu v=1 1\r').map((f) => apply('cpu v=1 1\r', f))).toEqual(['cpu v=1 1']);
  });

  it('the cache answers like quickFixes, per dialect', () => {
    const cache = new QuickFixCache(2);
    const line = 'cpu v=hello 1';
    const d = validate(line).diagnostics[0];
    expect(cache.get(d, line, { dialect: 'influxdb2' })).toEqual(quickFixes(d, line));
    expect(cache.get(d, line, { dialect: 'influxdb2' })).toBe(cache.get(d, line, { dialect: 'influxdb2' }));
    expect(cache.get(d, line, { dialect: 'influxdb1' })).toEqual(quickFixes(d, line, { dialect: 'influxdb1' }));
  });
});

describe('status texts', () => {
  it('status bar', () => {
    expect(statusText({ lines: 3, records: 3, points: 3, errors: 0, warnings: 0 })).toBe('3 lines · 3 points · 0 errors · 0 warnings');
    expect(statusText({ lines: 100000, records: 1, points: 1, errors: 1, warnings: 1 })).toBe('100,000 lines · 1 point · 1 error · 1 warning');
  });
  it('response status line', () => {
    expect(statusLine({ status: 204, statusText: 'No Content', durationMs: 12.4 })).toBe('204 No Content · 12 ms');
    expect(statusLine({ status: 0, statusText: '', durationMs: 3001 })).toBe('No answer · 3,001 ms');
  });
});

describe('app API transports', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('picks IPC when the preload exposed window.lpstudio, and calls through it', async () => {
    const call = vi.fn(async (method: string, input: unknown) => ({ method, input }));
    vi.stubGlobal('window', { lpstudio: { call } });
    const { mode, api } = await import('../../renderer/api/index.js');
    expect(mode).toBe('desktop');
    expect(await api.listHistory({ query: 'x' })).toEqual({ method: 'listHistory', input: { query: 'x' } });
    expect(call).toHaveBeenCalledWith('listHistory', { query: 'x' });
  });

  it('IPC errors come back as AppCallError with the code and the bare message', async () => {
    const err = Object.assign(new Error("Error invoking remote method 'lpstudio:app': Error: no connection \"x\""), { code: 'not-found' });
    vi.stubGlobal('window', { lpstudio: { call: async () => Promise.reject(err) } });
    const { api, AppCallError } = await import('../../renderer/api/index.js');
    const e = await api.deleteProfile({ id: 'x' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppCallError);
    expect(e).toMatchObject({ code: 'not-found', message: 'no connection "x"' });
  });

  it('picks HTTP without a preload: POST /app-api/<method> with JSON; errors as {code, message}', async () => {
    const events: string[] = [];
    vi.stubGlobal('window', { dispatchEvent: (e: Event) => events.push(e.type) });
    const fetchMock = vi.fn(async (url: string, init: RequestInit) => {
      if (url === '/app-api/info') return new Response(JSON.stringify({ mode: 'browser' }), { status: 200 });
      expect(init.method).toBe('POST');
      return new Response(JSON.stringify({ code: 'unauthorized', message: 'sign in first' }), { status: 401 });
    });
    vi.stubGlobal('fetch', fetchMock);
    const { mode, api } = await import('../../renderer/api/index.js');
    expect(mode).toBe('browser');
    expect(await api.info({})).toEqual({ mode: 'browser' });
    expect(fetchMock.mock.calls[0][1]).toMatchObject({ method: 'POST', body: '{}', credentials: 'same-origin' });
    await expect(api.listProfiles({})).rejects.toMatchObject({ code: 'unauthorized', message: 'sign in first' });
    // A lost session brings the sign-in screen back.
    expect(events).toEqual(['lpstudio:signed-out']);
  });

  it('HTTP: a server that does not answer is an error in words', async () => {
    vi.stubGlobal('fetch', async () => Promise.reject(new TypeError('Failed to fetch')));
    const { httpCall } = await import('../../renderer/api/http.js');
    await expect(httpCall('info', {})).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/not answering/) });
  });
});
