/** CPU figures from /proc (Linux); NaN where it is not there. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** CPU seconds (user + system, all threads) a process has used so far. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime: fields 14 and 15, in 1/100 s
  } catch {
    return Number.NaN;
  }
}

/** The machine's CPU time so far, all cores: in total, and stolen (a virtual machine's cores taken by its host). */
export function machineTicks(): { total: number; steal: number } {
  try {
    const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    return { total: ticks.reduce((a, b) => a + b, 0), steal: ticks[7] };
  } catch {
    return { total: Number.NaN, steal: Number.NaN };
  }
}

/** Percentage of the machine's CPU time stolen since `before`: what a virtual machine's figures lost to its host. */
export function stealPercent(before: ReturnType<typeof machineTicks>): number {
  const now = machineTicks();
  return Math.round((1000 * (now.steal - before.steal)) / (now.total - before.total)) / 10;
}

/**
 * Milliseconds one core takes for a fixed piece of work (hashing 16 MB, then a JavaScript loop): how fast the machine
 * is at the moment. A virtual machine's cores slow down with its neighbours' load, often without any steal showing.
 */
export function referenceMs(): number {
  const started = performance.now();
  const hash = createHash('sha256');
  const block = Buffer.alloc(64 * 1024, 7);
  for (let i = 0; i < 256; i++) hash.update(block);
  let acc = hash.digest()[0];
  for (let i = 0; i < 20_000_000; i++) acc = (acc * 31 + i) % 1_000_003;
  if (acc < 0) throw new Error('unreachable'); // keeps the loop's result alive
  return Math.round(performance.now() - started);
}
