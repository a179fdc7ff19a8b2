// Add or edit a connection to a remote InfluxDB. The secret is write-only: the UI learns only
// whether one is set. Where secrets would not be protected, it says so and asks first. A stored
// secret belongs to its URL's origin: when the URL moves to another scheme, host or port, the
// host drops it (app/secret-origin.ts), and the dialog asks for it again.
import { Alert, Button, Checkbox, Group, Modal, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { AppInfo, Profile, ProfileInput } from '../../app/contract.js';
import { originOf, secretStaysWith } from '../../app/secret-origin.js';
import { api } from '../api/index.js';
import { PRECISION_OPTIONS } from './precision.js';

const KINDS = [
  { value: 'influxdb1', label: 'InfluxDB 1.x (/write)' },
  { value: 'influxdb2', label: 'InfluxDB 2.x (/api/v2/write)' },
  { value: 'cloud', label: 'InfluxDB Cloud (/api/v2/write)' },
  { value: 'influxdb3', label: 'InfluxDB 3 (/api/v3/write_lp)' },
  { value: 'endpoint', label: 'Another Line Protocol Studio endpoint (/write)' },
];
/** InfluxDB 3 takes a token (its clients send `Authorization: Bearer`), or none when started without auth. */
const AUTHS_V3 = [
  { value: 'token', label: 'Token (Authorization: Bearer)' },
  { value: 'none', label: 'None' },
];
const AUTHS = [
  { value: 'token', label: 'Token (Authorization: Token)' },
  { value: 'basic', label: 'Username and password (Basic)' },
  { value: 'query', label: 'Username and password in the query (u, p)' },
  { value: 'none', label: 'None' },
];

export function ConnectionModal(props: { opened: boolean; profile?: Profile; info?: AppInfo; onClose: () => void; onSaved: (p: Profile) => void }) {
  const blank: ProfileInput = { id: '', name: '', url: 'http://localhost:8086', kind: 'influxdb2', precision: 'ns', auth: 'token' };
  const [p, setP] = useState<ProfileInput>(blank);
  const [secret, setSecret] = useState('');
  const [allow, setAllow] = useState(false);
  const [removeSecret, setRemoveSecret] = useState(false);
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!props.opened) return;
    const { hasSecret: _h, builtin: _b, ...rest } = props.profile ?? { ...blank, hasSecret: false, builtin: false };
    setP(rest);
    setSecret('');
    setAllow(false);
    setRemoveSecret(false);
    setError(undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.opened, props.profile]);
  const v2 = p.kind === 'influxdb2' || p.kind === 'cloud';
  const v3 = p.kind === 'influxdb3';
  const unprotected = props.info && !props.info.secrets.protected;
  // The stored secret stays only while the URL keeps its origin.
  const movedAway = props.profile?.hasSecret === true && p.auth !== 'none' && !secretStaysWith(props.profile.url, p.url);
  const secretWord = p.auth === 'token' ? 'token' : 'password';
  const set = (k: keyof ProfileInput) => (v: string | null) => setP((x) => ({ ...x, [k]: v ?? undefined }));
  const save = async () => {
    if (unprotected && secret !== '' && !removeSecret && !allow) {
      setError('Tick "Store it anyway" to save this secret unprotected, or leave the secret empty.');
      return;
    }
    try {
      const id = p.id || `${p.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'target'}-${Date.now().toString(36)}`;
      const saved = await api.saveProfile({ ...p, id, secret: removeSecret ? '' : secret === '' ? undefined : secret, allowUnprotected: allow });
      props.onSaved(saved);
    } catch (e) {
      const err = e as Error & { code?: string };
      setError(err.code === 'unprotected' ? `${err.message} Tick "Store it anyway" to save it like that.` : err.message);
    }
  };
  return (
    <Modal opened={props.opened} onClose={props.onClose} title="Connection" size="lg">
      <Stack>
        <TextInput label="Name" value={p.name} onChange={(e) => set('name')(e.currentTarget.value)} required />
        <TextInput label="URL" value={p.url} onChange={(e) => set('url')(e.currentTarget.value)} required />
        <Select label="Kind" data={KINDS} value={p.kind} onChange={(v) => v && set('kind')(v)} allowDeselect={false} />
        {v2 ? (
          <Group grow>
            <TextInput label="Organization" value={p.org ?? ''} onChange={(e) => set('org')(e.currentTarget.value)} />
            <TextInput label="Bucket" value={p.bucket ?? ''} onChange={(e) => set('bucket')(e.currentTarget.value)} />
          </Group>
        ) : v3 ? (
          <TextInput label="Database" description="InfluxDB 3 creates it on the first write" value={p.db ?? ''} onChange={(e) => set('db')(e.currentTarget.value)} />
        ) : (
          <Group grow>
            <TextInput label="Database" value={p.db ?? ''} onChange={(e) => set('db')(e.currentTarget.value)} />
            <TextInput label="Retention policy" value={p.rp ?? ''} onChange={(e) => set('rp')(e.currentTarget.value)} />
          </Group>
        )}
        <Select label="Default precision" data={PRECISION_OPTIONS(v2 || v3)} value={p.precision} onChange={(v) => v && set('precision')(v)} allowDeselect={false} />
        <Select label="Authentication method" data={v3 ? AUTHS_V3 : AUTHS} value={p.auth} onChange={(v) => v && set('auth')(v)} allowDeselect={false} />
        {(p.auth === 'basic' || p.auth === 'query') && <TextInput label="Username" value={p.username ?? ''} onChange={(e) => set('username')(e.currentTarget.value)} />}
        {p.auth !== 'none' && (
          <PasswordInput
            label="Secret"
            description={`${p.auth === 'token' ? 'The API token' : 'The password'}. ${
              movedAway ? `Enter it again for ${originOf(p.url) ?? 'the new URL'}.` : props.profile?.hasSecret ? 'A secret is set: leave this empty to keep it.' : 'No secret is set.'
            }`}
            value={secret}
            onChange={(e) => setSecret(e.currentTarget.value)}
            disabled={removeSecret}
            required={movedAway}
            error={movedAway && secret === '' ? `The stored ${secretWord} is not sent to another server: enter it again` : undefined}
          />
        )}
        {movedAway && (
          <Alert color="yellow" title={`Enter the ${secretWord} again`}>
            The stored {secretWord} was given for {originOf(props.profile!.url)}. This URL points to {originOf(p.url) ?? 'another server'}, so saving drops the stored{' '}
            {secretWord}; it is never sent to a server it was not given for.
          </Alert>
        )}
        {props.profile?.hasSecret && !movedAway && (
          <Checkbox label="Remove the stored secret" checked={removeSecret} onChange={(e) => setRemoveSecret(e.currentTarget.checked)} />
        )}
        {unprotected && secret !== '' && !removeSecret && (
          <Alert color="orange" title="This secret would not be protected">
            {props.info!.secrets.reason}
            <Checkbox mt="xs" label="Store it anyway" checked={allow} onChange={(e) => {
                setAllow(e.currentTarget.checked);
                setError(undefined);
              }} />
          </Alert>
        )}
        {error && <Alert color="red">{error}</Alert>}
        <Group justify="flex-end">
          {props.profile && !props.profile.builtin && (
            <Button
              color="red"
              variant="subtle"
              onClick={() =>
                void api
                  .deleteProfile({ id: props.profile!.id })
                  .then(() => props.onClose())
                  .catch((e: Error) => setError(e.message))
              }
            >
              Delete
            </Button>
          )}
          <Button onClick={() => void save()}>Save connection</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
