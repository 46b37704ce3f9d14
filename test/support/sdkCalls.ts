/**
 * Watching and changing the S3 and DynamoDB calls made through a set of clients, in the SDK's
 * own middleware stack: the real emulators answer every call a hook lets through. Every test
 * helper that breaks or records calls (test/support/faults.ts by command, faultSteps.ts by
 * step or at random, the recorders of single tests) goes through here, except a recorder that
 * needs the request as signed (test/integration/archiveSignature.test.ts): hooks see the input.
 */
import type { Clients } from '../../functions/store/clients.js';
import { HOLD_IN_FLIGHT_HEADER } from '../../functions/local/s3Semantics.js';
import { s3Of } from '../../functions/store/s3Client.js';

export interface SdkCallInfo {
  /** The low-level command, e.g. PutObjectCommand, TransactWriteItemsCommand. */
  command: string;
  /** The command's input; for DynamoDB the document client's plain values, not yet marshalled (the command name is the low-level one, e.g. PutItemCommand). */
  input: Record<string, unknown>;
}

/** What a sent call answers: its output. */
export interface SdkCallResult {
  output: unknown;
}

/**
 * Sees each call before it is made: `send()` makes it; a hook that does not call `send` keeps
 * the call from the service (it may throw, or never answer).
 */
type SdkCallHook = (call: SdkCallInfo, send: () => Promise<SdkCallResult>) => Promise<SdkCallResult>;

type Next = (args: unknown) => Promise<SdkCallResult>;
interface Stack {
  add(middleware: (next: Next, context: unknown) => Next, options: { step: 'initialize'; name: string }): void;
  remove(name: string): boolean;
}

let hooks = 0;

/** Runs `hook` around every call of the clients (S3 and DynamoDB) until `remove()`. */
export function interceptSdkCalls(c: Clients, hook: SdkCallHook): { remove(): void } {
  const name = `sdk-call-hook-${++hooks}`;
  const stacks = [s3Of(c).middlewareStack, c.ddb.middlewareStack] as unknown as Stack[];
  for (const stack of stacks) {
    stack.add(
      // async: a hook that throws at once fails the call, as a rejected one does.
      (next, context) => async (args) => {
        const command = (context as { commandName?: string }).commandName ?? '?';
        const input = (args as { input?: Record<string, unknown> }).input ?? {};
        return hook({ command, input }, () => next(args));
      },
      { step: 'initialize', name },
    );
  }
  return {
    remove: () => {
      for (const stack of stacks) stack.remove(name);
    },
  };
}

/** An error as a fault injected into a call: `InjectedFault` (never reached the service) or a `TimeoutError` (reached it, answer lost). */
export function injectedError(message: string, name: 'InjectedFault' | 'TimeoutError' = 'InjectedFault'): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** S3's answer to a conditional write while another one of the key is in flight (409), as the SDK throws it. */
export function conditionalConflictError(): Error {
  return Object.assign(new Error('A conflicting conditional operation is currently in progress against this resource.'), {
    name: 'ConditionalRequestConflict',
    $fault: 'client',
    $metadata: { httpStatusCode: 409 },
  });
}

/**
 * Asks the local S3 emulator to hold every conditional write (`If-None-Match: *`) sent through
 * the clients in flight for `ms` before writing it (functions/local/s3Semantics.ts), as a slow
 * PUT to S3 keeps its key busy: writers of the same key meet 409s meanwhile. Until `remove()`.
 */
export function holdConditionalWrites(c: Clients, ms: number): { remove(): void } {
  const name = `hold-conditional-writes-${++hooks}`;
  const stack = s3Of(c).middlewareStack as unknown as {
    add(middleware: (next: Next) => Next, options: { step: 'build'; name: string }): void;
    remove(name: string): boolean;
  };
  stack.add(
    (next) => async (args) => {
      const headers = (args as { request?: { headers?: Record<string, string> } }).request?.headers;
      if (headers && headers['if-none-match'] === '*') headers[HOLD_IN_FLIGHT_HEADER] = String(ms);
      return next(args);
    },
    { step: 'build', name },
  );
  return { remove: () => void stack.remove(name) };
}
