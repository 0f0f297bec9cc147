/**
 * Resident memory of other processes, read from /proc (Linux only): the current RSS and the kernel's own high-water
 * mark (VmHWM), which catches a peak between two samples.
 */
import { readFile } from 'node:fs/promises';

export interface ProcessMemory {
  /** Resident set size now, bytes. */
  rssBytes: number;
  /** Highest resident set size since the process started, bytes. */
  hwmBytes: number;
}

function field(status: string, name: string): number {
  const kib = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
  return kib === undefined ? 0 : Number(kib) * 1024;
}

/** The process's memory, or null once it has exited. */
export async function processMemory(pid: number): Promise<ProcessMemory | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return { rssBytes: field(status, 'VmRSS'), hwmBytes: field(status, 'VmHWM') };
  } catch {
    return null;
  }
}

export const MiB = (bytes: number): string => (bytes / (1024 * 1024)).toFixed(0);
