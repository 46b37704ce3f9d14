/**
 * Fault injection through the SDK's own middleware stack: the real emulators answer every
 * call except the ones a test tells to fail.
 */
import type { Clients } from '../../functions/store/clients.js';
import { s3Of } from '../../functions/store/s3Client.js';

type Middleware = (next: (args: unknown) => Promise<unknown>, context: unknown) => (args: unknown) => Promise<unknown>;

export interface FaultPlan {
  /** e.g. 'PutObjectCommand', 'TransactWriteItemsCommand', 'GetItemCommand' (the low-level client's names). */
  command: string;
  /** Fail this many calls of the command (default 1). */
  times?: number;
  /** Fail after the call reached the service (the write happened, the answer was lost). */
  afterSend?: boolean;
}

export function injectFaults(c: Clients, plans: FaultPlan[]): { calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const remaining = plans.map((p) => ({ ...p, times: p.times ?? 1 }));
  for (const client of [s3Of(c), c.ddb] as { middlewareStack: { add: (m: Middleware, o: object) => void } }[]) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = (context as { commandName?: string }).commandName ?? '?';
        calls[name] = (calls[name] ?? 0) + 1;
        const plan = remaining.find((p) => p.command === name && p.times > 0);
        if (!plan) return next(args);
        plan.times -= 1;
        if (plan.afterSend) await next(args);
        const error = new Error(`injected fault in ${name}`);
        error.name = 'InjectedFault';
        throw error;
      },
      { step: 'initialize', name: `faults-${Math.random()}` },
    );
  }
  return { calls };
}
