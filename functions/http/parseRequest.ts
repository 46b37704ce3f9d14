/**
 * Validating small request bodies and query strings with zod (their schemas are zod/mini, see
 * domain/schemas/requestLocale.ts), as validation_failed problems.
 */
import { safeParse } from 'zod/mini';
import type { core } from 'zod/mini';
import { ProblemError } from '../domain/problems.js';
import { problemIssuesOf } from '../domain/zodIssues.js';

export function parseRequest<S extends core.$ZodType>(schema: S, value: unknown, prefix = ''): core.output<S> {
  const result = safeParse(schema, value);
  if (result.success) return result.data;
  const errors = [...problemIssuesOf(result.error, prefix)].map(({ path, message }) => ({ path, message }));
  throw new ProblemError('validation_failed', 'The request does not match its schema.', errors);
}
