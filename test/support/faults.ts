/**
 * Fault injection by command name (test/support/sdkCalls.ts): the real emulators answer every
 * call except the ones a test tells to fail.
 */
import type { Clients } from '../../functions/store/clients.js';
import { injectedError, interceptSdkCalls } from './sdkCalls.js';

export interface FaultPlan {
  /** e.g. 'PutObjectCommand', 'TransactWriteItemsCommand', 'GetItemCommand' (the low-level client's names). */
  command: string;
  /** Fail this many calls of the command (default 1). */
  times?: number;
  /** Let this many calls of the command through first (default 0). */
  after?: number;
  /** Fail after the call reached the service (the write happened, the answer was lost). */
  afterSend?: boolean;
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
    if (plan.afterSend) await send();
    throw injectedError(`injected fault in ${command}`);
  });
  return { calls, remove };
}
