/**
 * Progress on stderr (stdout is for the report): a bar when a person watches a terminal, a plain line every few
 * seconds otherwise (logs, CI), so a long import never looks hung.
 */
import cliProgress from 'cli-progress';

export interface ProgressState {
  read: number;
  total: number;
  chunksSent: number;
  chunksDone: number;
}

export interface Progress {
  update(state: ProgressState): void;
  /** A line of its own (a warning, the resume note) without breaking the bar. */
  note(message: string): void;
  stop(): void;
}

export const silentProgress: Progress = { update() {}, note() {}, stop() {} };

function rate(read: number, startedAt: number, startRead: number): number {
  const seconds = (Date.now() - startedAt) / 1000;
  return seconds > 0 ? Math.round((read - startRead) / seconds) : 0;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr, intervalMs = 5000): Progress {
  return stream.isTTY ? barProgress(stream) : lineProgress(stream, intervalMs);
}

function barProgress(stream: NodeJS.WriteStream): Progress {
  const bar = new cliProgress.SingleBar({
    stream,
    format: 'initial sync [{bar}] {percentage}% {value}/{total} partners | chunks {chunks} | {rate}/s | ETA {eta_formatted}',
    barsize: 20,
    hideCursor: true,
    etaBuffer: 50,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  let startedAt = Date.now();
  let startRead = 0;
  return {
    update(s) {
      const payload = { chunks: `${s.chunksDone}/${s.chunksSent}`, rate: rate(s.read, startedAt, startRead) };
      if (!started) {
        started = true;
        startedAt = Date.now();
        startRead = s.read;
        bar.start(Math.max(s.total, s.read), s.read, payload);
      } else {
        bar.setTotal(Math.max(s.total, s.read));
        bar.update(s.read, payload);
      }
    },
    note(message) {
      if (started) bar.stop();
      stream.write(`${message}\n`);
      started = false;
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function lineProgress(stream: NodeJS.WriteStream, intervalMs: number): Progress {
  const startedAt = Date.now();
  let last = startedAt;
  let startRead: number | undefined;
  let latest: ProgressState | undefined;
  const print = (s: ProgressState) => {
    const perSecond = rate(s.read, startedAt, startRead ?? 0);
    const eta = perSecond > 0 && s.read < s.total ? `, ETA ${Math.round((s.total - s.read) / perSecond)} s` : '';
    stream.write(`initial sync: ${s.read}/${s.total} partners read, chunks ${s.chunksDone} confirmed / ${s.chunksSent} sent, ${perSecond}/s${eta}\n`);
  };
  return {
    update(s) {
      startRead ??= s.read;
      latest = s;
      if (Date.now() - last < intervalMs) return;
      last = Date.now();
      print(s);
    },
    note(message) {
      stream.write(`${message}\n`);
    },
    stop() {
      if (latest) print(latest);
    },
  };
}
