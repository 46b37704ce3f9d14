/**
 * A gate that background work passes before each storage request: open while the local server
 * has no request in flight, closed while it has one. Locally the fleet syncs share DynamoDB
 * Local's JVM and the machine's cores with the requests; on AWS they run in a Lambda of their
 * own against a service that scales apart from the uploads. Holding their next request while a
 * request is served keeps them from taxing it (bench/README.md). A request waits at most
 * `maxWaitMs`, so the syncs still progress under a steady stream of requests.
 */
export class YieldGate {
  private busy = false;
  private waiting: (() => void)[] = [];

  constructor(private readonly maxWaitMs: number) {}

  /** Whether the server now has requests in flight. */
  setBusy(busy: boolean): void {
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
