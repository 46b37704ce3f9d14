/** zod issues as the contract's problem `errors`: one entry per problem, with JSON paths. */
import type { core } from 'zod/mini';
import { joinPath } from './pii.js';
import type { ProblemIssue } from './problems.js';
import { OPAQUE_TOKEN_MESSAGE } from './schemas/opaqueToken.js';

export interface ZodProblemIssue extends ProblemIssue {
  /** The issue comes from an anonymized-identifier field: report it as pii_detected. */
  pii: boolean;
}

/** The issues of a zod error (records, requests and the bundle manifest are zod/mini). */
export function* problemIssuesOf(error: { issues: readonly core.$ZodIssue[] }, prefix = ''): Generator<ZodProblemIssue> {
  for (const issue of error.issues) {
    const path = issue.path.reduce<string>((p, k) => joinPath(p, k as string | number), prefix);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) yield { path: joinPath(path, key), message: 'is not a known field', pii: false };
    } else {
      const pii = issue.code === 'invalid_format' && issue.message === OPAQUE_TOKEN_MESSAGE;
      yield { path, message: issue.message, pii };
    }
  }
}
