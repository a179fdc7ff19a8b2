// "Convert timestamps…" and "Fill missing timestamps…": what to rewrite and how, then one
// undoable change in the editor (app/timestamps.ts does the arithmetic).
import { Alert, Button, Group, Modal, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Precision } from '../../app/contract.js';
import { parseDuration } from '../../app/placeholders.js';
import { convertTimestamps, fillTimestamps, nowIn } from '../../app/timestamps.js';
import { UNIT_NS } from '../../lineprotocol/precision.js';
import { PRECISION_OPTIONS } from '../components/precision.js';
import type { EditorHandle } from '../editor/Editor.js';

type Scope = 'selection' | 'document';
const plural = (n: number, one: string) => `${n.toLocaleString('en')} ${one}${n === 1 ? '' : 's'}`;

export function ConvertTimestampsModal(props: { opened: boolean; editor: EditorHandle | null; precision: Precision; onClose: () => void; onDone: (sentence: string) => void }) {
  const [from, setFrom] = useState<Precision>('ms');
  const [to, setTo] = useState<Precision>(props.precision);
  const [scope, setScope] = useState<Scope>('document');
  const [error, setError] = useState<string>();
  const hasSelection = (() => {
    const s = props.editor?.selection();
    return s !== undefined && s.to > s.from;
  })();
  useEffect(() => {
    if (!props.opened) return;
    setTo(props.precision);
    setFrom(props.precision === 'ms' ? 's' : 'ms');
    setScope(hasSelection ? 'selection' : 'document');
    setError(undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.opened]);
  const apply = () => {
    const e = props.editor;
    if (!e) return;
    const r = convertTimestamps(e.text(), from, to, scope === 'selection' ? e.selection() : undefined);
    if (r.edits.length === 0 && r.refused.length > 0) return setError(`Nothing converted: line ${r.refused[0].line}: ${r.refused[0].reason}`);
    if (r.edits.length > 0) e.change(r.edits, 'input.convert');
    const notes = [
      r.lossy > 0 ? `${plural(r.lossy, 'timestamp')} rounded down to ${to}` : '',
      r.refused.length > 0 ? `${plural(r.refused.length, 'timestamp')} left as they were (first: line ${r.refused[0].line}: ${r.refused[0].reason})` : '',
      r.untimed > 0 ? `${plural(r.untimed, 'line')} without a timestamp` : '',
    ].filter(Boolean);
    props.onDone(`Converted ${plural(r.converted, 'timestamp')} from ${from} to ${to}${notes.length ? `; ${notes.join('; ')}` : ''}.`);
    props.onClose();
  };
  return (
    <Modal opened={props.opened} onClose={props.onClose} title="Convert timestamps" centered>
      <Stack gap="sm">
        <Group grow>
          <Select label="From" data={PRECISION_OPTIONS(false)} value={from} onChange={(v) => v && setFrom(v as Precision)} allowDeselect={false} />
          <Select label="To" data={PRECISION_OPTIONS(false)} value={to} onChange={(v) => v && setTo(v as Precision)} allowDeselect={false} />
        </Group>
        <SegmentedControl
          aria-label="Which timestamps"
          value={scope}
          onChange={(v) => setScope(v as Scope)}
          data={[
            { value: 'selection', label: 'Selection', disabled: !hasSelection },
            { value: 'document', label: 'Whole document' },
          ]}
        />
        <Text size="xs" c="dimmed">
          Every timestamp is rewritten exactly; going to a coarser unit rounds down. Undo (Ctrl+Z) takes it back.
        </Text>
        {error && <Alert color="red">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            Cancel
          </Button>
          <Button onClick={apply}>Convert</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function FillTimestampsModal(props: { opened: boolean; editor: EditorHandle | null; precision: Precision; onClose: () => void; onDone: (sentence: string) => void }) {
  const [start, setStart] = useState('');
  const [interval, setIntervalText] = useState('1s');
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!props.opened) return;
    setStart(new Date(Math.floor(Date.now() / 1000) * 1000).toISOString());
    setError(undefined);
  }, [props.opened]);
  const apply = () => {
    const e = props.editor;
    if (!e) return;
    const ms = Date.parse(start);
    if (Number.isNaN(ms)) return setError(`"${start}" is not a date: write it like 2026-01-31T12:00:00Z`);
    const step = parseDuration(interval.trim());
    if (step === undefined) return setError(`"${interval}" is not an interval: write it like 10s, 500ms, 1m or 1h`);
    const unit = UNIT_NS[props.precision];
    if (step % unit !== 0n) return setError(`${interval} is not a whole number of ${props.precision}: choose a multiple of 1${props.precision}`);
    const sel = e.selection();
    const r = fillTimestamps(e.text(), BigInt(nowIn(props.precision, ms)), step / unit, sel.to > sel.from ? sel : undefined);
    if (r.edits.length > 0) e.change(r.edits, 'input.fill');
    props.onDone(`Filled ${plural(r.filled, 'missing timestamp')} from ${start} every ${interval}.`);
    props.onClose();
  };
  return (
    <Modal opened={props.opened} onClose={props.onClose} title="Fill missing timestamps" centered>
      <Stack gap="sm">
        <TextInput label="Start (UTC)" value={start} onChange={(ev) => setStart(ev.currentTarget.value)} />
        <TextInput label="Interval" value={interval} onChange={(ev) => setIntervalText(ev.currentTarget.value)} description={`Each line without a timestamp gets the next one, in the document's precision (${props.precision}).`} />
        {error && <Alert color="red">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            Cancel
          </Button>
          <Button onClick={apply}>Fill</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
