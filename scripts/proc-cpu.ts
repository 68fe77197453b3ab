/** CPU seconds (user + system, all threads) a process has used so far, from /proc (Linux); NaN where it is not there. */
import { readFileSync } from 'node:fs';

export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime: fields 14 and 15, in 1/100 s
  } catch {
    return Number.NaN;
  }
}
