/**
 * A gate that background work passes before each storage request: open while the local server
 * has no request in flight, closed while it has one. Locally the fleet syncs share DynamoDB
 * Local's JVM and the machine's cores with the requests; on AWS they run in a Lambda of their
 * own against a service that scales apart from the uploads. Holding their next request while a
 * request is served keeps them from taxing it (bench/README.md). The gate opens only once the
 * server has been idle for `quietMs`: a client sending one request after another (an install's
 * queries, a re-send) leaves gaps of a millisecond or so, and requests let through in such a gap
 * were still in DynamoDB Local when the next request came. A request waits at most `maxWaitMs`,
 * so the syncs still progress under a steady stream of requests.
 */
export class YieldGate {
  private busy = false;
  private waiting: (() => void)[] = [];
  private quiet: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly maxWaitMs: number,
    private readonly quietMs = 0,
  ) {}

  /** Whether the server now has requests in flight; idle opens the gate after `quietMs` more without one. */
  setBusy(busy: boolean): void {
    clearTimeout(this.quiet);
    this.quiet = undefined;
    if (busy || this.quietMs === 0) return this.settle(busy);
    this.quiet = setTimeout(() => this.settle(false), this.quietMs);
    // Each waiting request has a timer of its own: this one need not keep a process alive.
    this.quiet.unref?.();
  }

  private settle(busy: boolean): void {
    this.busy = busy;
    if (!busy) for (const open of this.waiting.splice(0)) open();
  }

  /** Resolves once the server has no request in flight, or after maxWaitMs. */
  pass(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((open) => open !== done);
        resolve();
      }, this.maxWaitMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiting.push(done);
    });
  }
}
