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
import { mulberry32 } from '../../functions/samples/sampleUploads.js';
import { injectedError, interceptSdkCalls, type SdkCallInfo, type SdkCallResult } from './sdkCalls.js';

export type StepFaultMode = 'error' | 'timeout-after-send' | 'hang';
export const stepFaultModes: readonly StepFaultMode[] = ['error', 'timeout-after-send', 'hang'];

export interface SdkCall {
  step: number;
  /** The low-level command, e.g. PutObjectCommand, TransactWriteItemsCommand. */
  command: string;
  /** Bucket/key or table, for messages. */
  target: string;
}

const never = () => new Promise<never>(() => undefined);

function targetOf(input: Record<string, unknown>): string {
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
  private readonly interception: { remove(): void };

  constructor(readonly clients: Clients) {
    this.interception = interceptSdkCalls(clients, (call, send) => this.around(call, send));
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
    this.interception.remove();
    destroyClients(this.clients);
  }

  private async around({ command, input }: SdkCallInfo, send: () => Promise<SdkCallResult>): Promise<SdkCallResult> {
    if (this.frozen) return never();
    const call: SdkCall = { step: this.calls.length + 1, command, target: targetOf(input) };
    this.calls.push(call);
    await this.pauses.get(call.step)?.();
    if (this.fault?.step !== call.step) return send();
    switch (this.fault.mode) {
      case 'error':
        throw injectedError(`injected fault at step ${call.step} (${call.command})`);
      case 'timeout-after-send':
        await send();
        throw injectedError(`injected timeout after step ${call.step} (${call.command}) reached the service`, 'TimeoutError');
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
  const next = mulberry32(options.seed);
  let injected = 0;
  const { remove } = interceptSdkCalls(c, async ({ command }, send) => {
    if (next() >= options.rate) return send();
    injected += 1;
    const afterSend = next() < 0.5;
    if (!afterSend) throw injectedError(`random fault in ${command}`);
    await send();
    throw injectedError(`random fault in ${command} after it reached the service`, 'TimeoutError');
  });
  return { injected: () => injected, remove };
}
