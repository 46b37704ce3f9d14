/** Validating small request bodies and query strings with zod, as validation_failed problems. */
import type { z } from 'zod';
import { ProblemError } from '../domain/problems.js';
import { problemIssuesOf } from '../domain/zodIssues.js';

export function parseRequest<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = [...problemIssuesOf(result.error, prefix)].map(({ path, message }) => ({ path, message }));
  throw new ProblemError('validation_failed', 'The request does not match its schema.', errors);
}
