/**
 * A load generator in its own process (so it does not share the server's event loop):
 * `concurrency` clients post small uploads until `total` are done; prints JSON results.
 * Each client is an install of its own when several API keys are given (comma-separated),
 * as thousands of installs uploading in the same hour are; with one key they all share it.
 * Upload n is collected at `firstCollectedAt` (epoch ms) + n seconds: each install's snapshots
 * arrive in order, and a later run continues where the last one ended (an older snapshot than an
 * install's latest costs a second transaction, functions/store/uploadLog.ts).
 * Args: url apiKeys total concurrency firstCollectedAt. Prints rate, latencies, statuses and the
 * CPU time it used itself while uploading (its start-up left out).
 *
 * Each client keeps one TCP connection and writes its requests as prepared bytes, reading each
 * answer's status line and Content-Length (the local server always sends one). The client shares
 * the two cores with the server it measures: `fetch` cost ~1.6 ms of CPU per upload, `node:http`
 * 0.5–0.6, this ~0.2 (bench/README.md). Every answer is read whole before the next request.
 */
import { connect, type Socket } from 'node:net';
import { sampleUpload } from '../functions/samples/sampleUploads.js';

const [url, apiKeysArg, totalArg, concurrencyArg, firstCollectedAtArg] = process.argv.slice(2);
const apiKeys = apiKeysArg!.split(',');
const total = Number(totalArg);
const concurrency = Number(concurrencyArg);
const base = Number(firstCollectedAtArg);
const template = sampleUpload('event-counts', { devices: 10, collectedAt: new Date(base).toISOString() });
const target = new URL('/v1/uploads/event-counts', url);

/** An answer takes at most this long (the server's p99 is under 0.2 s). */
const TIMEOUT_MS = 30_000;
const HEAD_END = Buffer.from('\r\n\r\n');

/** The bytes of one upload's request. */
function requestBytes(apiKey: string, body: string): Buffer {
  const bodyBytes = Buffer.from(body);
  const head =
    `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nAuthorization: Bearer ${apiKey}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${bodyBytes.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), bodyBytes]);
}

/** One kept-alive connection: one request at a time, its answer read to its end. */
class Connection {
  private socket: Socket;
  private received: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (status: number) => void; reject: (error: Error) => void; timer: NodeJS.Timeout } | undefined;

  constructor() {
    this.socket = connect(Number(target.port), target.hostname);
    this.socket.setNoDelay(true);
    this.socket.on('data', (data: Buffer) => this.read(data));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error('the server closed the connection')));
  }

  send(request: Buffer): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      this.waiting = { resolve, reject, timer };
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.removeAllListeners('close');
    this.socket.destroy();
  }

  private read(data: Buffer): void {
    this.received = this.received.length === 0 ? data : Buffer.concat([this.received, data]);
    const headEnd = this.received.indexOf(HEAD_END);
    if (headEnd < 0 || !this.waiting) return;
    const head = this.received.toString('latin1', 0, headEnd);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) return this.fail(new Error(`an answer without Content-Length: ${head.split('\r\n')[0]}`));
    const end = headEnd + HEAD_END.length + Number(length[1]);
    if (this.received.length < end) return;
    this.received = this.received.subarray(end);
    const { resolve, timer } = this.waiting;
    this.waiting = undefined;
    clearTimeout(timer);
    resolve(Number(head.slice(9, 12)));
  }

  private fail(error: Error): void {
    if (!this.waiting) return;
    const { reject, timer } = this.waiting;
    this.waiting = undefined;
    clearTimeout(timer);
    reject(error);
  }
}

let next = 0;
const latencies: number[] = [];
const statuses: Record<string, number> = {};
async function client(apiKey: string): Promise<void> {
  const connection = new Connection();
  try {
    while (next < total) {
      const n = next++;
      const request = requestBytes(apiKey, JSON.stringify({ ...template, collectedAt: new Date(base + n * 1000).toISOString() }));
      const start = performance.now();
      const status = await connection.send(request);
      latencies.push(performance.now() - start);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  } finally {
    connection.close();
  }
}
const cpuAtStart = process.cpuUsage();
const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, (_, i) => client(apiKeys[i % apiKeys.length]!)));
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuAtStart);
latencies.sort((a, b) => a - b);
const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)]!;
console.log(JSON.stringify({ perSecond: total / seconds, p50: at(0.5), p99: at(0.99), statuses, cpuMs: (cpu.user + cpu.system) / 1000 }));
