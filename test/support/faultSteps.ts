/**
 * Step-by-step fault injection through the SDK middleware stack: every S3 and DynamoDB call
 * made through a set of clients is numbered (one counter for both), so a test can first trace
 * an operation's calls and then break it at each step in turn:
 *
 * - `error`: the call fails before it reaches the service (throttling or a 5xx after the SDK's
 *   own retries);
 * - `timeout-after-send`: the call reached the service and its write happened, but the answer
 *   is lost (a TimeoutError, as the SDK throws when a socket times out);
 * - `hang`: the call never returns, nor does any later one: the invocation is frozen, as a
 *   Lambda stopped at its timeout. The operation is abandoned where it stood.
 *
 * Complements test/support/faults.ts (by command name); this one is by position.
 */
import type { Clients } from '../../functions/store/clients.js';
import { createClients, destroyClients } from '../../functions/store/clients.js';
import { storageConfig } from '../../functions/store/config.js';
import { s3Of } from '../../functions/store/s3Client.js';

export type StepFaultMode = 'error' | 'timeout-after-send' | 'hang';
export const stepFaultModes: readonly StepFaultMode[] = ['error', 'timeout-after-send', 'hang'];

export interface SdkCall {
  step: number;
  /** The low-level command, e.g. PutObjectCommand, TransactWriteItemsCommand. */
  command: string;
  /** Bucket/key or table, for messages. */
  target: string;
}

type Next = (args: unknown) => Promise<unknown>;
type Middleware = (next: Next, context: unknown) => Next;
interface Stack {
  add(m: Middleware, o: { step: string; name: string }): void;
  remove(name: string): boolean;
}

const never = () => new Promise<never>(() => undefined);

function targetOf(input: Record<string, unknown> | undefined): string {
  if (!input) return '';
  if (typeof input.Bucket === 'string') return `${input.Bucket}/${String(input.Key ?? input.Prefix ?? '')}`;
  if (typeof input.TableName === 'string') return input.TableName;
  return '';
}

export class StepFaults {
  readonly calls: SdkCall[] = [];
  private fault: { step: number; mode: StepFaultMode } | undefined;
  private readonly pauses = new Map<number, () => Promise<unknown>>();
  private frozen = false;
  private onHang: (() => void) | undefined;
  private readonly name = `step-faults-${Math.random().toString(36).slice(2)}`;

  constructor(readonly clients: Clients) {
    for (const client of this.stacks()) {
      client.add((next, context) => (args) => this.around(next, context, args), { step: 'initialize', name: this.name });
    }
  }

  /** Fresh clients (never the process-wide ones) with step counting. */
  static fresh(): StepFaults {
    return new StepFaults(createClients(storageConfig()));
  }

  /** Breaks the call with this (1-based) step number. */
  failAt(step: number, mode: StepFaultMode): this {
    this.fault = { step, mode };
    return this;
  }

  /** Runs `hook` (e.g. a racing request) before the call with this step number goes ahead. */
  pauseAt(step: number, hook: () => Promise<unknown>): this {
    this.pauses.set(step, hook);
    return this;
  }

  /** The call that was broken, once it was. */
  get fired(): SdkCall | undefined {
    return this.fault && this.calls.length >= this.fault.step ? this.calls[this.fault.step - 1] : undefined;
  }

  /**
   * Runs the operation: its value, its error, or `hung` when a `hang` fault froze it (the
   * operation's promise is then left pending for good, as a stopped Lambda's would be).
   */
  async run<T>(operation: () => Promise<T>): Promise<{ value: T } | { error: unknown } | { hung: true }> {
    const hung = new Promise<{ hung: true }>((resolve) => (this.onHang = () => resolve({ hung: true })));
    return Promise.race([operation().then((value) => ({ value }), (error: unknown) => ({ error })), hung]);
  }

  /** Stops counting and faulting, and releases the clients' sockets. */
  dispose(): void {
    for (const stack of this.stacks()) stack.remove(this.name);
    destroyClients(this.clients);
  }

  private stacks(): Stack[] {
    return [s3Of(this.clients).middlewareStack, this.clients.ddb.middlewareStack] as unknown as Stack[];
  }

  private async around(next: Next, context: unknown, args: unknown): Promise<unknown> {
    if (this.frozen) return never();
    const call: SdkCall = {
      step: this.calls.length + 1,
      command: (context as { commandName?: string }).commandName ?? '?',
      target: targetOf((args as { input?: Record<string, unknown> }).input),
    };
    this.calls.push(call);
    await this.pauses.get(call.step)?.();
    if (this.fault?.step !== call.step) return next(args);
    switch (this.fault.mode) {
      case 'error': {
        const error = new Error(`injected fault at step ${call.step} (${call.command})`);
        error.name = 'InjectedFault';
        throw error;
      }
      case 'timeout-after-send': {
        await next(args);
        const error = new Error(`injected timeout after step ${call.step} (${call.command}) reached the service`);
        error.name = 'TimeoutError';
        throw error;
      }
      case 'hang':
        this.frozen = true;
        // Let the caller see the hang only after this call is pending for good.
        setImmediate(() => this.onHang?.());
        return never();
    }
  }
}

/** The SDK calls an operation makes, on fresh clients. */
export async function traceSteps(operation: (c: Clients) => Promise<unknown>): Promise<SdkCall[]> {
  const tracer = StepFaults.fresh();
  try {
    await operation(tracer.clients);
    return [...tracer.calls];
  } finally {
    tracer.dispose();
  }
}

/** Calls that change nothing: a timeout after they reached the service is the same as an error. */
const READ_ONLY = /^(Get|Head|List|Query|Scan|BatchGet|Describe)/;

/**
 * The steps of a trace up to the first repetition of its cycle, plus the last step: an
 * operation that repeats the same calls per query type or per file (a purge, a bundle) is
 * broken once at each distinct step, and at its very end.
 */
export function firstCycleAndLast(calls: readonly SdkCall[], cycleStart: (call: SdkCall) => boolean): SdkCall[] {
  const starts = calls.filter(cycleStart).map((c) => c.step);
  const end = starts.length > 1 ? starts[1]! : Infinity;
  return calls.filter((c) => c.step < end || c.step === calls.length);
}

/** The trace without reads that repeat the one before them (e.g. the ranged GETs of one zip): breaking the first is enough. */
export function withoutRepeatedReads(calls: readonly SdkCall[]): SdkCall[] {
  return calls.filter((call, i) => {
    const before = calls[i - 1];
    return !READ_ONLY.test(call.command) || before?.command !== call.command || before.target !== call.target;
  });
}

/** Every (step, mode) pair of a trace worth running, labelled for test names. */
export function faultCases(calls: readonly SdkCall[]): [string, number, StepFaultMode][] {
  return calls.flatMap((call) =>
    stepFaultModes
      .filter((mode) => mode !== 'timeout-after-send' || !READ_ONLY.test(call.command))
      .map((mode) => [`step ${call.step} ${call.command} ${call.target.split('/')[0]}: ${mode}`, call.step, mode] as [string, number, StepFaultMode]),
  );
}

/**
 * Breaks a share of all S3 and DynamoDB calls of a set of clients (the server's), each
 * either before it reaches the service or after (the write happened, the answer is lost);
 * deterministic for a seed. For soaks under faults: clients retry, nothing may be lost.
 */
export function injectRandomFaults(c: Clients, options: { rate: number; seed: number }): { injected: () => number; remove(): void } {
  let state = options.seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  let injected = 0;
  const name = `random-faults-${options.seed}`;
  const stacks = [s3Of(c).middlewareStack, c.ddb.middlewareStack] as unknown as Stack[];
  for (const stack of stacks) {
    stack.add(
      (next_, context) => async (args) => {
        if (next() >= options.rate) return next_(args);
        injected += 1;
        const afterSend = next() < 0.5;
        if (afterSend) await next_(args);
        const error = new Error(`random fault in ${(context as { commandName?: string }).commandName}${afterSend ? ' after it reached the service' : ''}`);
        error.name = afterSend ? 'TimeoutError' : 'InjectedFault';
        throw error;
      },
      { step: 'initialize', name },
    );
  }
  return { injected: () => injected, remove: () => stacks.forEach((stack) => stack.remove(name)) };
}
