/**
 * How long before its Lambda timeout a handler gives up and answers (middy's
 * `timeoutEarlyInMillis`), so that it answers rather than being cut off. The stack sets
 * TIMEOUT_EARLY_MS (lib/config.ts, `timeoutEarlyMs`); without it the same default applies, so the
 * local server, which gives each handler its deployed timeout (functions/local/localApi.ts),
 * answers a handler that overruns as the deployed function would.
 */

/** The stack's default, in ms (lib/config.ts takes it from here). */
export const DEFAULT_TIMEOUT_EARLY_MS = 500;

/** TIMEOUT_EARLY_MS from the environment, or the default. */
export function timeoutEarlyMs(): number {
  const configured = process.env.TIMEOUT_EARLY_MS;
  return configured === undefined || configured === '' ? DEFAULT_TIMEOUT_EARLY_MS : Number(configured);
}
