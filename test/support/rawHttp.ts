/**
 * HTTP without guard rails, for the fuzzer and the rate-limit tests: any method, duplicated
 * headers (given as a list), any body bytes; and, below HTTP, bytes written straight to a
 * socket for requests no client library would send. Answers are never validated here.
 */
import { request } from 'node:http';
import { connect } from 'node:net';

export interface RawRequest {
  method: string;
  /** Sent as is: may hold anything a request target may hold. */
  path: string;
  /** Name/value pairs; a name may repeat. */
  headers?: readonly (readonly [string, string])[];
  body?: Buffer | string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  json: unknown;
}

function parsed(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Sends one request on a fresh connection; rejects on a network error or after `timeoutMs`. */
export function rawRequest(baseUrl: string, spec: RawRequest, timeoutMs = 30_000): Promise<RawResponse> {
  const base = new URL(baseUrl);
  const flat: string[] = [];
  // A raw header list gets no Host from Node; HTTP/1.1 requires one.
  if (!(spec.headers ?? []).some(([n]) => n.toLowerCase() === 'host')) flat.push('host', base.host);
  for (const [name, value] of spec.headers ?? []) flat.push(name, value);
  const body = spec.body === undefined ? undefined : Buffer.isBuffer(spec.body) ? spec.body : Buffer.from(spec.body, 'utf8');
  if (body !== undefined && !(spec.headers ?? []).some(([n]) => n.toLowerCase() === 'content-length' || n.toLowerCase() === 'transfer-encoding')) {
    flat.push('content-length', String(body.length));
  }
  return new Promise((resolve, reject) => {
    const req = request({
      host: base.hostname,
      port: base.port,
      method: spec.method,
      path: spec.path,
      headers: flat,
      agent: false,
      signal: AbortSignal.timeout(timeoutMs),
      // The fuzzer sends bytes Node would refuse to build into a request line by default.
      insecureHTTPParser: true,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes, json: parsed(bytes) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Writes bytes to a new connection and parses the first answer (status, headers, body up to close). */
export function rawSocketRequest(baseUrl: string, bytes: Buffer, timeoutMs = 10_000): Promise<RawResponse> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(base.port), base.hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no answer in time'));
    }, timeoutMs);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      // One answer is enough: stop once its body is complete.
      const answer = parseAnswer(Buffer.concat(chunks));
      if (answer) {
        clearTimeout(timer);
        socket.destroy();
        resolve(answer);
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const answer = parseAnswer(Buffer.concat(chunks), true);
      if (answer) resolve(answer);
      else reject(new Error(`connection closed without an answer (${Buffer.concat(chunks).length} bytes)`));
    });
    socket.end(bytes);
  });
}

function parseAnswer(data: Buffer, closed = false): RawResponse | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const [statusLine, ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
  const body = data.subarray(end + 4);
  if (length !== undefined && body.length < length) return undefined;
  if (length === undefined && !closed) return undefined;
  const exact = length === undefined ? body : body.subarray(0, length);
  return { status, headers, body: exact, json: parsed(exact) };
}
