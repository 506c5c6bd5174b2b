// The simulated broker: order book, fills, positions, cash and commissions. It knows nothing about
// sockets; the gateway turns what it reports through BrokerObserver into TWS messages.
import type { CommissionSchedule } from "../../core/portfolio.js";
import { formatZonedTime, isOpenAt, nextOpenAt } from "../../core/trading-hours.js";
import type { SimContract, SimWorld } from "../state/sim-state.js";
import type { PlaceOrderParse } from "../wire/parse-place-order.js";
import { applyFill, clean } from "./apply-fill.js";
import { FIXED_US_PRICING } from "./commission.js";
import type { FaultScript } from "./fault-script.js";
import { findContracts } from "./find-contracts.js";
import type { SimExecution, SimOrder } from "./sim-order.js";
import { fundsProblem } from "./funds-check.js";
import { IDEALPRO } from "./fx-pricing.js";
import {
  ACCOUNT_REQUIRED_MESSAGE,
  conformsToTick,
  newOrder,
  orderProblem,
  placeholderContract,
  TICK_MESSAGE,
} from "./new-order.js";
import { commissionRule, executionCommission } from "./order-commission.js";
import { previewOrder } from "./what-if.js";
import { fillPrice, remaining } from "./sim-order.js";

export interface BrokerObserver {
  /** openOrder + orderStatus for the order's current state (submitted, modified, released, unsent). */
  orderUpdated(order: SimOrder): void;
  /** The market is closed for this order: warning 399, then it waits. */
  orderHeld(order: SimOrder, warning: string): void;
  orderFilled(order: SimOrder, execution: SimExecution): void;
  orderCancelled(order: SimOrder): void;
  /** A what-if order's answer (order.preview): an openOrder only; nothing was placed. */
  orderPreviewed(order: SimOrder): void;
  /** An order-related error for the client: 103, 105, 110, 200, 201, 10147... `order` when recorded. */
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
    // A login with several accounts cannot guess which one is meant: IB refuses before creating the order.
    const accounts = [...this.world.accounts.keys()];
    const account = p.account !== "" ? p.account : accounts.length === 1 ? (accounts[0] as string) : "";
    if (account === "") return this.observer.orderError(clientId, p.orderId, 321, ACCOUNT_REQUIRED_MESSAGE);
    this.lastOrderId.set(clientId, p.orderId);
    this.nextId = Math.max(this.nextId, p.orderId + 1);

    const matches = findContracts(this.world, p.contract);
    const contract = matches.length === 1 ? matches[0] : undefined;
    const orderContract = contract ?? placeholderContract(p.contract);
    const base = this.world.accounts.get(account)?.baseCurrency ?? orderContract.currency;
    const order = newOrder({
      clientId,
      parse,
      permId: this.nextPermId++,
      contract: orderContract,
      account,
      commissionCurrency: commissionRule(this.world, this.schedule, orderContract, base).currency,
      now: this.now(),
    });
    // A what-if order is never recorded, not even as rejected.
    if (!p.whatIf) this.allOrders.push(order);
    const refuse = (code: number, message: string): void =>
      p.whatIf
        ? this.observer.orderError(clientId, order.orderId, code, message)
        : this.reject(order, code, message);
    if (contract === undefined) {
      const message =
        matches.length === 0
          ? "No security definition has been found for the request"
          : `The contract description specified for ${p.contract.symbol} is ambiguous.`;
      return refuse(200, message);
    }
    const problem = orderProblem(order, this.world);
    if (problem !== undefined) return refuse(201, `Order rejected - reason:${problem}`);
    if (!conformsToTick(order)) return refuse(110, TICK_MESSAGE);
    if (p.whatIf) return this.preview(order);
    const reason = this.faults.rejection(contract.symbol);
    if (reason !== undefined) return this.reject(order, 201, `Order rejected - reason:${reason}`);
    if (!order.transmit) {
      // Created at the gateway but not transmitted: it waits for a modification with transmit set.
      order.status = "Inactive";
      return this.observer.orderUpdated(order);
    }
    const refused = fundsProblem(order, this.openOrders(), this.world, this.schedule);
    if (refused !== undefined) return this.reject(order, 201, `Order rejected - reason:${refused}`);
    this.submit(order);
  }

  /** Answers a what-if order and forgets it: no order, no execution, only its id counts as used. */
  private preview(order: SimOrder, others: SimOrder[] = this.openOrders()): void {
    order.preview = previewOrder(order, others, this.world, this.schedule);
    order.status = "PreSubmitted";
    this.observer.orderPreviewed(order);
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
    const changed: SimOrder = {
      ...order,
      placed: p,
      wire: { fieldCount: parse.fieldCount, cursorEnd: parse.cursorEnd },
      totalQuantity: p.totalQuantity ?? order.totalQuantity,
      orderType: p.orderType.toUpperCase(),
      lmtPrice: p.lmtPrice,
      auxPrice: p.auxPrice,
      orderRef: p.orderRef,
      outsideRth: p.outsideRth,
      transmit: p.transmit,
    };
    const others = this.openOrders().filter((o) => o !== order);
    // A what-if with a working order's id previews the change and leaves the order as it is.
    if (p.whatIf) {
      const problem = this.acceptanceProblem(changed);
      if (problem !== undefined) {
        return this.observer.orderError(order.clientId, order.orderId, problem.code, problem.message);
      }
      return this.preview(changed, others);
    }
    // A refused modification leaves the working order as it was, as at IB.
    const refusal = this.modificationProblem(changed, others);
    if (refusal !== undefined) {
      return this.observer.orderError(order.clientId, order.orderId, refusal.code, refusal.message);
    }
    Object.assign(order, changed);
    if (!order.transmit) return this.observer.orderUpdated(order);
    if (!wasSent) return this.submit(order);
    // Reduced to what has already filled: the order is done.
    if (remaining(order) === 0) this.complete(order, "Filled");
    this.observer.orderUpdated(order);
    this.tryFill(order);
  }

  /** What refuses an order whatever the account holds: its fields, and a price off the tick. */
  private acceptanceProblem(order: SimOrder): { code: number; message: string } | undefined {
    const problem = orderProblem(order, this.world);
    if (problem !== undefined) return { code: 201, message: `Order rejected - reason:${problem}` };
    if (!conformsToTick(order)) return { code: 110, message: TICK_MESSAGE };
    return undefined;
  }

  private modificationProblem(
    changed: SimOrder,
    others: SimOrder[],
  ): { code: number; message: string } | undefined {
    const accepted = this.acceptanceProblem(changed);
    if (accepted !== undefined) return accepted;
    if (!changed.transmit) return undefined;
    const funds = fundsProblem(changed, others, this.world, this.schedule);
    return funds === undefined ? undefined : { code: 201, message: `Order rejected - reason:${funds}` };
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
    const before = { quantity: order.filled, value: order.filledValue };
    const after = { quantity: order.filled + quantity, value: order.filledValue + quantity * price };
    const rule = commissionRule(this.world, this.schedule, contract, account.baseCurrency);
    const commission = executionCommission(rule, before, after);
    const realizedPnl = applyFill(account, contract, {
      signedQuantity: order.action === "BUY" ? quantity : -quantity,
      price,
      commission,
      commissionCurrency: rule.currency,
      commissionInContractCurrency: rule.inContractCurrency(commission),
    });

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
      // Odd lots too: IB routes them to its odd-lot venue; the simulator fills them at the same touch.
      exchange: contract.secType === "CASH" ? IDEALPRO : (contract.primaryExchange ?? "ISLAND"),
      commission,
      commissionCurrency: rule.currency,
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
