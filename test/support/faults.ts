/**
 * Fault injection by command name (test/support/sdkCalls.ts): the real emulators answer every
 * call except the ones a test tells to fail.
 */
import type { Clients } from '../../functions/store/clients.js';
import { conditionalConflictError, injectedError, interceptSdkCalls } from './sdkCalls.js';

export interface FaultPlan {
  /** e.g. 'PutObjectCommand', 'TransactWriteItemsCommand', 'GetItemCommand' (the low-level client's names). */
  command: string;
  /** Fail this many calls of the command (default 1). */
  times?: number;
  /** Let this many calls of the command through first (default 0). */
  after?: number;
  /** Fail after the call reached the service (the write happened, the answer was lost). */
  afterSend?: boolean;
  /**
   * How the call fails: 'injected' (default: an error that never reached the service, or a lost
   * answer with afterSend), 'conflict' (S3's 409 ConditionalRequestConflict, as while another
   * conditional write of the key is in flight), or 'latency' (it does not fail: it is sent
   * `delayMs` late, or with afterSend answered `delayMs` late).
   */
  mode?: 'injected' | 'conflict' | 'latency';
  /** For 'latency': how long the call is held (default 200 ms). */
  delayMs?: number;
}

/** Breaks the planned calls and counts every call by command, until `remove()`. */
export function injectFaults(c: Clients, plans: FaultPlan[]): { calls: Record<string, number>; remove(): void } {
  const calls: Record<string, number> = {};
  const remaining = plans.map((p) => ({ ...p, times: p.times ?? 1, after: p.after ?? 0 }));
  const { remove } = interceptSdkCalls(c, async ({ command }, send) => {
    calls[command] = (calls[command] ?? 0) + 1;
    const plan = remaining.find((p) => p.command === command && p.times > 0);
    if (!plan) return send();
    if (plan.after > 0) {
      plan.after -= 1;
      return send();
    }
    plan.times -= 1;
    if (plan.mode === 'latency') {
      const hold = () => new Promise((resolve) => setTimeout(resolve, plan.delayMs ?? 200));
      if (!plan.afterSend) await hold();
      const result = await send();
      if (plan.afterSend) await hold();
      return result;
    }
    if (plan.afterSend) await send();
    throw plan.mode === 'conflict' ? conditionalConflictError() : injectedError(`injected fault in ${command}`);
  });
  return { calls, remove };
}
