// How the endpoint runs. The body limit and bucket auto-creation change at once ("Apply now", until
// the endpoint restarts); host and port need a restart, so the panel builds that command line
// (which also keeps the other two) rather than restarting anything.
import { Button, Checkbox, Code, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { EndpointSettings } from '../../app/contract.js';
import { api, mode } from '../api/index.js';
import { copyText, ErrorAlert, useLoad } from './AccessPanel.js';

/** A word as a POSIX shell reads it back unchanged. */
function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function serveCommand(s: Pick<EndpointSettings, 'host' | 'port' | 'maxBodyBytes' | 'autoCreateBuckets' | 'dataDir'>): string {
  const words = ['lpstudio', 'serve', '--host', s.host, '--port', String(s.port), '--max-body', String(s.maxBodyBytes)];
  if (s.autoCreateBuckets) words.push('--auto-create-buckets');
  words.push('--data', s.dataDir);
  return words.map(shellWord).join(' ');
}

export function EndpointSettingsPanel() {
  const loaded = useLoad(() => api.endpointSettings({}), null as EndpointSettings | null);
  const s = loaded.data;
  const [host, setHost] = useState('');
  const [port, setPort] = useState('');
  const [maxBody, setMaxBody] = useState('');
  const [autoCreate, setAutoCreate] = useState(false);
  const [copied, setCopied] = useState<boolean | null>(null);
  const [applied, setApplied] = useState<EndpointSettings | null>(null);
  const [applyError, setApplyError] = useState<string>();
  useEffect(() => {
    if (s === null) return;
    setHost(s.host);
    setPort(String(s.port));
    setMaxBody(String(s.maxBodyBytes));
    setAutoCreate(s.autoCreateBuckets);
  }, [s]);
  if (s === null) return <ErrorAlert error={loaded.error} />;
  const current = applied ?? s;
  const maxBodyValue = Number(maxBody);
  const maxBodyOk = /^\d+$/.test(maxBody.trim()) && maxBodyValue >= 1024 && maxBodyValue < 2 ** 31;
  const apply = () =>
    api
      .updateEndpointSettings({ maxBodyBytes: maxBodyValue, autoCreateBuckets: autoCreate })
      .then((r) => {
        setApplied(r);
        setApplyError(undefined);
      })
      .catch((e: Error) => setApplyError(e.message));

  const command = serveCommand({ host: host.trim() || s.host, port: Number(port) || s.port, maxBodyBytes: Number(maxBody) || s.maxBodyBytes, autoCreateBuckets: autoCreate, dataDir: s.dataDir });
  const rows: [string, string][] = [
    ['Host', s.host],
    ['Port', String(s.port)],
    ['Largest request body', `${current.maxBodyBytes.toLocaleString('en')} bytes`],
    ['Auto-create buckets on write', current.autoCreateBuckets ? 'yes' : 'no'],
    ['Data directory', s.dataDir],
  ];
  return (
    <Stack>
      <ErrorAlert error={loaded.error} />
      <Table aria-label="Endpoint settings" maw={720}>
        <Table.Tbody>
          {rows.map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Th w={260}>{k}</Table.Th>
              <Table.Td ff="monospace">{v}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {mode === 'desktop' ? (
        <Text size="sm">
          The body limit and auto-creation apply at once with Apply now, until the endpoint restarts. For another host or port, quit the app (or stop the endpoint from the
          tray) and start it standalone with the command below: the data directory is the same, so buckets, tokens and mappings are kept.
        </Text>
      ) : (
        <Text size="sm">
          These are flags of lpstudio serve. The body limit and auto-creation apply at once with Apply now, until the server restarts; to keep them, or for another host or
          port, start it again with the command below (the data directory stays the same, so buckets, tokens and mappings are kept).
        </Text>
      )}
      <Group align="flex-end" gap="xs">
        <TextInput label="New host" value={host} onChange={(e) => setHost(e.currentTarget.value)} w={160} />
        <TextInput label="New port" value={port} onChange={(e) => setPort(e.currentTarget.value)} w={100} />
        <TextInput label="New max body (bytes)" value={maxBody} onChange={(e) => setMaxBody(e.currentTarget.value)} w={180} error={maxBodyOk ? undefined : '1024 bytes to 2 GiB'} />
        <Checkbox label="Auto-create buckets" checked={autoCreate} onChange={(e) => setAutoCreate(e.currentTarget.checked)} mb={8} />
        <Button variant="light" onClick={() => void apply()} disabled={!maxBodyOk} title="The body limit and auto-creation apply at once; host and port need a restart">
          Apply now
        </Button>
      </Group>
      <ErrorAlert error={applyError} />
      {applied && (
        <Text size="sm" role="status">
          Applied: the endpoint takes bodies up to {applied.maxBodyBytes.toLocaleString('en')} bytes and {applied.autoCreateBuckets ? 'creates' : 'does not create'} buckets on write,
          until it restarts. Start it with the command below to keep that.
        </Text>
      )}
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <Code block aria-label="Command line" style={{ flex: 1 }}>
          {command}
        </Code>
        <Button variant="light" onClick={() => void copyText(command, null).then(setCopied)}>
          Copy
        </Button>
      </Group>
      {copied === true && <Text size="sm">Copied to the clipboard.</Text>}
      {copied === false && <Text size="sm">Select the command and copy it (no clipboard access here).</Text>}
    </Stack>
  );
}
