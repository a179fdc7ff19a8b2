// The data browser: the endpoint's buckets, measurements (series, tag keys, field keys with
// types) and a table of points, newest first, paged; and in other tabs, who may write where
// (DBRP mappings, tokens, v1 users) and the endpoint's settings; InfluxQL in the Query tab, and
// under the points the InfluxQL that selects them.
import { Alert, Badge, Button, Code, Drawer, Group, Loader, Select, Stack, Table, Tabs, Text, TextInput } from '@mantine/core';
import { lazy, Suspense, useEffect, useState } from 'react';
import type { DbrpOut, StoredPointOut } from '../../app/contract.js';
import { api } from '../api/index.js';
import { DbrpPanel } from './DbrpPanel.js';
import { EndpointSettingsPanel } from './EndpointSettingsPanel.js';
import { PointsChart } from './PointsChart.js';
import { ReadOnlyBanner } from './ReadOnlyBanner.js';
import { isoNs, parseTimeInput } from './time-range.js';
import { TokensPanel } from './TokensPanel.js';
import { V1UsersPanel } from './V1UsersPanel.js';
import { pointsQuery } from '../query/points-query.js';

// The Query tab's editor (CodeMirror with InfluxQL) is loaded when the tab is first opened.
const QueryPanel = lazy(() => import('../query/QueryPanel.js').then((m) => ({ default: m.QueryPanel })));

const PAGE = 100;

type Measurement = Awaited<ReturnType<typeof api.describeMeasurements>>[number];

export function DataDrawer(props: { opened: boolean; onClose: () => void }) {
  const [buckets, setBuckets] = useState<{ id: string; name: string; createdBy?: 'influxdb3' }[]>([]);
  const [bucketId, setBucketId] = useState<string | null>(null);
  const [measurements, setMeasurements] = useState<Measurement[]>([]);
  const [measurement, setMeasurement] = useState<string | null>(null);
  const [seriesList, setSeriesList] = useState<{ series: string[]; total: number }>({ series: [], total: 0 });
  /** One series, or null for all of the measurement's. */
  const [series, setSeries] = useState<string | null>(null);
  const [points, setPoints] = useState<StoredPointOut[]>([]);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string>();
  const fail = (e: Error) => setError(e.message);
  const [newName, setNewName] = useState('');
  const [newRetention, setNewRetention] = useState('');
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [reload, setReload] = useState(0);
  const [tab, setTab] = useState<string | null>('points');
  const [dbrps, setDbrps] = useState<DbrpOut[]>([]);
  /** A query the Points view hands to the Query tab (n tells a repeat apart). */
  const [handed, setHanded] = useState<{ q: string; db: string; rp?: string; n: number }>();
  const [fromText, setFromText] = useState('');
  const [untilText, setUntilText] = useState('');
  const from = parseTimeInput(fromText);
  const until = parseTimeInput(untilText);
  /** The range the table, chart and export use: applied once both inputs are valid. */
  const [range, setRange] = useState<{ start?: string; stop?: string }>({});
  useEffect(() => {
    if (from instanceof Error || until instanceof Error) return;
    setRange((r) => (r.start === from && r.stop === until ? r : { start: from, stop: until }));
  }, [from, until]);

  const create = () =>
    api
      .createBucket({ name: newName.trim(), retention: newRetention.trim() || undefined })
      .then((b) => {
        setNewName('');
        setNewRetention('');
        setBucketId(b.id);
        setReload((n) => n + 1);
      })
      .catch(fail);
  const remove = (id: string) =>
    api
      .deleteBucket({ bucketId: id })
      .then(() => {
        setConfirmDelete(false);
        setBucketId(null);
        setMeasurement(null);
        setPoints([]);
        setReload((n) => n + 1);
      })
      .catch(fail);

  useEffect(() => {
    if (!props.opened) return;
    api
      .listBuckets({})
      .then((b) => {
        setBuckets(b);
        setBucketId((cur) => (cur !== null && b.some((x) => x.id === cur) ? cur : (b[0]?.id ?? null)));
        setError(undefined);
      })
      .catch(fail);
  }, [props.opened, reload]);

  useEffect(() => {
    if (props.opened) api.listDbrps({}).then(setDbrps).catch(fail);
  }, [props.opened, reload]);

  useEffect(() => {
    if (!props.opened || bucketId === null) return;
    api
      .describeMeasurements({ bucketId })
      .then((m) => {
        setMeasurements(m);
        setMeasurement((cur) => (cur !== null && m.some((x) => x.measurement === cur) ? cur : (m[0]?.measurement ?? null)));
      })
      .catch(fail);
  }, [props.opened, bucketId]);

  const load = (offset: number) => {
    if (bucketId === null || measurement === null) return;
    api
      .readPoints({ bucketId, measurement, limit: PAGE, offset, ...range, ...(series !== null ? { series } : {}) })
      .then((r) => {
        setPoints((cur) => (offset === 0 ? r.points : [...cur, ...r.points]));
        setMore(r.more);
      })
      .catch(fail);
  };
  useEffect(() => {
    if (props.opened) load(0);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.opened, bucketId, measurement, range, series]);

  useEffect(() => {
    setSeries(null);
    setSeriesList({ series: [], total: 0 });
    if (!props.opened || bucketId === null || measurement === null) return;
    api.listSeries({ bucketId, measurement }).then(setSeriesList).catch(fail);
  }, [props.opened, bucketId, measurement]);

  const m = measurements.find((x) => x.measurement === measurement);
  const fieldKeys = m?.fields.map((f) => f.key) ?? [];
  const tagKeys = m?.tagKeys ?? [];
  // The database and retention policy InfluxQL reaches this bucket by (its default mapping first).
  const mapping = dbrps.filter((x) => x.bucketId === bucketId).sort((a, b) => Number(b.default) - Number(a.default))[0];
  const influxql =
    measurement === null ? undefined : pointsQuery({ measurement, series, ...range, limit: Math.max(PAGE, Math.ceil(points.length / PAGE) * PAGE) });
  return (
    <Drawer opened={props.opened} onClose={props.onClose} title="Data" position="right" size="100%">
      <ReadOnlyBanner />
      {/* Only the open tab is mounted: each management tab loads its lists when shown. */}
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="points">Points</Tabs.Tab>
          <Tabs.Tab value="query">Query</Tabs.Tab>
          <Tabs.Tab value="dbrps">DBRP mappings</Tabs.Tab>
          <Tabs.Tab value="tokens">Tokens</Tabs.Tab>
          <Tabs.Tab value="v1users">v1 users</Tabs.Tab>
          <Tabs.Tab value="settings">Endpoint settings</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="points">
          <Stack>
            {error && <Alert color="red">{error}</Alert>}
            <Group>
              <Select
                label="Bucket"
                data={buckets.map((b) => ({ value: b.id, label: b.createdBy === 'influxdb3' ? `${b.name} (database created by an InfluxDB 3 write)` : b.name }))}
                value={bucketId}
                onChange={setBucketId}
                allowDeselect={false}
                w={240}
              />
              <Select label="Measurement" data={measurements.map((x) => x.measurement)} value={measurement} onChange={setMeasurement} allowDeselect={false} w={240} nothingFoundMessage="No data yet" />
              <Select
                label="Series"
                placeholder={seriesList.total > 0 ? `all ${seriesList.total.toLocaleString('en')}` : 'all'}
                description={seriesList.total > seriesList.series.length ? `the first ${seriesList.series.length.toLocaleString('en')} listed; type to search them` : undefined}
                data={seriesList.series}
                value={series}
                onChange={setSeries}
                searchable
                clearable
                w={360}
                nothingFoundMessage="No such series"
              />
              {bucketId !== null &&
                (confirmDelete ? (
                  <Group gap="xs" align="flex-end">
                    <Text size="sm">Delete this bucket and all its points?</Text>
                    <Button color="red" onClick={() => void remove(bucketId)}>
                      Yes, delete the bucket
                    </Button>
                    <Button variant="default" onClick={() => setConfirmDelete(false)}>
                      Cancel
                    </Button>
                  </Group>
                ) : (
                  <Button color="red" variant="subtle" onClick={() => setConfirmDelete(true)} style={{ alignSelf: 'flex-end' }}>
                    Delete bucket
                  </Button>
                ))}
            </Group>
            <Group align="flex-end" gap="xs">
              <TextInput label="New bucket" placeholder="name" value={newName} onChange={(e) => setNewName(e.currentTarget.value)} w={200} />
              <TextInput label="Retention" placeholder="infinite, or e.g. 30d" value={newRetention} onChange={(e) => setNewRetention(e.currentTarget.value)} w={180} />
              <Button variant="light" disabled={newName.trim() === ''} onClick={() => void create()}>
                Create bucket
              </Button>
            </Group>
            <Group align="flex-start" gap="xs">
              <TextInput label="From" placeholder="earliest" value={fromText} onChange={(e) => setFromText(e.currentTarget.value)} error={from instanceof Error ? from.message : undefined} w={260} />
              <TextInput label="Until" description="not included" placeholder="latest" value={untilText} onChange={(e) => setUntilText(e.currentTarget.value)} error={until instanceof Error ? until.message : undefined} w={260} />
            </Group>
            {m && bucketId !== null && (
              <Group>
                <Button variant="light" onClick={() => void exportMeasurement(bucketId, m.measurement, { ...range, ...(series !== null ? { series } : {}) }).catch(fail)}>
                  Export as line protocol
                </Button>
              </Group>
            )}
            {m && (
              <Group gap="xs" aria-label="Measurement schema">
                <Text size="sm">{m.series} series ·</Text>
                {m.fields.map((f) => (
                  <Badge key={f.key} variant="light">
                    {f.key}: {f.type}
                  </Badge>
                ))}
              </Group>
            )}
            {influxql !== undefined && (
              <Group gap="xs" wrap="nowrap" align="center">
                <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                  InfluxQL{mapping ? ` (database ${mapping.db}${mapping.default ? '' : `, retention policy ${mapping.rp}`})` : ''}:
                </Text>
                <Code aria-label="InfluxQL of the points shown">{influxql}</Code>
                {mapping && (
                  <Button
                    size="compact-xs"
                    variant="light"
                    onClick={() => {
                      setHanded((h) => ({ q: influxql, db: mapping.db, ...(mapping.default ? {} : { rp: mapping.rp }), n: (h?.n ?? 0) + 1 }));
                      setTab('query');
                    }}
                  >
                    Open in Query
                  </Button>
                )}
              </Group>
            )}
            {measurement === null && <Text c="dimmed">This bucket has no data yet.</Text>}
            {points.length > 0 && <PointsChart points={points} />}
            {points.length > 0 && (
              <Table striped aria-label="Points" fz="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>time (UTC)</Table.Th>
                    {tagKeys.map((k) => (
                      <Table.Th key={`t:${k}`}>{k}</Table.Th>
                    ))}
                    {fieldKeys.map((k) => (
                      <Table.Th key={`f:${k}`}>{k}</Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {points.map((p) => (
                    <Table.Tr key={`${p.series} ${p.time}`}>
                      <Table.Td ff="monospace">{isoNs(p.time)}</Table.Td>
                      {tagKeys.map((k) => (
                        <Table.Td key={`t:${k}`}>{p.tags.find((t) => t.key === k)?.value ?? ''}</Table.Td>
                      ))}
                      {fieldKeys.map((k) => {
                        const f = p.fields.find((x) => x.key === k);
                        return <Table.Td key={`f:${k}`}>{f === undefined ? '' : f.type === 'int' ? `${f.value}i` : f.type === 'uint' ? `${f.value}u` : String(f.value)}</Table.Td>;
                      })}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            {more && (
              <Button variant="light" onClick={() => load(points.length)}>
                Load older points
              </Button>
            )}
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="query">
          <Suspense fallback={<Loader size="sm" />}>
            <QueryPanel initial={handed} />
          </Suspense>
        </Tabs.Panel>
        <Tabs.Panel value="dbrps">
          <DbrpPanel />
        </Tabs.Panel>
        <Tabs.Panel value="tokens">
          <TokensPanel />
        </Tabs.Panel>
        <Tabs.Panel value="v1users">
          <V1UsersPanel />
        </Tabs.Panel>
        <Tabs.Panel value="settings">
          <EndpointSettingsPanel />
        </Tabs.Panel>
      </Tabs>
    </Drawer>
  );
}

/** Downloads a measurement's points in the range as a .lp file (serialized by the host with the engine's serializer). */
async function exportMeasurement(bucketId: string, measurement: string, range: { start?: string; stop?: string; series?: string }): Promise<void> {
  const r = await api.exportLineProtocol({ bucketId, measurement, ...range });
  const url = URL.createObjectURL(new Blob([r.text], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${measurement.replace(/[^A-Za-z0-9_.-]+/g, '_') || 'export'}.lp`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  if (r.truncated) window.alert(`Exported the first ${r.points.toLocaleString('en')} points (32 MiB); use "lpstudio export" for the rest.`);
}
