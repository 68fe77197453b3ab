/**
 * The real sidecar process (`src/main.ts` through tsx), started, stopped and killed like in production. Used by the
 * end-to-end tests and the chaos suite; the process is configured by its environment only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';

export interface RunningProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  url: string;
  /** Everything the process wrote so far, stdout and stderr interleaved. */
  output: () => string;
  /** Resolves with the exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** The signal that ended the process, once it has ended by one. */
  exitSignal: () => NodeJS.Signals | null;
  /** SIGKILL, then waits for the exit. */
  kill: () => Promise<void>;
  /** SIGTERM (a clean shutdown), then resolves with the exit code. */
  stop: () => Promise<number | null>;
}

export interface StartOptions {
  /** Called with every chunk of output as it arrives (log collection). */
  onOutput?: (text: string) => void;
  /** Give up (and kill the process) when it has not listened by then. Default 90 s: tsx compiles the tree at start. */
  startTimeoutMs?: number;
}

/** `node --import tsx <script> ...args` from the project root, with only PATH and `env` in its environment. */
export function spawnTsx(script: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, script), ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const LISTENING = /"port":(\d+),"msg":"sidecar listening"/;

/**
 * Starts `src/main.ts` and resolves once it logs the port it listens on (so LOG_LEVEL must be info or lower).
 * Rejects with the output when the process exits or stays silent before that.
 */
export function startSidecarProcess(env: NodeJS.ProcessEnv, options: StartOptions = {}): Promise<RunningProcess> {
  const child = spawnTsx('src/main.ts', [], env);
  let output = '';
  let signal: NodeJS.Signals | null = null;
  const collect = (d: Buffer) => {
    const text = d.toString();
    output += text;
    options.onOutput?.(text);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, sig) => {
    signal = sig;
    resolve(code);
  }));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void kill();
      reject(new Error(`sidecar did not listen within ${options.startTimeoutMs ?? 90_000} ms:\n${output}`));
    }, options.startTimeoutMs ?? 90_000);
    const onData = () => {
      const match = LISTENING.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      const port = Number(match[1]);
      resolve({
        child, pid: child.pid!, port, url: `http://127.0.0.1:${port}`, output: () => output, exited,
        exitSignal: () => signal,
        kill,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`sidecar exited with ${code ?? signal} before listening:\n${output}`));
    });
  });
}
