// v1 users (InfluxDB's v1 authorizations): a username and password for 1.x clients, sent as
// ?u=&p= or Basic auth, with write access to one bucket. Passwords are stored hashed.
import { Button, Group, PasswordInput, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { api } from '../api/index.js';
import { ConfirmDelete, ErrorAlert, runChange, useLoad } from './AccessPanel.js';

export function V1UsersPanel() {
  const list = useLoad(() => Promise.all([api.listV1Users({}), api.listBuckets({})]), [[], []] as [Awaited<ReturnType<typeof api.listV1Users>>, Awaited<ReturnType<typeof api.listBuckets>>]);
  const [users, buckets] = list.data;
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [picked, setPicked] = useState<string | null>(null);
  const writeBucketId = picked ?? buckets[0]?.id ?? null;
  const change = runChange(list.setError, list.reload);

  const create = async () => {
    if (writeBucketId === null) return;
    if (await change(() => api.createV1User({ username: username.trim(), password, writeBucketId }))) {
      setUsername('');
      setPassword('');
    }
  };
  const names = (refs: { id: string; name?: string }[]) => refs.map((r) => r.name ?? `${r.id} (deleted)`).join(', ');

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        1.x clients sign in with a username and password (/write?db=DB&amp;u=USER&amp;p=PASSWORD, or Basic auth). The db must map to a bucket the user may write.
      </Text>
      <ErrorAlert error={list.error} />
      <Table striped aria-label="v1 users">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Username</Table.Th>
            <Table.Th>Write</Table.Th>
            <Table.Th>Read</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((u) => (
            <Table.Tr key={u.id}>
              <Table.Td>{u.username}</Table.Td>
              <Table.Td>{names(u.write)}</Table.Td>
              <Table.Td>{names(u.read)}</Table.Td>
              <Table.Td>
                <ConfirmDelete what={`v1 user ${u.username}`} onConfirm={() => change(() => api.deleteV1User({ id: u.id }))} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group align="flex-end" gap="xs">
        <TextInput label="Username" value={username} onChange={(e) => setUsername(e.currentTarget.value)} w={180} />
        <PasswordInput label="Password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} w={200} />
        <Select label="Write bucket" data={buckets.map((b) => ({ value: b.id, label: b.name }))} value={writeBucketId} onChange={setPicked} allowDeselect={false} w={200} />
        <Button variant="light" disabled={username.trim() === '' || password === '' || writeBucketId === null} onClick={() => void create()}>
          Create v1 user
        </Button>
      </Group>
    </Stack>
  );
}
