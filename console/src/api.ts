/**
 * The console's only way to the API: same-origin fetch with the staff key from sessionStorage
 * (never a URL, cookie or localStorage). A 401 ends the session; a route the server does not
 * have yet (an older deployment) is told apart from a missing resource, so views can say
 * "not available" instead of failing.
 */

const KEY_ITEM = 'mpa-console-staff-key';

/** The API's base path: what precedes /console/ (an API Gateway stage, e.g. /prod, or nothing). */
const apiBase = location.pathname.replace(/\/console(\/.*)?$/, '');

export const session = {
  key: (): string | null => sessionStorage.getItem(KEY_ITEM),
  signIn: (key: string) => sessionStorage.setItem(KEY_ITEM, key),
  signOut: () => sessionStorage.removeItem(KEY_ITEM),
};

export interface ProblemBody {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  errors?: { path: string; message: string }[];
}

/** An error answer of the API, with its RFC 9457 problem. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemBody,
  ) {
    super(problem.detail || problem.title || `HTTP ${status}`);
  }
}

/** The server has no such route: the feature is not deployed there yet. */
export class NotAvailable extends Error {}

/** The key was refused; the app returns to sign-in. */
export class SignedOut extends Error {}

type SignOutListener = (message: string) => void;
let onSignedOut: SignOutListener = () => undefined;
export function whenSignedOut(listener: SignOutListener): void {
  onSignedOut = listener;
}

function isMissingRoute(status: number, problem: ProblemBody): boolean {
  // The local server: "There is no route ..."; API Gateway: 403 "Missing Authentication Token".
  return (status === 404 && /^There is no route/.test(problem.detail ?? '')) || (status === 403 && /Missing Authentication Token/i.test(JSON.stringify(problem)));
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  raw?: Blob | ArrayBuffer;
  contentType?: string;
  /** Answer with this instead of throwing for these statuses (e.g. 409 with its problem). */
  signal?: AbortSignal;
  /** Check a key before keeping it (sign-in). */
  key?: string;
}

/** Calls the API; JSON in, JSON out. Throws ApiError, NotAvailable or SignedOut. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const key = options.key ?? session.key();
  if (!key) {
    onSignedOut('');
    throw new SignedOut('Not signed in.');
  }
  const headers: Record<string, string> = { authorization: `Bearer ${key}`, accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.raw !== undefined) {
    body = options.raw;
    headers['content-type'] = options.contentType ?? 'application/octet-stream';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  let response: Response;
  try {
    response = await fetch(apiBase + path, { method: options.method ?? 'GET', headers, body, credentials: 'omit', cache: 'no-store', signal: options.signal });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, { status: 0, title: 'Network error', detail: 'The service did not answer. Is it running?' });
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (response.ok) return parsed as T;
  const problem: ProblemBody = (parsed as ProblemBody) ?? { status: response.status, detail: text.slice(0, 200) };
  if (response.status === 401) {
    if (options.key === undefined) {
      session.signOut();
      onSignedOut('The service refused the staff key (401): it may have been revoked. Sign in again.');
    }
    throw new SignedOut(problem.detail ?? 'Unauthorized');
  }
  if (isMissingRoute(response.status, problem)) throw new NotAvailable(`${options.method ?? 'GET'} ${path.split('?')[0]} is not available on this server yet.`);
  throw new ApiError(response.status, problem);
}

/** A query string from the parameters that have a value. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

/**
 * Counts a list by reading its pages of 1,000 up to `maxPages`; `more` when it stopped early.
 * `key`: a key not kept yet (the overview's reads started while sign-in checks that key).
 */
export async function countAll(path: string, params: Record<string, string | number | undefined> = {}, maxPages = 10, key?: string): Promise<{ count: number; more: boolean; items: unknown[] }> {
  let cursor: string | undefined;
  let count = 0;
  const items: unknown[] = [];
  for (let page = 0; page < maxPages; page++) {
    const answer = await request<Page<unknown>>(path + query({ ...params, limit: 1000, cursor }), { key });
    count += answer.items.length;
    items.push(...answer.items);
    if (!answer.nextCursor) return { count, more: false, items };
    cursor = answer.nextCursor;
  }
  return { count, more: true, items };
}

/** Every page of a list (for CSV export), at most `maxRows`. */
export async function readAll<T>(path: string, params: Record<string, string | number | undefined>, maxRows = 50_000): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (;;) {
    const answer = await request<Page<T>>(path + query({ ...params, limit: 1000, cursor }));
    items.push(...answer.items);
    if (!answer.nextCursor) return { items, truncated: false };
    if (items.length >= maxRows) return { items, truncated: true };
    cursor = answer.nextCursor;
  }
}
