// DBRP mappings: which bucket a 1.x client's db and rp (/write?db=&rp=, /query) reach. Virtual
// mappings come from bucket names (bucket "db" is db/autogen) and go away with their bucket.
import { Badge, Button, Checkbox, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { api } from '../api/index.js';
import { ConfirmDelete, ErrorAlert, runChange, useLoad } from './AccessPanel.js';

export function DbrpPanel() {
  const list = useLoad(() => Promise.all([api.listDbrps({}), api.listBuckets({})]), [[], []] as [Awaited<ReturnType<typeof api.listDbrps>>, Awaited<ReturnType<typeof api.listBuckets>>]);
  const [mappings, buckets] = list.data;
  const [db, setDb] = useState('');
  const [rp, setRp] = useState('autogen');
  const [picked, setBucketId] = useState<string | null>(null);
  const bucketId = picked ?? buckets[0]?.id ?? null;
  const [isDefault, setIsDefault] = useState(false);
  const change = runChange(list.setError, list.reload);

  const create = async () => {
    if (bucketId === null) return;
    if (await change(() => api.createDbrp({ db: db.trim(), rp: rp.trim(), bucketId, default: isDefault }))) {
      setDb('');
      setIsDefault(false);
    }
  };

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        A 1.x client writes to a database and retention policy (/write?db=DB&amp;rp=RP); a mapping sends them to a bucket. Each bucket also maps its own name with rp
        autogen (virtual). A db without an rp goes to its default mapping.
      </Text>
      <ErrorAlert error={list.error} />
      <Table striped aria-label="DBRP mappings">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Database</Table.Th>
            <Table.Th>Retention policy</Table.Th>
            <Table.Th>Bucket</Table.Th>
            <Table.Th>Default</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {mappings.map((m) => (
            <Table.Tr key={`${m.id} ${m.db} ${m.rp}`}>
              <Table.Td>{m.db}</Table.Td>
              <Table.Td>{m.rp}</Table.Td>
              <Table.Td>{m.bucketName || `${m.bucketId} (deleted)`}</Table.Td>
              <Table.Td>{m.default ? 'yes' : ''}</Table.Td>
              <Table.Td>
                {m.virtual ? (
                  <Badge variant="light" color="gray" title="Implied by the bucket's name; it goes away with the bucket">
                    virtual
                  </Badge>
                ) : (
                  <ConfirmDelete what={`mapping ${m.db}/${m.rp}`} onConfirm={() => change(() => api.deleteDbrp({ id: m.id }))} />
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group align="flex-end" gap="xs">
        <TextInput label="Database" placeholder="e.g. telegraf" value={db} onChange={(e) => setDb(e.currentTarget.value)} w={180} />
        <TextInput label="Retention policy" value={rp} onChange={(e) => setRp(e.currentTarget.value)} w={160} />
        <Select label="Target bucket" placeholder="Pick a bucket" data={buckets.map((b) => ({ value: b.id, label: b.name }))} value={bucketId} onChange={setBucketId} w={200} />
        <Checkbox label="Default for this database" checked={isDefault} onChange={(e) => setIsDefault(e.currentTarget.checked)} mb={8} />
        <Button variant="light" disabled={db.trim() === '' || rp.trim() === '' || bucketId === null} onClick={() => void create()}>
          Create mapping
        </Button>
      </Group>
    </Stack>
  );
}
