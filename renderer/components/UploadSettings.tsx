// Where a file upload goes, chosen in the upload dialog (target, database or bucket, precision),
// and the file's problems grouped by kind with a count and, where the fix is exact, "fix all".
import { Autocomplete, Badge, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { AuthMethod, Precision, Profile, ProfileKind, ProblemGroup, SendRequest } from '../../app/contract.js';
import { PRECISION_LABELS } from '../../lineprotocol/precision.js';
import { targetProfile } from '../../lineprotocol/target.js';
import { api } from '../api/index.js';
import { PRECISION_OPTIONS } from './precision.js';

export interface UploadChoice {
  profileId: string;
  db: string;
  rp: string;
  org: string;
  bucket: string;
  precision: Precision;
  auth?: AuthMethod;
}

/** The dialog starts from the composer's request. */
export function choiceOf(r: Omit<SendRequest, 'body'>): UploadChoice {
  return { profileId: r.profileId, db: r.db ?? '', rp: r.rp ?? '', org: r.org ?? '', bucket: r.bucket ?? '', precision: r.precision, auth: r.auth };
}

const usesV2 = (kind: ProfileKind) => kind === 'influxdb2' || kind === 'cloud';

/** What a choice means: the target's kind and rules, the request to start, the line that names it. */
export function choiceTarget(c: UploadChoice, profiles: readonly Profile[]) {
  const profile = profiles.find((p) => p.id === c.profileId);
  const kind: ProfileKind = profile?.kind ?? 'endpoint';
  const v2 = usesV2(kind);
  const request: Omit<SendRequest, 'body'> = { profileId: c.profileId, precision: c.precision, auth: c.auth, ...(v2 ? { org: c.org, bucket: c.bucket } : { db: c.db, rp: c.rp || undefined }) };
  const where = v2 ? `org ${c.org || '?'} · bucket ${c.bucket || '?'}` : `database ${c.db || '?'}${c.rp ? ` · retention policy ${c.rp}` : ''}`;
  return {
    kind,
    dialect: (kind === 'influxdb1' ? 'influxdb1' : 'influxdb2') as 'influxdb1' | 'influxdb2',
    precisions: targetProfile(kind).precisions,
    request,
    label: `${profile?.name ?? c.profileId} · ${where} · precision ${c.precision}`,
  };
}

export function UploadSettings(props: { choice: UploadChoice; profiles: readonly Profile[]; onChange: (c: UploadChoice) => void }) {
  const c = props.choice;
  const t = choiceTarget(c, props.profiles);
  const v2 = usesV2(t.kind);
  // The target's databases (or buckets), best effort, as the composer suggests them.
  const [names, setNames] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    setNames([]);
    api
      .suggestDatabases({ profileId: c.profileId })
      .then((r) => live && setNames(r.databases.map((d) => d.db)))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [c.profileId]);
  const pickTarget = (id: string) => {
    const p = props.profiles.find((x) => x.id === id);
    if (p === undefined) return;
    const allowed = targetProfile(p.kind).precisions;
    const precision = allowed.includes(c.precision) ? c.precision : allowed.includes(p.precision) ? p.precision : 'ns';
    // Another target brings its own database and auth defaults.
    props.onChange({ profileId: id, db: p.db ?? '', rp: p.rp ?? '', org: p.org ?? '', bucket: p.bucket ?? '', precision });
  };
  return (
    <Group align="flex-end" gap="sm" role="group" aria-label="Upload settings">
      <Select label="Upload to" data={props.profiles.map((p) => ({ value: p.id, label: p.name }))} value={c.profileId} onChange={(v) => v && pickTarget(v)} allowDeselect={false} w={220} />
      {v2 ? (
        <>
          <TextInput label="Organization" value={c.org} onChange={(e) => props.onChange({ ...c, org: e.currentTarget.value })} w={160} />
          <Autocomplete label="Bucket" value={c.bucket} onChange={(bucket) => props.onChange({ ...c, bucket })} data={names} w={160} />
        </>
      ) : (
        <>
          <Autocomplete label="Database" value={c.db} onChange={(db) => props.onChange({ ...c, db })} data={names} w={160} />
          <TextInput label="Retention policy" value={c.rp} placeholder="default" onChange={(e) => props.onChange({ ...c, rp: e.currentTarget.value })} w={140} />
        </>
      )}
      <Select
        label="Precision"
        data={PRECISION_OPTIONS(v2)}
        value={c.precision}
        onChange={(v) => v && props.onChange({ ...c, precision: v as Precision })}
        allowDeselect={false}
        w={190}
      />
    </Group>
  );
}

/** A group's name: what kind of problem, in a few words. */
function kindOf(g: ProblemGroup): string {
  if (g.code === 'precision-mismatch' && g.precision !== undefined) return `timestamp looks like ${PRECISION_LABELS[g.precision]}`;
  return g.message;
}

export function ProblemGroups(props: { groups: readonly ProblemGroup[]; precisions: readonly Precision[]; onPrecision: (p: Precision) => void }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        Problems by kind
      </Text>
      <ul aria-label="Problems by kind" className="lp-problem-list">
        {props.groups.map((g) => (
          <li key={`${g.severity}|${g.code}|${g.precision ?? ''}`}>
            <Group gap="xs" wrap="nowrap">
              <Badge color={g.severity === 'error' ? 'red' : 'orange'} variant="light">
                {g.severity} ×{g.count.toLocaleString('en')}
              </Badge>
              <Text size="sm">
                {kindOf(g)} (first on line {g.firstLine.toLocaleString('en')})
              </Text>
              {/* Exact: every timestamp of the group lands in 1980–2200 with that unit. */}
              {g.precision !== undefined && props.precisions.includes(g.precision) && (
                <Button size="compact-sm" variant="light" onClick={() => props.onPrecision(g.precision!)}>
                  Fix all: set precision to {g.precision}
                </Button>
              )}
            </Group>
          </li>
        ))}
      </ul>
    </Stack>
  );
}
