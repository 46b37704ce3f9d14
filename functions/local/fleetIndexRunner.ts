/**
 * Runs fleet index syncs in the background of the local server, when the table changes as the
 * AWS stream's filter selects (functions/domain/fleetSyncTrigger.ts, seen through
 * functions/local/tableChanges.ts): the upload path knows nothing of it. The syncs run in a
 * child process at lower priority (functions/local/fleetSyncProcess.ts), as on AWS they run in
 * a Lambda of their own, and their storage requests wait while the server serves requests
 * (fleetSyncsYield), so that they do not slow the requests (bench/README.md).
 * Stopping interrupts them (a sync is idempotent and records its progress, so the next one
 * finishes the work); `resumeFleetIndexes` catches up on installs left behind at start-up.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { installToSync } from '../domain/fleetSyncTrigger.js';
import { INSTALLS_PARTITION } from '../domain/storageKeys.js';
import { clients } from '../store/clients.js';
import { queryAll } from '../store/indexQueries.js';
import { table } from '../store/tableDefinition.js';
import { watchTableChanges } from './tableChanges.js';

/** The syncs' niceness: below the server's, not so low that they starve on a busy machine. */
const SYNC_PRIORITY = 10;

interface Runner {
  child: ChildProcess;
  ready: Promise<void>;
  /** Syncs asked for and not yet reported done. */
  pending: number;
  idle: (() => void)[];
  watching: { stop(): void };
  log: (line: string) => void;
}
let runner: Runner | undefined;

/** A key attribute's string, as the document client takes it or marshalled. */
function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const marshalled = (value as { S?: unknown } | undefined)?.S;
  return typeof marshalled === 'string' ? marshalled : undefined;
}

function schedule(r: Runner, installId: string): void {
  r.pending += 1;
  void r.ready.then(() => r.child.connected && r.child.send({ sync: installId }));
}

function settle(r: Runner): void {
  if (r.pending > 0) return;
  for (const resolve of r.idle.splice(0)) resolve();
}

/** Starts the sync process and syncs on the changes written through the process-wide clients (call after any resetClients). */
export function startFleetIndexRunner(log: (line: string) => void = (line) => console.error(line), priority = SYNC_PRIORITY): void {
  // Its own flags, not the server's (heap sizes and the like).
  const child = fork(fileURLToPath(new URL('./fleetSyncProcess.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    if (child.pid !== undefined) setPriority(child.pid, priority);
  } catch {
    // Not allowed here: the syncs still run in their own process.
  }
  let ready!: () => void;
  const r: Runner = { child, ready: new Promise((resolve) => (ready = resolve)), pending: 0, idle: [], log, watching: { stop: () => undefined } };
  child.on('message', (message: { ready?: true; done?: string; error?: string }) => {
    if (message.ready) ready();
    if (message.done === undefined) return;
    if (message.error && message.error !== 'stopped') log(`fleet index sync of install ${message.done} failed: ${message.error}`);
    r.pending -= 1;
    settle(r);
  });
  child.on('exit', () => {
    ready();
    r.pending = 0;
    settle(r);
  });
  r.watching = watchTableChanges(clients(), (item) => {
    const installId = installToSync(stringOf(item[table.partitionKey]), stringOf(item[table.sortKey]));
    if (installId !== undefined) schedule(r, installId);
  });
  // Started again without a stop: the previous runner's process goes (its syncs resume with the next change).
  if (runner) {
    runner.watching.stop();
    runner.child.kill();
  }
  runner = r;
}

/** Stops listening and interrupts the syncs under way; resolves once their process has exited. */
export async function stopFleetIndexRunner(): Promise<void> {
  const r = runner;
  runner = undefined;
  if (!r) return;
  r.watching.stop();
  if (r.child.exitCode !== null || r.child.signalCode !== null) return;
  const exited = once(r.child, 'exit');
  await r.ready;
  if (r.child.connected) r.child.send({ stop: true });
  else r.child.kill();
  await exited;
}

/** Tells the syncs whether the server has requests in flight: while it has, their storage requests wait (fleetSyncProcess.ts). */
export function fleetSyncsYield(busy: boolean): void {
  const r = runner;
  if (r?.child.connected) r.child.send({ busy });
}

/** Resolves once every sync asked for so far has finished. */
export async function fleetIndexesIdle(): Promise<void> {
  const r = runner;
  if (!r || r.pending === 0) return;
  await new Promise<void>((resolve) => r.idle.push(resolve));
}

/** Schedules a sync of every install (each returns at once when already current). */
export async function resumeFleetIndexes(): Promise<void> {
  const installs = await queryAll(clients(), { keys: table.indexes.installsByLastSeen, partition: INSTALLS_PARTITION, projection: 'installId' });
  const r = runner;
  if (r) for (const item of installs) schedule(r, item.installId as string);
}
