/**
 * The local server's fleet index syncs, in a process of their own at lower priority
 * (functions/local/fleetIndexRunner.ts starts it): a sync of a first 100,000-device snapshot is
 * 2,000-odd requests and a parse of its snapshot, and on the server's own event loop it made
 * every upload beside it several times slower (bench/README.md). On AWS it is a Lambda of its own.
 *
 * Messages in: { sync: installId }, { stop: true }, { busy: boolean } (whether the server has
 * requests in flight: each storage request of a sync waits, up to YIELD_MAX_WAIT_MS, until it has
 * had none for YIELD_QUIET_MS; functions/local/yieldGate.ts). Out: { ready: true }, { done: installId, error? }.
 * Syncs of one install run one at a time; requests that arrive meanwhile make one more run.
 */
import { syncFleetIndexes } from '../services/syncFleetIndexes.js';
import { clients } from '../store/clients.js';
import { s3Of } from '../store/s3Client.js';
import { YieldGate } from './yieldGate.js';

type Message = { sync: string } | { stop: true } | { busy: boolean };

/**
 * Longest a sync's request waits for the server's requests to finish, and how long the server
 * must then stay idle: uploads sent one after another then meet no sync request in DynamoDB
 * Local, and a sync still makes eight requests a second under an unbroken stream of requests
 * (the measurements: bench/HISTORY.md, "Fourth session of 2026-12-07").
 */
const YIELD_MAX_WAIT_MS = 1000;
const YIELD_QUIET_MS = 50;
const gate = new YieldGate(YIELD_MAX_WAIT_MS, YIELD_QUIET_MS);
for (const client of [clients().ddb, s3Of(clients())] as { middlewareStack: { add: (m: never, o: object) => void } }[]) {
  client.middlewareStack.add(
    ((next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      await gate.pass();
      return next(args);
    }) as never,
    { step: 'initialize', name: 'yieldToRequests' },
  );
}

const abort = new AbortController();
const running = new Map<string, Promise<void>>();
/** Installs asked for again while their sync runs: one more run each, and how many requests it answers. */
const again = new Map<string, number>();

function send(message: object): void {
  process.send?.(message);
}

function run(installId: string, requests: number): void {
  const sync = syncFleetIndexes(clients(), installId, abort.signal).then(
    () => undefined,
    (error: unknown) => (abort.signal.aborted ? 'stopped' : (error as Error).message),
  );
  const done = sync.then((error) => {
    for (let i = 0; i < requests; i++) send({ done: installId, ...(error ? { error } : {}) });
    running.delete(installId);
    const more = again.get(installId);
    again.delete(installId);
    if (more !== undefined && !abort.signal.aborted) run(installId, more);
    else if (more !== undefined) for (let i = 0; i < more; i++) send({ done: installId, error: 'stopped' });
  });
  running.set(installId, done);
}

process.on('message', (message: Message) => {
  if ('busy' in message) return gate.setBusy(message.busy);
  if ('stop' in message) {
    abort.abort();
    void Promise.allSettled(running.values()).then(() => process.disconnect());
    return;
  }
  if (running.has(message.sync)) again.set(message.sync, (again.get(message.sync) ?? 0) + 1);
  else run(message.sync, 1);
});
// The server gone (stopped or crashed): nothing is left to report to.
process.on('disconnect', () => process.exit(0));
send({ ready: true });
