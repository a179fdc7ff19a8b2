// The data browser's Query tab: InfluxQL on this app's endpoint. An editor (highlighting, the
// syntax error at its character, completion from the chosen database), Run or Ctrl+Enter, each
// statement's series as tables, a chart for GROUP BY time() statements, and a history of the
// queries run (kept in this browser's localStorage, the last 50). Loaded on its own, when the
// tab is first opened.
import { completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history as cmHistory, historyKeymap } from '@codemirror/commands';
import { EditorState } from '@codemirror/state';
import { drawSelection, EditorView, keymap, lineNumbers } from '@codemirror/view';
import { Alert, Button, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { DbrpOut, QueryResult, QuerySeries } from '../../app/contract.js';
import { api } from '../api/index.js';
import { TimeChart } from '../components/PointsChart.js';
import { influxQL, syntaxDiagnostics, type QuerySchema } from './influxql-editor.js';
import { queryChartData, seriesTitle, timeGroupedStatements } from './query-results.js';
import { loadHistory, remember, type QueryHistoryEntry } from './query-history.js';

/** Rows of a series the table shows (the chart takes them all). */
const TABLE_ROWS = 1000;

/** The editor's text, database and last answer while another tab is open (only the open tab is mounted). */
const kept: { q: string; db: string | null; rp: string | null; handed: number; result?: { q: string; answer: QueryResult } } = { q: '', db: null, rp: null, handed: 0 };

export function QueryPanel(props: { initial?: { q: string; db: string; rp?: string; n: number } }) {
  const [dbrps, setDbrps] = useState<DbrpOut[]>([]);
  const [db, setDb] = useState<string | null>(kept.db);
  const [rp, setRp] = useState<string | null>(kept.rp);
  const [result, setResult] = useState<{ q: string; answer: QueryResult } | undefined>(kept.result);
  kept.db = db;
  kept.rp = rp;
  kept.result = result;
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string>();
  const [syntax, setSyntax] = useState<string>();
  const [hist, setHist] = useState<QueryHistoryEntry[]>(loadHistory);
  const schema = useRef<QuerySchema>({ measurements: [] });
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const run = useRef<() => void>(() => undefined);

  useEffect(() => {
    api
      .listDbrps({})
      .then((m) => {
        setDbrps(m);
        setDb((cur) => cur ?? (m.some((x) => x.db === 'default') ? 'default' : (m[0]?.db ?? null)));
      })
      .catch((e: Error) => setError(e.message));
  }, []);

  // Completion knows the measurements, tag keys and field keys of the bucket db and rp read.
  const bucketId = useMemo(() => {
    const all = dbrps.filter((m) => m.db === db);
    return (rp === null ? (all.find((m) => m.default) ?? all[0]) : all.find((m) => m.rp === rp))?.bucketId;
  }, [dbrps, db, rp]);
  useEffect(() => {
    if (bucketId === undefined) return;
    api
      .describeMeasurements({ bucketId })
      .then((ms) => {
        schema.current = { measurements: ms.map((m) => ({ name: m.measurement, tagKeys: m.tagKeys, fieldKeys: m.fields.map((f) => f.key) })) };
      })
      .catch((e: Error) => setError(e.message));
  }, [bucketId]);

  run.current = () => {
    const q = view.current?.state.doc.toString() ?? '';
    if (q.trim() === '' || db === null) return;
    setRunning(true);
    setError(undefined);
    api
      .runQuery({ db, ...(rp !== null ? { rp } : {}), q })
      .then((answer) => {
        setResult({ q, answer });
        setHist(remember({ q, db, ...(rp !== null ? { rp } : {}), time: new Date().toISOString() }));
      })
      .catch((e: Error) => setError(e.message))
      .finally(() => setRunning(false));
  };

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: props.initial !== undefined && props.initial.n !== kept.handed ? props.initial.q : kept.q,
        extensions: [
          lineNumbers(),
          cmHistory(),
          drawSelection(),
          EditorView.lineWrapping,
          keymap.of([{ key: 'Mod-Enter', run: () => (run.current(), true) }, ...completionKeymap, ...defaultKeymap, ...historyKeymap]),
          influxQL(() => schema.current),
          EditorView.contentAttributes.of({ 'aria-label': 'InfluxQL query' }),
          EditorView.updateListener.of((u) => {
            if (!u.docChanged) return;
            kept.q = u.state.doc.toString();
            setSyntax(syntaxDiagnostics(kept.q)[0]?.message);
          }),
        ],
      }),
    });
    view.current = v;
    setSyntax(syntaxDiagnostics(v.state.doc.toString())[0]?.message);
    return () => v.destroy();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // A query handed over from the Points view replaces the text and its database.
  useEffect(() => {
    const i = props.initial;
    const v = view.current;
    if (i === undefined || v === null || i.n === kept.handed) return;
    kept.handed = i.n;
    kept.q = i.q;
    if (v.state.doc.toString() !== i.q) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: i.q } });
    setDb(i.db);
    setRp(i.rp ?? null);
  }, [props.initial]);

  const setText = (e: QueryHistoryEntry) => {
    const v = view.current;
    if (v === null) return;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: e.q } });
    setDb(e.db);
    setRp(e.rp ?? null);
    v.focus();
  };

  const dbs = [...new Set(dbrps.map((m) => m.db))];
  const rps = dbrps.filter((m) => m.db === db).map((m) => m.rp);
  const charted = useMemo(() => (result ? timeGroupedStatements(result.q) : new Set<number>()), [result]);
  return (
    <Stack>
      {error && <Alert color="red">{error}</Alert>}
      <Group align="flex-end">
        <Select label="Database" data={dbs} value={db} onChange={(v) => { setDb(v); setRp(null); }} allowDeselect={false} w={220} nothingFoundMessage="No databases" />
        <Select label="Retention policy" placeholder="default" data={rps} value={rp} onChange={setRp} clearable w={200} />
        <Button onClick={() => run.current()} loading={running} disabled={db === null}>
          Run
        </Button>
        <Text size="xs" c="dimmed">
          Ctrl+Enter runs · Ctrl+Space completes
        </Text>
      </Group>
      <div ref={host} className="query-editor" style={{ border: '1px solid var(--mantine-color-gray-4)', borderRadius: 4, minHeight: 90 }} />
      {syntax !== undefined && (
        <Text size="sm" c="red" aria-label="Syntax error">
          {syntax}
        </Text>
      )}
      {result && <Results answer={result.answer} charted={charted} />}
      {hist.length > 0 && (
        <Stack gap={4} aria-label="Query history">
          <Title order={5}>History</Title>
          {hist.map((e) => (
            <Group key={`${e.time} ${e.q}`} gap="xs" wrap="nowrap">
              <Button size="compact-xs" variant="subtle" onClick={() => setText(e)}>
                Use
              </Button>
              <Text size="xs" c="dimmed" w={170}>
                {e.time.slice(0, 19).replace('T', ' ')} · {e.db}
                {e.rp ? `.${e.rp}` : ''}
              </Text>
              <Text size="xs" ff="monospace" truncate>
                {e.q}
              </Text>
            </Group>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function Results(props: { answer: QueryResult; charted: Set<number> }) {
  const { answer } = props;
  if (answer.error !== undefined)
    return (
      <Alert color="red" title="Query error" aria-label="Query error">
        {answer.error}
      </Alert>
    );
  return (
    <Stack aria-label="Query results">
      {(answer.results ?? []).map((r) => (
        <Stack key={r.statement_id} gap="xs" aria-label={`Statement ${r.statement_id + 1}`}>
          <Title order={5}>Statement {r.statement_id + 1}</Title>
          {r.error !== undefined && <Alert color="red">{r.error}</Alert>}
          {r.error === undefined && (r.series ?? []).length === 0 && <Text c="dimmed">No series.</Text>}
          {props.charted.has(r.statement_id) && (r.series ?? []).length > 0 && <QueryChart series={r.series!} />}
          {(r.series ?? []).map((s, i) => (
            <SeriesTable key={i} series={s} />
          ))}
        </Stack>
      ))}
    </Stack>
  );
}

function QueryChart(props: { series: QuerySeries[] }) {
  const chart = useMemo(() => queryChartData(props.series), [props.series]);
  if (chart.labels.length === 0) return null;
  return <TimeChart chart={chart} label="Chart of the query's series" />;
}

function SeriesTable(props: { series: QuerySeries }) {
  const s = props.series;
  const title = seriesTitle(s);
  const rows = s.values.slice(0, TABLE_ROWS);
  return (
    <div>
      <Text size="sm" fw={600} ff="monospace">
        {title || '(no name)'}
      </Text>
      <Table striped fz="xs" aria-label={`Series ${title}`}>
        <Table.Thead>
          <Table.Tr>
            {s.columns.map((c, i) => (
              <Table.Th key={i}>{c}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row, i) => (
            <Table.Tr key={i}>
              {row.map((v, j) => (
                <Table.Td key={j} ff={j === 0 ? 'monospace' : undefined}>
                  {v === null ? '' : String(v)}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {(s.values.length > rows.length || s.partial) && (
        <Text size="xs" c="dimmed">
          {s.partial ? `The answer was cut at ${s.values.length.toLocaleString('en')} rows; ` : ''}
          showing the first {rows.length.toLocaleString('en')} rows: narrow the query (WHERE time, LIMIT) for the rest.
        </Text>
      )}
    </div>
  );
}
