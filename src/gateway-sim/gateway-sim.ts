// The IB Gateway simulator: a loopback TCP server speaking the TWS API (server versions 100 to 193) well enough
// that the unmodified @stoqey/ib client cannot tell it from IB Gateway. Demo mode and every broker test.
import type { Server, Socket } from "node:net";
import type { Document } from "yaml";
import { createServer } from "node:net";
import { FolioctlError, InputError } from "../errors.js";
import { formatDiagnosticWithHint } from "../config/diagnostic.js";
import type { Fault } from "./engine/fault-script.js";
import { FaultScript } from "./engine/fault-script.js";
import { SimBroker } from "./engine/sim-broker.js";
import { buildContract, buildWorld, renderStateFile, worldToStateFile } from "./state/build-world.js";
import type { LoadSimStateResult } from "./state/load-sim-state.js";
import { checkFault, loadSimStateFile, validateSimStateValue } from "./state/load-sim-state.js";
import type {
  MarketDataPermission,
  SimContractSpec,
  SimQuote,
  SimStateFile,
  SimWorld,
} from "./state/sim-state.js";
import { StateSaver } from "./state/state-saver.js";
import { stateClock } from "./state/state-clock.js";
import type { Clock } from "../core/clock.js";
import { SERVER_VERSION_RANGE } from "./wire/server-versions.js";
import { publishQuote } from "./session/account-streams.js";
import { ClientSession } from "./session/client-session.js";
import { dispatchRequest } from "./session/dispatch-request.js";
import type { GatewayContext, GatewayLimits, GatewayStats } from "./session/gateway-context.js";
import { sendTicks } from "./session/handle-market-data.js";
import { OrderNotifier } from "./session/order-notifier.js";
import type { SimAccountView, SimExecutionView, SimOrderView } from "./views.js";
import { accountView, executionView, orderView } from "./views.js";

export interface GatewaySimOptions {
  /** The state as an object (tests). One of state or stateFile is required. */
  state?: SimStateFile;
  /** A state file (schema/sim-state.schema.json). */
  stateFile?: string;
  /** Rewrite stateFile after every fill. */
  save?: boolean;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loopback only: 127.0.0.1 (default), ::1 or localhost. */
  host?: string;
  /**
   * The time the simulator reports and trading hours are judged by. Default: the state's `clock` (which
   * runs on from its start), else the system clock.
   */
  clock?: { now(): Date };
  /** Log every message in both directions, decoded. */
  verbose?: boolean;
  /** Where log lines go (default: stderr, only with verbose or for problems). */
  logger?: (line: string) => void;
  limits?: Partial<GatewayLimits>;
  /** The first order id NEXT_VALID_ID reports. Default 1000. */
  firstOrderId?: number;
  /**
   * The highest server version to agree to, as an older IB Gateway would (100 to 193; default 193).
   * Every message both ways then follows that version's layout.
   */
  serverVersion?: number;
}

export interface GatewaySim {
  readonly host: string;
  readonly port: number;
  /** Messages received from all clients so far. */
  readonly messageCount: number;
  stop(): Promise<void>;
  stats(): GatewayStats;
  /** Every order ever received, rejected ones included, in arrival order. */
  orders(): SimOrderView[];
  executions(): SimExecutionView[];
  accounts(): SimAccountView[];
  account(id: string): SimAccountView;
  /** Connected API clients. */
  clients(): { clientId: number; connectionId: number }[];
  /** Merges into the quote of a contract; streaming lines get the new ticks and resting orders re-check. */
  setQuote(conId: number, quote: SimQuote): void;
  /** Sets a position as if held overnight (no daily P&L from the change). */
  setPosition(account: string, conId: number, quantity: number, avgCost?: number): void;
  setCash(account: string, currency: string, amount: number): void;
  addContract(contract: SimContractSpec): void;
  setMarketData(permission: MarketDataPermission): void;
  /** Adds a fault to the script (validated like the state file's). */
  injectFault(fault: Fault): void;
  clearFaults(): void;
  faults(): Fault[];
  firedFaults(): { fault: Fault; detail: string }[];
  /** Drops a client's connection as a network failure would. */
  disconnectClient(clientId: number): void;
  /** The simulator's time now: what it answers reqCurrentTime with. */
  now(): Date;
  /** Re-checks held and resting orders now (after moving an injected clock). */
  reevaluate(): void;
  /** The current state in the state file format. */
  snapshotState(): SimStateFile;
  /** Resolves when --save writes are on disk. */
  flushSave(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

export async function startGatewaySim(options: GatewaySimOptions): Promise<GatewaySim> {
  const host = options.host ?? "127.0.0.1";
  if (!LOOPBACK.has(host)) {
    throw new InputError(`the gateway simulator listens on loopback only, not on ${host}`, {
      hint: "use 127.0.0.1 (the default), ::1 or localhost",
    });
  }
  const { min, max } = SERVER_VERSION_RANGE;
  const version = options.serverVersion;
  if (version !== undefined && !(Number.isInteger(version) && version >= min && version <= max)) {
    throw new InputError(`the simulator cannot speak server version ${version}`, {
      hint: `pick a server version from ${min} to ${max}`,
    });
  }
  const loaded = await loadState(options);
  if (!loaded.ok) {
    throw new InputError(
      `the simulator state ${loaded.file} is invalid:\n${loaded.errors.map(formatDiagnosticWithHint).join("").trimEnd()}`,
      {
        hint: "fix the fields named above; schema/sim-state.schema.json describes the format",
      },
    );
  }
  const sim = new Simulator(options, loaded.state, loaded.document);
  await sim.listen(host, options.port ?? 0);
  return sim.handle();
}

async function loadState(options: GatewaySimOptions): Promise<LoadSimStateResult> {
  if (options.state !== undefined) return validateSimStateValue(structuredClone(options.state));
  if (options.stateFile !== undefined) return loadSimStateFile(options.stateFile);
  throw new InputError("the gateway simulator needs a state", {
    hint: "pass --sim-state FILE (see examples/sim-state.yaml)",
  });
}

class Simulator {
  private readonly world: SimWorld;
  private readonly faults: FaultScript;
  private readonly broker: SimBroker;
  private readonly sessions = new Set<ClientSession>();
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private readonly ctx: GatewayContext;
  private readonly saver: StateSaver | undefined;
  private readonly log: (line: string) => void;
  private readonly clock: Clock;
  private readonly stats: GatewayStats = {
    connections: 0,
    messagesReceived: 0,
    messagesSent: 0,
    pacingViolations: 0,
    peakMessagesPerSecond: 0,
  };
  private outageTimer: NodeJS.Timeout | undefined;
  private connectionSeq = 0;
  private address = { host: "127.0.0.1", port: 0 };

  constructor(
    private readonly options: GatewaySimOptions,
    state: SimStateFile,
    document: Document | undefined,
  ) {
    const verbose = options.verbose ?? false;
    this.log = options.logger ?? ((line) => process.stderr.write(`${line}\n`));
    const clock =
      options.clock ?? (state.clock === undefined ? { now: () => new Date() } : stateClock(state.clock));
    this.clock = clock;
    this.world = buildWorld(state);
    this.faults = new FaultScript(state.faults ?? []);
    const now = (): number => clock.now().getTime();
    const limits: GatewayLimits = {
      messagesPerSecond: 50,
      marketDataLines: 100,
      clients: 32,
      handshakeTimeoutMs: 5000,
      ...options.limits,
    };
    const notifier = new OrderNotifier(
      () => this.ctx,
      () => this.saver?.request(),
    );
    this.broker = new SimBroker({
      world: this.world,
      faults: this.faults,
      observer: notifier,
      now,
      firstOrderId: options.firstOrderId,
    });
    this.ctx = {
      world: this.world,
      broker: this.broker,
      faults: this.faults,
      limits,
      serverVersion: options.serverVersion ?? SERVER_VERSION_RANGE.max,
      stats: this.stats,
      now,
      sessions: () => [...this.sessions].filter((s) => s.started && !s.closed),
      inOutage: () => this.outageTimer !== undefined,
      startOutage: (fault) => this.startOutage(fault.restoreAfterMs ?? 1000, fault.restore ?? 1102),
      log: verbose ? this.log : () => undefined,
      warn: this.log,
      verbose,
    };
    if (options.save === true && options.stateFile !== undefined) {
      const file = options.stateFile;
      this.saver = new StateSaver(
        file,
        () => renderStateFile(this.world, this.faults.list(), document),
        (error) => this.log(`[sim] cannot save the state to ${file}: ${(error as Error).message}`),
      );
    }
    this.server = createServer((socket) => this.accept(socket));
  }

  listen(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        const busy = error.code === "EADDRINUSE";
        reject(
          new FolioctlError(
            busy
              ? `port ${port} on ${host} is already in use`
              : `cannot listen on ${host}:${port}: ${error.message}`,
            {
              hint: busy ? "stop whatever uses it or pick another port with --port" : undefined,
              cause: error,
            },
          ),
        );
      };
      this.server.once("error", onError);
      this.server.listen(port, host, () => {
        this.server.off("error", onError);
        const address = this.server.address();
        this.address = { host, port: typeof address === "object" && address !== null ? address.port : port };
        resolve();
      });
    });
  }

  handle(): GatewaySim {
    const stats = this.stats;
    const account = (id: string) => {
      const found = this.world.accounts.get(id);
      if (found === undefined) throw new InputError(`the simulator has no account ${id}`);
      return found;
    };
    return {
      host: this.address.host,
      port: this.address.port,
      get messageCount() {
        return stats.messagesReceived;
      },
      stop: () => this.stop(),
      stats: () => ({ ...this.stats }),
      orders: () => this.broker.orders().map(orderView),
      executions: () => this.broker.executions().map(executionView),
      accounts: () => [...this.world.accounts.values()].map((a) => accountView(this.world, a)),
      account: (id) => accountView(this.world, account(id)),
      clients: () => this.ctx.sessions().map((s) => ({ clientId: s.clientId, connectionId: s.connectionId })),
      setQuote: (conId, quote) => this.setQuote(conId, quote),
      setPosition: (id, conId, quantity, avgCost) => {
        const held = account(id).positions.get(conId);
        account(id).positions.set(conId, { quantity, avgCost: avgCost ?? held?.avgCost ?? 0 });
        // A position set from outside counts as held overnight: it is no P&L of today's.
        account(id).day.delete(conId);
      },
      setCash: (id, currency, amount) => void account(id).cash.set(currency, amount),
      addContract: (spec) => {
        const contract = buildContract(spec);
        this.world.contracts.set(spec.conId, contract);
        const currencies = contract.secType === "CASH" ? [spec.symbol, spec.currency] : [spec.currency];
        for (const c of currencies) if (!this.world.exchangeRates.has(c)) this.world.exchangeRates.set(c, 1);
      },
      setMarketData: (permission) => {
        this.world.marketData = permission;
      },
      injectFault: (fault) => {
        const problems = checkFault(fault);
        if (problems.length > 0) {
          throw new InputError(
            `invalid fault: ${problems.map((p) => `${p.path}: ${p.message}${p.hint === undefined ? "" : ` (${p.hint})`}`).join("; ")}`,
          );
        }
        this.faults.add(fault);
      },
      clearFaults: () => this.faults.clear(),
      faults: () => this.faults.list(),
      firedFaults: () => this.faults.fired(),
      disconnectClient: (clientId) => {
        for (const s of this.ctx.sessions())
          if (s.clientId === clientId) s.close("abrupt", "disconnected by the test");
      },
      now: () => this.clock.now(),
      reevaluate: () => this.broker.reevaluate(),
      snapshotState: () => worldToStateFile(this.world, this.faults.list()),
      flushSave: async () => this.saver?.flush(),
    };
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    if (this.sessions.size >= this.ctx.limits.clients) {
      this.log(`[sim] refused a connection: ${this.ctx.limits.clients} clients are connected already`);
      socket.destroy();
      return;
    }
    this.stats.connections += 1;
    this.connectionSeq += 1;
    const session = new ClientSession(
      this.connectionSeq,
      socket,
      this.ctx,
      (s, request) => dispatchRequest(this.ctx, s, request),
      (s) => this.sessions.delete(s),
    );
    this.sessions.add(session);
  }

  private setQuote(conId: number, quote: SimQuote): void {
    const contract = this.world.contracts.get(conId);
    if (contract === undefined) throw new InputError(`the simulator has no contract ${conId}`);
    if (contract.secType === "CASH" && (quote.last ?? quote.lastSize ?? quote.volume) !== undefined) {
      throw new InputError(`${contract.localSymbol} is a currency pair: IDEALPRO reports no trades`, {
        hint: "set bid, ask and close",
      });
    }
    const merged = { ...this.world.quotes.get(conId), ...quote };
    this.world.quotes.set(conId, merged);
    for (const session of this.ctx.sessions()) {
      for (const [reqId, line] of session.marketLines)
        if (line.conId === conId) sendTicks(session, reqId, line.type, quote);
    }
    publishQuote(this.ctx, conId);
    this.broker.reevaluate();
  }

  /** 1100 to every client now; 1101/1102 after `ms`. Traffic both ways waits meanwhile. */
  private startOutage(ms: number, restore: 1101 | 1102): void {
    if (this.outageTimer !== undefined) return;
    for (const s of this.ctx.sessions()) {
      s.sendError(-1, 1100, "Connectivity between IB and Trader Workstation has been lost.", {
        bypassOutage: true,
      });
    }
    this.outageTimer = setTimeout(() => {
      this.outageTimer = undefined;
      const text =
        restore === 1101
          ? "Connectivity between IB and TWS has been restored- data lost."
          : "Connectivity between IB and Trader Workstation has been restored - data maintained.";
      for (const s of this.ctx.sessions()) {
        s.sendError(-1, restore, text);
        // Data lost: market data lines are gone and must be requested again.
        if (restore === 1101) s.marketLines.clear();
        s.resume();
      }
    }, ms);
    this.outageTimer.unref();
  }

  private async stop(): Promise<void> {
    if (this.outageTimer !== undefined) clearTimeout(this.outageTimer);
    this.outageTimer = undefined;
    this.broker.dispose();
    for (const session of this.sessions) session.close("abrupt", "simulator stopped");
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.saver?.flush();
  }
}
