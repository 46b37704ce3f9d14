/**
 * The local S3: s3rver in a child process (functions/local/s3rverProcess.ts), so that its work
 * and both ends of each S3 request stay off the thread that handles the requests, as S3's do on
 * AWS. Its S3 event notifications come back over IPC and are emitted here ('event'), for the
 * local stand-in of S3 → SQS → processor (functions/local/localService.ts). Should the child
 * die, it is started again on the same port and folder (objects are on disk), and the events of
 * the new one are emitted as before.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { S3rverEvent } from '@20minutes/s3rver';
import { stopChild } from './stopChild.js';

export interface S3Emulator {
  endpoint: string;
  /** Emits 'event' with each S3 event notification (S3rverEvent), and 'restarted' after a restart. */
  events: EventEmitter;
  /** The child's process id (the benchmarks measure its CPU time); it changes on a restart. */
  pid(): number | undefined;
  stop(): Promise<void>;
}

type Message = { port: number } | { event: S3rverEvent };

/** Restarts within this many ms of the last one count toward RESTART_LIMIT; beyond it the emulator stays down. */
const RESTART_WINDOW_MS = 60_000;
const RESTART_LIMIT = 5;

function spawnChild(directory: string, port: number | undefined): ChildProcess {
  return fork(fileURLToPath(new URL('./s3rverProcess.ts', import.meta.url)), port === undefined ? [directory] : [directory, String(port)], {
    // Its own flags, not the server's (heap sizes and the like).
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** Waits for the child's port; rejects if it exits first. */
async function listening(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Message) => {
      if (!('port' in message)) return;
      child.off('exit', onExit);
      child.off('message', onMessage);
      resolve(message.port);
    };
    const onExit = (code: number | null, signal: string | null) => {
      child.off('message', onMessage);
      reject(new Error(`the S3 emulator exited before listening (${signal ?? code})`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Starts s3rver in a child process on a free port of 127.0.0.1, keeping objects in `directory`. */
export async function startS3Emulator(directory: string, log: (line: string) => void = (line) => console.error(line)): Promise<S3Emulator> {
  const events = new EventEmitter();
  let stopping = false;
  let restarts: number[] = [];
  let child = spawnChild(directory, undefined);
  const port = await listening(child);
  // Should this process end without stop(), the child goes with it (it also exits when its IPC channel closes).
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const watch = (current: ChildProcess) => {
    current.on('message', (message: Message) => {
      if ('event' in message) events.emit('event', message.event);
    });
    current.once('exit', (code, signal) => {
      if (stopping) return;
      const now = Date.now();
      restarts = [...restarts.filter((at) => now - at < RESTART_WINDOW_MS), now];
      if (restarts.length > RESTART_LIMIT) return log(`the S3 emulator exited (${signal ?? code}) ${RESTART_LIMIT} times within a minute: not started again`);
      log(`the S3 emulator exited (${signal ?? code}): starting it again on port ${port}`);
      void restart();
    });
  };
  const restart = async (): Promise<void> => {
    // Its port may take a moment to be free again: a few tries, a little apart.
    for (let attempt = 1; attempt <= 5 && !stopping; attempt++) {
      const next = spawnChild(directory, port);
      try {
        await listening(next);
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
        continue;
      }
      child = next;
      if (stopping) return void next.kill('SIGTERM');
      watch(next);
      events.emit('restarted');
      return;
    }
    log('the S3 emulator could not be started again');
  };
  watch(child);

  return {
    endpoint: `http://127.0.0.1:${port}`,
    events,
    pid: () => child.pid,
    stop: async () => {
      stopping = true;
      process.off('exit', killOnExit);
      await stopChild(child);
    },
  };
}
