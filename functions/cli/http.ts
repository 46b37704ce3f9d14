/**
 * One HTTP exchange on node:http(s), with the body written in chunks so upload progress can
 * be reported (fetch cannot report it, nor send a presigned PUT's exact Content-Length).
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface SendOptions {
  method: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Called as the body is written: bytes sent so far and in all. */
  onProgress?: (sent: number, total: number) => void;
  timeoutMs?: number;
}

const CHUNK = 256 * 1024;

export function send(url: string | URL, options: SendOptions): Promise<HttpAnswer> {
  const target = typeof url === 'string' ? new URL(url) : url;
  const body = options.body;
  const headers = { ...(options.headers ?? {}), ...(body ? { 'content-length': String(body.length) } : {}) };
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<HttpAnswer>((resolve, reject) => {
    const req = request(target, { method: options.method, headers, timeout: options.timeoutMs ?? 300_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`No answer from ${target.host} within ${(options.timeoutMs ?? 300_000) / 1000} s.`)));
    req.on('error', reject);
    if (!body) return void req.end();
    writeInChunks(req, body, options.onProgress).then(() => req.end(), reject);
  });
}

async function writeInChunks(req: NodeJS.WritableStream, body: Buffer, onProgress?: (sent: number, total: number) => void): Promise<void> {
  for (let at = 0; at < body.length; at += CHUNK) {
    const chunk = body.subarray(at, at + CHUNK);
    await new Promise<void>((resolve, reject) => req.write(chunk, (error) => (error ? reject(error) : resolve())));
    onProgress?.(Math.min(at + CHUNK, body.length), body.length);
  }
}
