// How `lpstudio serve` runs: its flags, read-only here. Changing one means starting the server
// again with other flags, so the panel builds that command line rather than restarting anything.
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
  useEffect(() => {
    if (s === null) return;
    setHost(s.host);
    setPort(String(s.port));
    setMaxBody(String(s.maxBodyBytes));
    setAutoCreate(s.autoCreateBuckets);
  }, [s]);
  if (s === null) return <ErrorAlert error={loaded.error} />;

  const command = serveCommand({ host: host.trim() || s.host, port: Number(port) || s.port, maxBodyBytes: Number(maxBody) || s.maxBodyBytes, autoCreateBuckets: autoCreate, dataDir: s.dataDir });
  const rows: [string, string][] = [
    ['Host', s.host],
    ['Port', String(s.port)],
    ['Largest request body', `${s.maxBodyBytes.toLocaleString('en')} bytes`],
    ['Auto-create buckets on write', s.autoCreateBuckets ? 'yes' : 'no'],
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
          The desktop app runs its endpoint with these settings; changing them here is not possible yet. To run the same endpoint with other settings, quit the app (or stop the
          endpoint from the tray) and start it standalone with the command below: the data directory is the same, so buckets, tokens and mappings are kept.
        </Text>
      ) : (
        <Text size="sm">
          These are flags of lpstudio serve. To change one, stop the server and start it again with the command below (the data directory stays the same, so buckets, tokens and
          mappings are kept).
        </Text>
      )}
      <Group align="flex-end" gap="xs">
        <TextInput label="New host" value={host} onChange={(e) => setHost(e.currentTarget.value)} w={160} />
        <TextInput label="New port" value={port} onChange={(e) => setPort(e.currentTarget.value)} w={100} />
        <TextInput label="New max body (bytes)" value={maxBody} onChange={(e) => setMaxBody(e.currentTarget.value)} w={180} />
        <Checkbox label="Auto-create buckets" checked={autoCreate} onChange={(e) => setAutoCreate(e.currentTarget.checked)} mb={8} />
      </Group>
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
