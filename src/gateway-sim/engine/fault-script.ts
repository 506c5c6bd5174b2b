// The fault script: failures the simulator injects on purpose so that every error path of a client can
// be tested. Faults come from the state file (`faults:`) or are added while it runs (tests).
import type { OutMessageName, WithholdableMessage } from "../wire/message-ids.js";

export type FaultTrigger = "connect" | "first-order" | "first-fill";

export type Fault =
  | { type: "disconnect"; afterMessages?: number; on?: "first-order" | "first-fill"; times?: number }
  | {
      type: "connectivity-lost";
      afterMessages?: number;
      on?: FaultTrigger;
      restoreAfterMs?: number;
      restore?: 1101 | 1102;
      times?: number;
    }
  | { type: "reject"; symbol: string; reason?: string; times?: number }
  | { type: "partial-fill"; symbol?: string; fraction: number; restAfterMs?: number; times?: number }
  | { type: "withhold"; message: WithholdableMessage; times?: number }
  | { type: "delay"; ms: number; messages?: OutMessageName[]; times?: number };

export type ConnectivityFault = Extract<Fault, { type: "connectivity-lost" }>;

/** What a trigger (a message count or an event) asks the simulator to do. */
export interface TriggeredFaults {
  disconnect: boolean;
  connectivity: ConnectivityFault | undefined;
}

export interface FiredFault {
  fault: Fault;
  /** What made it fire, for example `message 5 from client 7` or `first-fill`. */
  detail: string;
}

interface ArmedFault {
  fault: Fault;
  remaining: number;
}

export class FaultScript {
  private armed: ArmedFault[] = [];
  private readonly log: FiredFault[] = [];

  constructor(faults: readonly Fault[] = []) {
    for (const fault of faults) this.add(fault);
  }

  add(fault: Fault): void {
    // Connection faults fire once unless told otherwise; conditions (reject, delay...) apply every time.
    const once = fault.type === "disconnect" || fault.type === "connectivity-lost";
    this.armed.push({ fault, remaining: fault.times ?? (once ? 1 : Number.POSITIVE_INFINITY) });
  }

  clear(): void {
    this.armed = [];
  }

  /** Faults still armed, in script order. */
  list(): Fault[] {
    return this.armed.filter((a) => a.remaining > 0).map((a) => a.fault);
  }

  fired(): FiredFault[] {
    return [...this.log];
  }

  /** A client's `count`th message (START_API is 1) was handled. */
  afterMessage(count: number, clientId: number): TriggeredFaults {
    return this.trigger(
      (f) => (f.type === "disconnect" || f.type === "connectivity-lost") && f.afterMessages === count,
      `message ${count} from client ${clientId}`,
    );
  }

  onEvent(event: FaultTrigger): TriggeredFaults {
    return this.trigger(
      (f) => (f.type === "disconnect" || f.type === "connectivity-lost") && f.on === event,
      event,
    );
  }

  /** The rejection reason when orders for `symbol` are to be rejected. */
  rejection(symbol: string): string | undefined {
    const hit = this.take((f) => f.type === "reject" && f.symbol === symbol, `order for ${symbol}`);
    return hit?.type === "reject" ? (hit.reason ?? "simulated rejection") : undefined;
  }

  partialFill(symbol: string): { fraction: number; restAfterMs: number | undefined } | undefined {
    const hit = this.take(
      (f) => f.type === "partial-fill" && (f.symbol === undefined || f.symbol === symbol),
      `fill of ${symbol}`,
    );
    return hit?.type === "partial-fill"
      ? { fraction: hit.fraction, restAfterMs: hit.restAfterMs }
      : undefined;
  }

  withholds(message: OutMessageName): boolean {
    return this.take((f) => f.type === "withhold" && f.message === message, message) !== undefined;
  }

  /** Milliseconds to hold back this outgoing message (0 when no delay applies). */
  delayFor(message: OutMessageName): number {
    const hit = this.take(
      (f) => f.type === "delay" && (f.messages === undefined || f.messages.includes(message)),
      message,
      false,
    );
    return hit?.type === "delay" ? hit.ms : 0;
  }

  private trigger(match: (f: Fault) => boolean, detail: string): TriggeredFaults {
    const result: TriggeredFaults = { disconnect: false, connectivity: undefined };
    // Each matching fault fires once per trigger, however many times it has left.
    for (const armed of this.armed) {
      if (armed.remaining <= 0 || !match(armed.fault)) continue;
      armed.remaining -= 1;
      this.log.push({ fault: armed.fault, detail });
      if (armed.fault.type === "disconnect") result.disconnect = true;
      if (armed.fault.type === "connectivity-lost") result.connectivity ??= armed.fault;
    }
    return result;
  }

  private take(match: (f: Fault) => boolean, detail: string, record = true): Fault | undefined {
    const armed = this.armed.find((a) => a.remaining > 0 && match(a.fault));
    if (armed === undefined) return undefined;
    armed.remaining -= 1;
    if (record) this.log.push({ fault: armed.fault, detail });
    return armed.fault;
  }
}
