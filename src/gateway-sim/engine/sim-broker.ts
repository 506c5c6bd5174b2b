// The simulated broker: order book, fills, positions, cash and commissions. It knows nothing about
// sockets; the gateway turns what it reports through BrokerObserver into TWS messages.
import type { CommissionSchedule } from "../../core/portfolio.js";
import { formatZonedTime, isOpenAt, nextOpenAt } from "../../core/trading-hours.js";
import type { SimContract, SimWorld } from "../state/sim-state.js";
import type { PlaceOrderParse, WireContract } from "../wire/parse-place-order.js";
import { executionCommission, FIXED_US_PRICING } from "./commission.js";
import type { FaultScript } from "./fault-script.js";
import { findContracts } from "./find-contracts.js";
import type { SimExecution, SimOrder } from "./sim-order.js";
import { fillPrice, remaining, roundQuantity, SUPPORTED_ORDER_TYPES } from "./sim-order.js";

export interface BrokerObserver {
  /** openOrder + orderStatus for the order's current state (submitted, modified, released, unsent). */
  orderUpdated(order: SimOrder): void;
  /** The market is closed for this order: warning 399, then it waits. */
  orderHeld(order: SimOrder, warning: string): void;
  orderFilled(order: SimOrder, execution: SimExecution): void;
  orderCancelled(order: SimOrder): void;
  /** An order-related error for the client: 103, 105, 200, 201, 10147, 10148... `order` when recorded. */
  orderError(clientId: number, orderId: number, code: number, message: string, order?: SimOrder): void;
  /** Positions or cash changed (after a fill). */
  stateChanged(): void;
}

export interface SimBrokerOptions {
  world: SimWorld;
  faults: FaultScript;
  observer: BrokerObserver;
  /** Epoch milliseconds now. */
  now: () => number;
  commission?: CommissionSchedule;
  firstOrderId?: number;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

export class SimBroker {
  readonly world: SimWorld;
  private readonly faults: FaultScript;
  private readonly observer: BrokerObserver;
  private readonly now: () => number;
  private readonly schedule: CommissionSchedule;
  private readonly allOrders: SimOrder[] = [];
  private readonly allExecutions: SimExecution[] = [];
  private readonly lastOrderId = new Map<number, number>();
  private nextId: number;
  private nextPermId = 1_100_000_001;
  private execSeq = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private wakeTimer: NodeJS.Timeout | undefined;

  constructor(options: SimBrokerOptions) {
    this.world = options.world;
    this.faults = options.faults;
    this.observer = options.observer;
    this.now = options.now;
    this.schedule = options.commission ?? FIXED_US_PRICING;
    this.nextId = options.firstOrderId ?? 1000;
  }

  /** The id NEXT_VALID_ID reports: above every order id any client has used. */
  nextValidId(): number {
    return this.nextId;
  }

  orders(): readonly SimOrder[] {
    return this.allOrders;
  }

  executions(): readonly SimExecution[] {
    return this.allExecutions;
  }

  openOrders(clientId?: number): SimOrder[] {
    return this.allOrders.filter((o) => !o.done && (clientId === undefined || o.clientId === clientId));
  }

  placeOrder(clientId: number, parse: PlaceOrderParse): void {
    const p = parse.order;
    const existing = this.allOrders.find((o) => o.clientId === clientId && o.orderId === p.orderId);
    if (existing !== undefined && !existing.done) return this.modify(existing, parse);
    if (existing !== undefined || p.orderId <= (this.lastOrderId.get(clientId) ?? 0)) {
      return this.observer.orderError(clientId, p.orderId, 103, "Duplicate order id");
    }
    this.lastOrderId.set(clientId, p.orderId);
    this.nextId = Math.max(this.nextId, p.orderId + 1);

    const matches = findContracts(this.world, p.contract);
    const contract = matches.length === 1 ? matches[0] : undefined;
    const order = this.record(clientId, parse, contract ?? placeholderContract(p.contract));
    if (contract === undefined) {
      const message =
        matches.length === 0
          ? "No security definition has been found for the request"
          : `The contract description specified for ${p.contract.symbol} is ambiguous.`;
      return this.reject(order, 200, message);
    }
    const problem = this.orderProblem(order);
    if (problem !== undefined) return this.reject(order, 201, `Order rejected - reason:${problem}`);
    const reason = this.faults.rejection(contract.symbol);
    if (reason !== undefined) return this.reject(order, 201, `Order rejected - reason:${reason}`);
    if (!order.transmit) {
      // Created at the gateway but not transmitted: it waits for a modification with transmit set.
      order.status = "Inactive";
      return this.observer.orderUpdated(order);
    }
    this.submit(order);
  }

  cancelOrder(clientId: number, orderId: number): void {
    const order = this.allOrders.find((o) => o.clientId === clientId && o.orderId === orderId);
    if (order === undefined) {
      return this.observer.orderError(
        clientId,
        orderId,
        10147,
        `OrderId ${orderId} that needs to be cancelled is not found.`,
      );
    }
    if (order.done) {
      return this.observer.orderError(
        clientId,
        orderId,
        10148,
        `OrderId ${orderId} that needs to be cancelled cannot be cancelled, state: ${order.status}.`,
      );
    }
    this.cancel(order);
  }

  /** REQ_GLOBAL_CANCEL: every open order of every client. */
  cancelAll(): void {
    for (const order of this.openOrders()) this.cancel(order);
  }

  /** Re-checks trading hours and quotes for every working order (after a quote change or clock move). */
  reevaluate(): void {
    for (const order of this.openOrders()) {
      if (!order.transmit) continue;
      if (order.status === "PreSubmitted" && this.isOpenFor(order)) {
        order.status = "Submitted";
        order.whyHeld = "";
        this.observer.orderUpdated(order);
      }
      this.tryFill(order);
    }
    this.scheduleWake();
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.wakeTimer !== undefined) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
  }

  private record(clientId: number, parse: PlaceOrderParse, contract: SimContract): SimOrder {
    const p = parse.order;
    const accounts = [...this.world.accounts.keys()];
    const order: SimOrder = {
      orderId: p.orderId,
      clientId,
      permId: this.nextPermId++,
      account: p.account !== "" ? p.account : accounts.length === 1 ? (accounts[0] as string) : "",
      contract,
      action: p.action.toUpperCase() === "SELL" ? "SELL" : "BUY",
      totalQuantity: p.totalQuantity ?? 0,
      orderType: p.orderType.toUpperCase(),
      lmtPrice: p.lmtPrice,
      auxPrice: p.auxPrice,
      tif: p.tif === "" ? "DAY" : p.tif,
      orderRef: p.orderRef,
      transmit: p.transmit,
      outsideRth: p.outsideRth,
      algoStrategy: p.algoStrategy,
      algoParams: p.algoParams,
      placed: p,
      wire: { fieldCount: parse.fieldCount, cursorEnd: parse.cursorEnd },
      status: "PendingSubmit",
      filled: 0,
      filledValue: 0,
      lastFillPrice: 0,
      commission: 0,
      whyHeld: "",
      done: false,
      completedStatus: "",
      createdAt: this.now(),
      completedAt: undefined,
      remainderHeld: false,
    };
    this.allOrders.push(order);
    return order;
  }

  private orderProblem(order: SimOrder): string | undefined {
    const p = order.placed;
    if (order.account === "") return "an account must be given when the gateway manages several accounts";
    if (!this.world.accounts.has(order.account))
      return `account ${order.account} is not managed by this gateway`;
    if (p.action.toUpperCase() !== "BUY" && p.action.toUpperCase() !== "SELL")
      return `unknown action "${p.action}"`;
    if (!(order.totalQuantity > 0)) return "the order quantity must be positive";
    if (roundQuantity(order.totalQuantity, order.contract) !== order.totalQuantity) {
      return `the quantity ${order.totalQuantity} is not a multiple of the size increment ${order.contract.sizeIncrement}`;
    }
    if (!(SUPPORTED_ORDER_TYPES as readonly string[]).includes(order.orderType)) {
      return `order type ${order.orderType} is not supported by the simulator (${SUPPORTED_ORDER_TYPES.join(", ")})`;
    }
    if (
      (order.orderType === "LMT" || order.orderType === "LOC") &&
      !(order.lmtPrice !== undefined && order.lmtPrice > 0)
    ) {
      return "a limit order needs a positive limit price";
    }
    if (p.whatIf) return "what-if orders are not supported by the simulator";
    if (p.cashQty !== undefined) return "cash quantity orders are not supported by the simulator";
    if (p.algoStrategy !== "" && p.algoStrategy !== "Adaptive") {
      return `algo ${p.algoStrategy} is not supported by the simulator (Adaptive is)`;
    }
    return undefined;
  }

  private reject(order: SimOrder, code: number, message: string): void {
    order.status = "Inactive";
    order.done = true;
    order.completedStatus = `Rejected: ${message}`;
    order.completedAt = this.now();
    this.observer.orderError(order.clientId, order.orderId, code, message, order);
  }

  private modify(order: SimOrder, parse: PlaceOrderParse): void {
    const p = parse.order;
    const conId = p.contract.conId ?? 0;
    if ((conId !== 0 && conId !== order.contract.conId) || p.action.toUpperCase() !== order.action) {
      return this.observer.orderError(
        order.clientId,
        order.orderId,
        105,
        "Order being modified does not match original order.",
      );
    }
    const wasSent = order.transmit;
    order.placed = p;
    order.wire = { fieldCount: parse.fieldCount, cursorEnd: parse.cursorEnd };
    order.totalQuantity = p.totalQuantity ?? order.totalQuantity;
    order.orderType = p.orderType.toUpperCase();
    order.lmtPrice = p.lmtPrice;
    order.auxPrice = p.auxPrice;
    order.orderRef = p.orderRef;
    order.outsideRth = p.outsideRth;
    order.transmit = p.transmit;
    const problem = this.orderProblem(order);
    if (problem !== undefined) {
      return this.observer.orderError(
        order.clientId,
        order.orderId,
        201,
        `Order rejected - reason:${problem}`,
      );
    }
    if (!order.transmit) return this.observer.orderUpdated(order);
    if (!wasSent) return this.submit(order);
    this.observer.orderUpdated(order);
    if (remaining(order) === 0) return this.complete(order, "Filled");
    this.tryFill(order);
  }

  private submit(order: SimOrder): void {
    if (!this.isOpenFor(order)) {
      order.status = "PreSubmitted";
      const hours = order.outsideRth ? order.contract.extendedHours : order.contract.liquidHours;
      const next = nextOpenAt(hours, this.now());
      const zone = order.contract.timeZoneId ?? "UTC";
      const until = next === undefined ? "the market opens" : `${formatZonedTime(next, zone)} ${zone}`;
      const where = order.contract.primaryExchange ?? order.contract.exchange;
      const warning =
        `Order Message:\n${order.action} ${order.totalQuantity} ${order.contract.symbol} ${where}\n` +
        `Warning: your order will not be placed at the exchange until ${until}`;
      order.whyHeld = "trading hours";
      this.observer.orderHeld(order, warning);
      this.scheduleWake();
      return;
    }
    order.status = "Submitted";
    this.observer.orderUpdated(order);
    this.tryFill(order);
  }

  private isOpenFor(order: SimOrder): boolean {
    const hours = order.outsideRth ? order.contract.extendedHours : order.contract.liquidHours;
    return isOpenAt(hours, this.now());
  }

  private tryFill(order: SimOrder): void {
    if (order.done || order.status !== "Submitted" || order.remainderHeld) return;
    const price = fillPrice(order, this.world.quotes.get(order.contract.conId));
    if (price === undefined) return;
    let quantity = remaining(order);
    if (quantity <= 0) return;
    if (order.filled === 0) {
      const partial = this.faults.partialFill(order.contract.symbol);
      const first =
        partial === undefined ? quantity : partialQuantity(quantity, partial.fraction, order.contract);
      if (partial !== undefined && first < quantity) {
        quantity = first;
        order.remainderHeld = true;
        if (partial.restAfterMs !== undefined)
          this.later(partial.restAfterMs, () => this.releaseRemainder(order));
      }
    }
    this.execute(order, quantity, price);
  }

  private releaseRemainder(order: SimOrder): void {
    order.remainderHeld = false;
    this.tryFill(order);
  }

  private execute(order: SimOrder, quantity: number, price: number): void {
    const account = this.world.accounts.get(order.account);
    if (account === undefined) return;
    const contract = order.contract;
    const currency = contract.currency;
    const before = { quantity: order.filled, value: order.filledValue };
    const after = { quantity: order.filled + quantity, value: order.filledValue + quantity * price };
    const commission = executionCommission(this.schedule, before, after);
    const signed = order.action === "BUY" ? quantity : -quantity;

    const position = account.positions.get(contract.conId) ?? { quantity: 0, avgCost: 0 };
    let realizedPnl: number | undefined;
    if (position.quantity === 0 || Math.sign(position.quantity) === Math.sign(signed)) {
      // Opening or adding: the average cost absorbs the commission, as IB's does.
      const cost = quantity * price + (signed > 0 ? commission : -commission);
      const held = Math.abs(position.quantity);
      position.avgCost = (held * position.avgCost + cost) / (held + quantity);
      position.quantity = clean(position.quantity + signed);
    } else {
      const closed = Math.min(Math.abs(position.quantity), quantity);
      realizedPnl = clean((price - position.avgCost) * closed * Math.sign(position.quantity) - commission);
      position.quantity = clean(position.quantity + signed);
      // Crossing through zero opens the other side at this price.
      if (Math.abs(signed) > closed) position.avgCost = price;
      else if (position.quantity === 0) position.avgCost = 0;
      account.realizedPnl.set(currency, clean((account.realizedPnl.get(currency) ?? 0) + realizedPnl));
    }
    account.positions.set(contract.conId, position);
    account.cash.set(currency, clean((account.cash.get(currency) ?? 0) - signed * price - commission));

    order.filled = clean(order.filled + quantity);
    order.filledValue = clean(order.filledValue + quantity * price);
    order.lastFillPrice = price;
    order.commission = clean(order.commission + commission);
    const time = this.now();
    this.execSeq += 1;
    const execution: SimExecution = {
      execId: `0000e0d5.${Math.floor(time / 1000)
        .toString(16)
        .padStart(8, "0")}.${String(this.execSeq).padStart(2, "0")}.01`,
      orderId: order.orderId,
      clientId: order.clientId,
      permId: order.permId,
      account: account.id,
      contract,
      side: order.action === "BUY" ? "BOT" : "SLD",
      shares: quantity,
      price,
      time,
      cumQty: order.filled,
      avgPrice: order.filledValue / order.filled,
      orderRef: order.orderRef,
      exchange: contract.primaryExchange ?? "ISLAND",
      commission,
      commissionCurrency: currency,
      realizedPnl,
    };
    this.allExecutions.push(execution);
    if (remaining(order) === 0) {
      order.status = "Filled";
      order.done = true;
      order.completedStatus = "Filled";
      order.completedAt = time;
    }
    this.observer.orderFilled(order, execution);
    this.observer.stateChanged();
  }

  private cancel(order: SimOrder): void {
    this.complete(order, "Cancelled");
    this.observer.orderCancelled(order);
  }

  private complete(order: SimOrder, status: "Cancelled" | "Filled"): void {
    order.status = status;
    order.done = true;
    order.remainderHeld = false;
    order.completedStatus = status === "Cancelled" ? "Cancelled by Trader" : "Filled";
    order.completedAt = this.now();
  }

  private later(ms: number, action: () => void): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        action();
      },
      Math.min(ms, MAX_TIMER_MS),
    );
    timer.unref();
    this.timers.add(timer);
  }

  /** Wakes up when the earliest held order's market opens (by the injected clock). */
  private scheduleWake(): void {
    if (this.wakeTimer !== undefined) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    const now = this.now();
    let earliest: number | undefined;
    for (const order of this.openOrders()) {
      if (order.status !== "PreSubmitted") continue;
      const hours = order.outsideRth ? order.contract.extendedHours : order.contract.liquidHours;
      const next = nextOpenAt(hours, now);
      if (next !== undefined && (earliest === undefined || next < earliest)) earliest = next;
    }
    if (earliest === undefined) return;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = undefined;
        this.reevaluate();
      },
      Math.min(Math.max(earliest - now, 0) + 5, MAX_TIMER_MS),
    );
    this.wakeTimer.unref();
  }
}

function partialQuantity(quantity: number, fraction: number, contract: SimContract): number {
  const step = contract.sizeIncrement;
  const first = Math.floor((quantity * fraction) / step) * step;
  return Math.min(Math.max(first, step), quantity);
}

function placeholderContract(wire: WireContract): SimContract {
  return {
    conId: wire.conId ?? 0,
    symbol: wire.symbol,
    secType: "STK",
    exchange: wire.exchange,
    primaryExchange: wire.primaryExch === "" ? undefined : wire.primaryExch,
    currency: wire.currency,
    localSymbol: wire.localSymbol,
    tradingClass: wire.tradingClass,
    minTick: 0.01,
    sizeIncrement: 1,
    longName: "",
    timeZoneId: undefined,
    liquidHoursText: undefined,
    tradingHoursText: undefined,
    liquidHours: undefined,
    extendedHours: undefined,
  };
}

// Keeps sums of fills free of binary noise (0.1 + 0.2) without losing cents.
function clean(value: number): number {
  return Number.parseFloat(value.toPrecision(12));
}
