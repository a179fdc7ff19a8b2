// API tokens of the endpoint: what each may write, create (its secret shown once) and delete.
// The endpoint stores only a hash, so a token cannot be shown again after its creation.
import { Badge, Button, Group, Paper, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useRef, useState } from 'react';
import { api } from '../api/index.js';
import { bucketLabel, ConfirmDelete, copyText, ErrorAlert, runChange, useLoad } from './AccessPanel.js';

const ALL = 'all';

export function TokensPanel() {
  const list = useLoad(() => Promise.all([api.listTokens({}), api.listBuckets({})]), [[], []] as [Awaited<ReturnType<typeof api.listTokens>>, Awaited<ReturnType<typeof api.listBuckets>>]);
  const [tokens, buckets] = list.data;
  const [description, setDescription] = useState('');
  const [write, setWrite] = useState<string | null>(ALL);
  const [created, setCreated] = useState<{ description: string; token: string }>();
  const [copied, setCopied] = useState<boolean | null>(null);
  const box = useRef<HTMLInputElement>(null);
  const change = runChange(list.setError, list.reload);

  const create = async () => {
    let t: { description: string; token: string } | undefined;
    if (await change(async () => (t = await api.createToken({ description: description.trim(), write: write ?? ALL })))) {
      setCreated(t);
      setCopied(null);
      setDescription('');
    }
  };
  const access = (grant: '*' | string[]) => (grant === '*' ? 'all buckets' : grant.length === 0 ? 'none' : grant.map((id) => bucketLabel(buckets, id)).join(', '));

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        Clients send a token as Authorization: Token … (or as the password of 1.x clients). An operator token (all buckets) also signs in here.
      </Text>
      <ErrorAlert error={list.error} />
      {created && (
        <Paper withBorder p="sm" role="region" aria-label="Token created">
          <Stack gap="xs">
            <Text size="sm" fw={500}>
              Token "{created.description}" created. Copy it now: it will not be shown again (the endpoint keeps only a hash of it).
            </Text>
            <Group align="flex-end" gap="xs">
              <TextInput ref={box} label="New token" value={created.token} readOnly styles={{ input: { fontFamily: 'monospace' } }} style={{ flex: 1 }} onFocus={(e) => e.currentTarget.select()} />
              <Button variant="light" onClick={() => void copyText(created.token, box.current).then(setCopied)}>
                Copy
              </Button>
              <Button variant="default" onClick={() => setCreated(undefined)}>
                Done
              </Button>
            </Group>
            {copied === true && <Text size="sm">Copied to the clipboard.</Text>}
            {copied === false && <Text size="sm">Select the text and copy it (no clipboard access here).</Text>}
          </Stack>
        </Paper>
      )}
      <Table striped aria-label="Tokens">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Description</Table.Th>
            <Table.Th>Write</Table.Th>
            <Table.Th>Read</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tokens.map((t) => (
            <Table.Tr key={t.id}>
              <Table.Td>{t.description}</Table.Td>
              <Table.Td>{access(t.write)}</Table.Td>
              <Table.Td>{access(t.read)}</Table.Td>
              <Table.Td>
                {t.app ? (
                  <Badge variant="light" color="gray" title="The app writes with this token while lpstudio serve runs; a new one replaces it at every start">
                    the app's own
                  </Badge>
                ) : (
                  <ConfirmDelete what={`token ${t.description}`} onConfirm={() => change(() => api.deleteToken({ id: t.id }))} />
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group align="flex-end" gap="xs">
        <TextInput label="Description" placeholder="e.g. telegraf on host-1" value={description} onChange={(e) => setDescription(e.currentTarget.value)} w={260} />
        <Select
          label="Write access"
          data={[{ value: ALL, label: 'All buckets (operator)' }, ...buckets.map((b) => ({ value: b.id, label: `Bucket ${b.name}` }))]}
          value={write}
          onChange={setWrite}
          allowDeselect={false}
          w={240}
        />
        <Button variant="light" disabled={description.trim() === ''} onClick={() => void create()}>
          Create token
        </Button>
      </Group>
    </Stack>
  );
}
