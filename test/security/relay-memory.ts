/** Resident memory of a relay process, from /proc (Linux): what the fuzz and limits suites report. */
import { readFileSync } from 'node:fs';

export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
  return Math.round((kb / 1024) * 10) / 10;
}
