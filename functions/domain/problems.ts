/**
 * RFC 9457 problem details, as the contract (DESIGN.md §3) defines them.
 * Domain code throws ProblemError; the HTTP layer turns it into application/problem+json.
 */

export const problemCodes = [
  'invalid_json',
  'validation_failed',
  'pii_detected',
  'unauthorized',
  'forbidden',
  'usage_collection_disabled',
  'unknown_query_type',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'invalid_bundle',
  'throttled',
  'reports_missing',
  'internal',
] as const;

export type ProblemCode = (typeof problemCodes)[number];

export interface ProblemIssue {
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  errors?: ProblemIssue[];
}

/** At most this many entries in `errors`. */
export const MAX_PROBLEM_ISSUES = 100;

const problemTitles: Record<ProblemCode, { status: number; title: string }> = {
  invalid_json: { status: 400, title: 'Body is not valid JSON' },
  validation_failed: { status: 400, title: 'Validation failed' },
  pii_detected: { status: 400, title: 'Personal data detected' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  usage_collection_disabled: { status: 403, title: 'Usage data collection is disabled' },
  unknown_query_type: { status: 404, title: 'Unknown query type' },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  invalid_bundle: { status: 400, title: 'Invalid bundle' },
  throttled: { status: 429, title: 'Too many requests' },
  reports_missing: { status: 409, title: 'Reports missing' },
  internal: { status: 500, title: 'Internal error' },
};

export function problemStatus(code: ProblemCode): number {
  return problemTitles[code].status;
}

export function makeProblem(code: ProblemCode, detail: string, errors?: ProblemIssue[]): Problem {
  const { status, title } = problemTitles[code];
  const problem: Problem = {
    type: `https://mpa-licensing.mitel.com/problems/${code.replaceAll('_', '-')}`,
    title,
    status,
    detail,
    code,
  };
  if (errors && errors.length > 0) problem.errors = errors.slice(0, MAX_PROBLEM_ISSUES);
  return problem;
}

export class ProblemError extends Error {
  readonly problem: Problem;
  /** Extra response headers, e.g. Retry-After or Allow. */
  readonly headers: Record<string, string>;

  constructor(code: ProblemCode, detail: string, errors?: ProblemIssue[], headers: Record<string, string> = {}) {
    super(detail);
    this.name = 'ProblemError';
    this.problem = makeProblem(code, detail, errors);
    this.headers = headers;
  }

  get code(): ProblemCode {
    return this.problem.code;
  }
}

export function isProblemError(error: unknown): error is ProblemError {
  return error instanceof ProblemError;
}
