// One apply run's link to IB Gateway: it notices when the socket closed, reconnects with bounded
// exponential backoff, and repeats a read the drop interrupted. Reads only: a placement is never repeated
// here (execute-legs looks at what IB has before deciding anything about an order).
import type { Broker } from "../broker/broker.js";
import { BrokerError } from "../errors.js";
import type { ProgressEvent } from "./execution-types.js";

export interface ReconnectPolicy {
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = { attempts: 6, initialDelayMs: 500, maxDelayMs: 8_000 };

export class Reconnector {
  private lost = false;
  private readonly unsubscribe: () => void;
  private readonly afterReconnect: Array<() => Promise<void>> = [];

  constructor(
    private readonly broker: Broker,
    private readonly policy: ReconnectPolicy = DEFAULT_RECONNECT,
    private readonly progress: (event: ProgressEvent) => void = () => undefined,
  ) {
    this.unsubscribe = broker.subscribe((event) => {
      if (event.kind === "connection" && event.state === "closed") this.lost = true;
    });
  }

  /** The socket closed since the last (re)connect. */
  get needsReconnect(): boolean {
    return this.lost;
  }

  /** Runs after every successful reconnect, before the interrupted step goes on (reading IB's state again). */
  onReconnected(resync: () => Promise<void>): () => void {
    this.afterReconnect.push(resync);
    return () => {
      const at = this.afterReconnect.indexOf(resync);
      if (at >= 0) this.afterReconnect.splice(at, 1);
    };
  }

  dispose(): void {
    this.unsubscribe();
  }

  /**
   * Runs an idempotent read; when the connection dropped under it, reconnects and reads again, at most
   * `attempts` times. Any other failure (a timeout, an IB error) is the caller's to report.
   */
  async read<T>(what: () => Promise<T>): Promise<T> {
    for (let retry = 0; ; retry++) {
      await this.ensureConnected();
      try {
        return await what();
      } catch (error) {
        if (!(error instanceof BrokerError) || !this.lost || retry >= this.policy.attempts) throw error;
      }
    }
  }

  /** Reconnects when the socket closed (or always, with force), then runs the resync hooks. */
  async ensureConnected(force = false): Promise<void> {
    if (!force && !this.lost) return;
    let delay = this.policy.initialDelayMs;
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.policy.attempts; attempt++) {
      this.progress({ kind: "reconnecting", attempt, message: "connection to IB Gateway lost" });
      await sleep(delay);
      try {
        await this.broker.connect();
        // Connecting closes the old socket, which reports itself closed: only a drop from now on counts.
        this.lost = false;
        for (const resync of this.afterReconnect) await resync();
        if (this.lost) throw new BrokerError("the connection dropped again while reading IB's state");
        this.progress({ kind: "reconnected", attempt });
        return;
      } catch (error) {
        lastError = error;
        delay = Math.min(delay * 2, this.policy.maxDelayMs);
      }
    }
    throw new BrokerError(
      `lost the connection to IB Gateway and could not reconnect in ${this.policy.attempts} attempts: ${(lastError as Error)?.message ?? "unknown"}`,
      {
        hint: "Orders already sent may still be working at IB. Run the same apply again once the gateway is back: it follows them and sends nothing twice.",
      },
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
