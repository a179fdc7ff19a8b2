// Types of bench/crash-load.js (plain JS so that the benches run it without a build).
import type { ChildProcess } from 'node:child_process';

export const root: string;
export const CRASH_TOKEN: string;
export const LINES_PER_BATCH: number;
export interface Serving {
  proc: ChildProcess;
  url: string;
  pid: number;
  stderr(): string;
}
export function startServe(dataDir: string, o?: { token?: string; env?: Record<string, string> }): Promise<Serving>;
export function stopped(proc: ChildProcess): Promise<void>;
export function batchBody(b: number, lines?: number): string;
export function expectedRows(b: number, lines?: number): string[];
export function load(
  url: string,
  o: {
    firstBatch: number;
    acked: Set<number>;
    attempted: Set<number>;
    stop: () => boolean;
    workers?: number;
    token?: string;
    abortChance?: number;
    pauseMs?: number;
    lines?: number;
    onStatus?: (status: number) => void;
  },
): Promise<void>;
export function readBatches(dataDir: string): Promise<Map<number, string[]>>;
export function audit(stored: Map<number, string[]>, acked: Set<number>, attempted: Set<number>, lines?: number): { lost: number[]; phantom: number[]; torn: number[] };
