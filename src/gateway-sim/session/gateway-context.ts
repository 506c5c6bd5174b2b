// What request handlers and sessions may use of the running simulator.
import type { FaultScript, ConnectivityFault } from "../engine/fault-script.js";
import type { SimBroker } from "../engine/sim-broker.js";
import type { SimWorld } from "../state/sim-state.js";
import type { ClientSession } from "./client-session.js";

export interface GatewayLimits {
  /** Messages a client may send in any one second (IB: 50). */
  messagesPerSecond: number;
  /** Simultaneous market data lines per client (IB: about 100). */
  marketDataLines: number;
  /** API clients connected at once (IB: 32). */
  clients: number;
  /**
   * Milliseconds a connection may take from accept to START_API before it is dropped, so that idle
   * connections cannot hold every client slot.
   */
  handshakeTimeoutMs: number;
}

export interface GatewayStats {
  connections: number;
  messagesReceived: number;
  messagesSent: number;
  pacingViolations: number;
  /** The most messages one client sent in any one-second window. */
  peakMessagesPerSecond: number;
}

export interface GatewayContext {
  readonly world: SimWorld;
  readonly broker: SimBroker;
  readonly faults: FaultScript;
  readonly limits: GatewayLimits;
  readonly serverVersion: number;
  readonly stats: GatewayStats;
  /** The injected clock, epoch milliseconds. */
  now(): number;
  /** Connected sessions that have sent START_API. */
  sessions(): ClientSession[];
  /** True while a connectivity-lost fault holds traffic back. */
  inOutage(): boolean;
  startOutage(fault: ConnectivityFault): void;
  /** --verbose logging; a no-op otherwise. */
  log(line: string): void;
  /** Problems worth seeing without --verbose (a request the simulator cannot read). */
  warn(line: string): void;
  readonly verbose: boolean;
}
