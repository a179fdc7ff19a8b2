// A 404 "no dbrp mapping found" from this app's endpoint, answered where it happened: create the
// bucket by that name, or map the name to a bucket that exists; then the user sends again.
import { Alert, Button, Group, Select, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { api } from '../api/index.js';
import { bucketNameFor, type MissingDatabase } from './target-choice.js';

export function MissingDatabaseOffer(props: { missing: MissingDatabase; onCreated: (what: string) => void; onClose: () => void }) {
  const m = props.missing;
  const bucketName = bucketNameFor(m);
  const [buckets, setBuckets] = useState<{ id: string; name: string }[]>([]);
  const [target, setTarget] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  useEffect(() => {
    setDone(undefined);
    setError(undefined);
    api
      .listBuckets({})
      .then((b) => setBuckets(b.filter((x) => !x.name.startsWith('_'))))
      .catch(() => setBuckets([]));
  }, [m.db, m.rp]);
  const run = async (what: string, call: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await call();
      setDone(what);
      props.onCreated(what);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const where = `database "${m.db}"${m.rp === '' ? '' : ` with retention policy "${m.rp}"`}`;
  // The region wraps the Alert: Mantine names an Alert by its title, which changes once done.
  return (
    <div role="region" aria-label="Missing database">
      <Alert color={done ? 'green' : 'orange'} withCloseButton onClose={props.onClose} title={done ? `${done}: send again` : `This endpoint has no ${where}`}>
        {done ? (
          <Text size="sm">Writes to {where} go there now.</Text>
        ) : (
          <Stack gap="xs">
            <Text size="sm">It answered 404 "no dbrp mapping found". Create it here, then send again.</Text>
            {m.hint && (
              <Text size="xs" c="dimmed">
                The endpoint's hint: {m.hint}
              </Text>
            )}
            <Group gap="xs" align="flex-end">
              <Button size="xs" loading={busy} onClick={() => void run(`Created bucket "${bucketName}"`, () => api.createBucket({ name: bucketName }))}>
                Create bucket "{bucketName}"
              </Button>
              {buckets.length > 0 && (
                <>
                  <Text size="sm">or map it to</Text>
                  <Select size="xs" aria-label="Existing bucket" placeholder="an existing bucket" data={buckets.map((b) => ({ value: b.id, label: b.name }))} value={target} onChange={setTarget} w={180} />
                  <Button
                    size="xs"
                    variant="light"
                    disabled={target === null || busy}
                    onClick={() =>
                      void run(`Mapped "${m.db}" to bucket "${buckets.find((b) => b.id === target)?.name ?? ''}"`, () =>
                        api.createDbrp({ db: m.db, rp: m.rp === '' ? 'autogen' : m.rp, bucketId: target!, default: m.rp === '' || m.rp === 'autogen' }),
                      )
                    }
                  >
                    Create mapping
                  </Button>
                </>
              )}
            </Group>
            {error && (
              <Text size="sm" c="red" role="alert">
                {error}
              </Text>
            )}
          </Stack>
        )}
      </Alert>
    </div>
  );
}
