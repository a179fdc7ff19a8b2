// Files come in two ways: dropped anywhere on the window, or picked with the "Upload file" button
// (keyboard reachable, Ctrl+U). Only line-protocol files (.lp, .txt, .gz) are taken; anything else gets a
// sentence saying what to drop instead. A text file of at most 10 MB dropped on the editor opens
// as a document instead (see opensAsDocument); a bigger one, or a drop elsewhere, goes to the upload.
import { Button } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { FILE_TYPES } from '../../app/contract.js';
import { MAX_OPEN_BYTES } from '../../app/document-text.js';

type OnFile = (file: File | null, why?: string) => void;

function pick(files: FileList | null | undefined, onFile: OnFile): void {
  if (!files || files.length === 0) return;
  if (files.length > 1) return onFile(null, 'drop one file at a time');
  const f = files[0];
  if (!FILE_TYPES.test(f.name)) return onFile(null, `"${f.name}" is not a line-protocol file: drop a .lp, .txt or .gz file`);
  onFile(f);
}

const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') === true;

/** A .lp or .txt file of at most 10 MB opens in the editor as a document; others are uploaded. */
export function opensAsDocument(f: { name: string; size: number }): boolean {
  return /\.(lp|txt)$/i.test(f.name) && f.size <= MAX_OPEN_BYTES;
}

/** Where a drop opens a document: the editor (its element carries this class). */
const EDITOR_DROP_ZONE = '.lp-editor';

/** Listens on the whole window; shows where to drop while a file is dragged over it. */
export function FileDropOverlay(props: {
  onFile: OnFile;
  /** A file dropped on the editor that opens as a document. */
  onOpen?: (file: File) => void;
  /** Why a drop is not taken now (shown while dragging). */ busy?: string;
}) {
  const onOpen = useRef(props.onOpen);
  onOpen.current = props.onOpen;
  const [over, setOver] = useState(false);
  const onFile = useRef(props.onFile);
  onFile.current = props.onFile;
  const busy = useRef(props.busy);
  busy.current = props.busy;
  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth++;
      setOver(true);
    };
    const overFn = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault(); // allows the drop (else the browser opens the file)
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setOver(false);
      const files = e.dataTransfer?.files;
      const onEditor = e.target instanceof Element && e.target.closest(EDITOR_DROP_ZONE) !== null;
      if (onEditor && onOpen.current && files?.length === 1 && opensAsDocument(files[0])) return onOpen.current(files[0]);
      if (busy.current === undefined) pick(files, onFile.current);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', overFn);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', overFn);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);
  return over ? <div className="lp-drop-overlay">{props.busy ?? 'Drop a .lp, .txt or .gz file to upload it, or on the editor to open it (up to 10 MB)'}</div> : null;
}

/** The "Upload file" button; Ctrl+U (Cmd+U) opens the same picker unless a dialog is open. */
export function FilePickButton(props: { onFile: OnFile; modKey: string; disabled?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  const disabled = useRef(props.disabled);
  disabled.current = props.disabled;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key.toLowerCase() !== 'u' || !(e.ctrlKey || e.metaKey) || e.shiftKey || e.altKey || e.defaultPrevented || disabled.current) return;
      e.preventDefault(); // not the browser's own "view source"
      e.stopPropagation(); // nor the editor's "undo selection"
      input.current?.click();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
  return (
    <>
      <input
        ref={input}
        type="file"
        accept=".lp,.txt,.gz"
        aria-label="Line-protocol file"
        hidden
        onChange={(e) => {
          pick(e.currentTarget.files, props.onFile);
          e.currentTarget.value = ''; // the same file can be picked again
        }}
      />
      <Button variant="default" onClick={() => input.current?.click()} title={`Upload a .lp, .txt or .gz file (${props.modKey}+U), or drop one anywhere`}>
        Upload file
      </Button>
    </>
  );
}
