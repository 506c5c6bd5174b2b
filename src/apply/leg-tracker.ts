import { ibTimeToIso } from "../core/ib-time.js";
import type { BrokerEvent, BrokerExecution, BrokerOrder } from "../broker/broker.js";
import type { ExecutableLeg, LegFill, LegOutcome, ProgressEvent } from "./execution-types.js";
import type { LedgerOrder } from "./ledger.js";
import { orderRefFor } from "./order-ref.js";

/** Our word for a leg that only an earlier run's ledger knows: IB no longer reports it, so it has ended. */
const ENDED_PER_LEDGER = "EndedPerLedger";
const TERMINAL_STATUSES = new Set(["Filled", "Cancelled", "ApiCancelled", "Inactive", ENDED_PER_LEDGER]);
/** IB codes for an order that end it; warnings (399 and the like) do not. */
const REJECTION_CODES = new Set([
  103, 104, 105, 106, 107, 109, 110, 111, 113, 116, 117, 118, 135, 200, 201, 203, 321,
]);

interface LegState {
  spec: ExecutableLeg;
  outcome: LegOutcome;
  /** IB's latest status word for this leg's order. */
  brokerStatus: string | undefined;
  fills: Map<string, LegFill>;
  /** Progress has said "placed" (or "resumed") for this leg; fills are reported after that. */
  announced: boolean;
  /** IB knows this leg in some state, or this plan's ledger records it as sent: it is never sent again. */
  known: boolean;
}

/**
 * What this run knows about every leg: which IB orders are ours (by orderRef), their status, and their
 * fills (by execId, so that an execution seen twice, live and in a later query, counts once).
 */
export class LegTracker {
  private readonly byRef = new Map<string, LegState>();
  private readonly byOrderId = new Map<number, LegState>();
  private readonly pendingCommissions = new Map<string, { commission: number; currency: string }>();

  constructor(
    legs: ExecutableLeg[],
    planHash: string,
    private readonly onProgress: (event: ProgressEvent) => void = () => undefined,
    /**
     * The plan's account: an order or fill IB reports for another account is never this plan's, whatever
     * its orderRef or order id says (order ids are per client, so another client's can equal ours).
     */
    private readonly account?: string,
  ) {
    for (const spec of legs) {
      const orderRef = orderRefFor(planHash, spec.leg);
      this.byRef.set(orderRef, {
        spec,
        brokerStatus: undefined,
        fills: new Map(),
        announced: false,
        known: false,
        outcome: {
          leg: spec.leg,
          orderRef,
          side: spec.side,
          symbol: spec.contract.symbol,
          conId: spec.contract.conId,
          currency: spec.contract.currency,
          plannedQuantity: spec.quantity,
          sentQuantity: 0,
          filledQuantity: 0,
          avgPrice: 0,
          estimatedPrice: spec.estimatedPrice,
          status: "not-sent",
          orderIds: [],
          permIds: [],
          fills: [],
          commission: 0,
          resumed: false,
          notes: [],
        },
      });
    }
  }

  outcome(leg: string): LegOutcome {
    return this.state(leg).outcome;
  }

  outcomes(): LegOutcome[] {
    return [...this.byRef.values()].map((s) => finalise(s));
  }

  /**
   * Has IB ever seen this leg, in any state (open, filled, cancelled, rejected), or does an earlier run's
   * ledger record it as sent? Then it is never sent again.
   */
  isKnownToBroker(leg: string): boolean {
    return this.state(leg).known;
  }

  /** Every leg is known (to IB or an earlier run's ledger) and finished: nothing is left to send or follow. */
  allEnded(): boolean {
    const legs = [...this.byRef.values()].map((s) => s.spec.leg);
    return legs.length > 0 && legs.every((leg) => this.isKnownToBroker(leg) && this.isSettled(leg));
  }

  /** The leg's order is finished at IB, or it never went out. */
  isSettled(leg: string): boolean {
    const s = this.state(leg);
    if (!this.isKnownToBroker(leg)) return true;
    if (s.outcome.status === "rejected") return true;
    if (s.outcome.sentQuantity > 0 && s.outcome.filledQuantity >= s.outcome.sentQuantity) return true;
    return s.brokerStatus !== undefined && TERMINAL_STATUSES.has(s.brokerStatus);
  }

  /** Order ids of this leg that may still be working at IB. */
  workingOrderIds(leg: string): number[] {
    return this.isSettled(leg) ? [] : this.state(leg).outcome.orderIds;
  }

  markPlaced(leg: string, orderId: number, quantity: number): void {
    const s = this.state(leg);
    s.known = true;
    s.outcome.sentQuantity = quantity;
    this.attachOrderId(s, orderId);
    s.brokerStatus ??= "PendingSubmit";
    this.onProgress({
      kind: "placed",
      leg,
      symbol: s.spec.contract.symbol,
      side: s.spec.side,
      quantity,
      orderId,
    });
    s.announced = true;
    // A fill can arrive before the placement's acknowledgement: report it now, after "placed".
    if (s.fills.size > 0) this.reportFill(s, [...s.fills.values()].at(-1)?.price ?? 0);
  }

  markRejected(leg: string, message: string): void {
    const s = this.state(leg);
    s.known = true;
    s.outcome.status = "rejected";
    s.outcome.notes.push(`rejected by IB: ${message}`);
    this.onProgress({ kind: "rejected", leg, symbol: s.spec.contract.symbol, message });
  }

  note(leg: string, message: string): void {
    this.state(leg).outcome.notes.push(message);
    this.onProgress({ kind: "note", leg, message });
  }

  /**
   * Takes what an earlier run of this plan wrote in its ledger: every leg it sent (in any state) is known
   * and never sent again, even when IB no longer reports it (IB forgets orders and fills after the day).
   * Call before absorb(): what IB still reports then overrides the ledger's status.
   */
  absorbLedger(orders: LedgerOrder[]): void {
    for (const order of orders) {
      const s = this.byRef.get(order.orderRef);
      if (!s || order.status === "not-sent") continue;
      const first = !s.known;
      s.known = true;
      s.outcome.resumed = true;
      s.announced = true;
      s.brokerStatus ??= ENDED_PER_LEDGER;
      s.outcome.sentQuantity = Math.max(s.outcome.sentQuantity, order.sentQuantity);
      for (const id of order.orderIds) if (!s.outcome.orderIds.includes(id)) s.outcome.orderIds.push(id);
      for (const id of order.permIds) if (!s.outcome.permIds.includes(id)) s.outcome.permIds.push(id);
      for (const e of order.executions) {
        if (s.fills.has(e.execId)) continue;
        s.fills.set(e.execId, {
          execId: e.execId,
          orderId: e.orderId,
          // Records written before times were ISO 8601 hold IB's form.
          time: ibTimeToIso(e.time),
          shares: e.quantity,
          price: e.price,
          ...(e.commission === null ? {} : { commission: e.commission }),
          ...(e.commissionCurrency === null ? {} : { commissionCurrency: e.commissionCurrency }),
        });
      }
      s.outcome.filledQuantity = [...s.fills.values()].reduce((sum, f) => sum + f.shares, 0);
      if (order.status === "rejected" && s.outcome.status !== "rejected") {
        s.outcome.status = "rejected";
        const reason = order.notes.find((n) => n.startsWith("rejected by IB")) ?? "rejected by IB";
        s.outcome.notes.push(`an earlier run sent it: ${reason}`);
      } else if (first) {
        s.outcome.notes.push(`an earlier run sent it (its ledger says ${order.status})`);
      }
      if (first) this.announceResumed(s, s.outcome.filledQuantity, s.outcome.sentQuantity);
    }
  }

  /** Takes what IB reports now (after a start or a reconnect) for this plan's orderRefs. */
  absorb(orders: BrokerOrder[], executions: BrokerExecution[], resuming: boolean): void {
    for (const order of orders) {
      const s = this.byRef.get(order.orderRef);
      if (!s || !this.isOwnAccount(order.account)) continue;
      const first = !s.known;
      s.known = true;
      this.attachOrderId(s, order.orderId, order.permId);
      s.outcome.sentQuantity = Math.max(s.outcome.sentQuantity, order.quantity);
      s.brokerStatus = order.status;
      // A completed order IB rejected (201 and the like) ends as Inactive; an earlier run sent it.
      if (order.status === "Inactive" && order.filled === 0 && s.outcome.status !== "rejected") {
        s.outcome.status = "rejected";
        s.outcome.notes.push(`rejected by IB: ${rejectionText(order)}`);
      } else if (first && resuming && TERMINAL_STATUSES.has(order.status) && order.filled < order.quantity) {
        s.outcome.notes.push(`an earlier run sent it; IB reports it ${describeEnd(order)}`);
      }
      if (first && resuming) {
        s.outcome.resumed = true;
        this.announceResumed(s, order.filled, order.quantity);
      }
    }
    for (const execution of executions) this.addExecution(execution, resuming);
  }

  private announceResumed(s: LegState, filled: number, quantity: number): void {
    s.announced = true;
    this.onProgress({ kind: "resumed", leg: s.spec.leg, symbol: s.spec.contract.symbol, filled, quantity });
  }

  apply(event: BrokerEvent): void {
    switch (event.kind) {
      case "order-status": {
        if (!this.isOwnAccount(event.order.account)) return;
        const s = this.byOrderId.get(event.order.orderId) ?? this.byRef.get(event.order.orderRef);
        if (!s) return;
        s.brokerStatus = event.order.status;
        if (event.order.permId) this.attachOrderId(s, event.order.orderId, event.order.permId);
        if (event.order.status === "Cancelled" || event.order.status === "ApiCancelled") {
          this.onProgress({
            kind: "cancelled",
            leg: s.spec.leg,
            symbol: s.spec.contract.symbol,
            filled: s.outcome.filledQuantity,
            quantity: s.outcome.sentQuantity,
          });
        }
        return;
      }
      case "execution":
        return this.addExecution(event.execution, false);
      case "commission": {
        for (const s of this.byRef.values()) {
          const fill = s.fills.get(event.execId);
          if (fill) {
            fill.commission = event.commission;
            fill.commissionCurrency = event.currency;
            return;
          }
        }
        this.pendingCommissions.set(event.execId, { commission: event.commission, currency: event.currency });
        return;
      }
      case "order-error": {
        const s = this.byOrderId.get(event.orderId);
        if (!s) return;
        if (REJECTION_CODES.has(event.code)) {
          if (s.outcome.status !== "rejected")
            this.markRejected(s.spec.leg, `${event.message} (code ${event.code})`);
          s.brokerStatus = "Inactive";
        } else if (event.code !== 202) {
          this.note(s.spec.leg, `IB: ${event.message} (code ${event.code})`);
        }
        return;
      }
      case "connection":
        return;
    }
  }

  private addExecution(execution: BrokerExecution, resuming: boolean): void {
    if (!this.isOwnAccount(execution.account)) return;
    const s = this.byRef.get(execution.orderRef) ?? this.byOrderId.get(execution.orderId);
    if (!s || s.fills.has(execution.execId)) return;
    s.known = true;
    const pending = this.pendingCommissions.get(execution.execId);
    const commission = execution.commission ?? pending?.commission;
    const commissionCurrency = execution.commissionCurrency ?? pending?.currency;
    s.fills.set(execution.execId, {
      execId: execution.execId,
      orderId: execution.orderId,
      time: ibTimeToIso(execution.time),
      shares: execution.shares,
      price: execution.price,
      ...(commission === undefined ? {} : { commission }),
      ...(commissionCurrency === undefined ? {} : { commissionCurrency }),
    });
    if (execution.orderId) this.attachOrderId(s, execution.orderId, execution.permId);
    if (resuming && !s.outcome.resumed && s.outcome.sentQuantity === 0) s.outcome.resumed = true;
    const filled = [...s.fills.values()].reduce((sum, f) => sum + f.shares, 0);
    s.outcome.filledQuantity = filled;
    s.outcome.sentQuantity = Math.max(s.outcome.sentQuantity, filled);
    // Until this run announced the leg (placed, or found from an earlier run), markPlaced reports it.
    if (resuming) s.announced = true;
    if (s.announced) this.reportFill(s, execution.price);
  }

  /** IB names the account on every order and fill; an empty one (a ledger's copy) is this plan's. */
  private isOwnAccount(account: string): boolean {
    return this.account === undefined || account === "" || account === this.account;
  }

  private reportFill(s: LegState, price: number): void {
    this.onProgress({
      kind: "filled",
      leg: s.spec.leg,
      symbol: s.spec.contract.symbol,
      filled: s.outcome.filledQuantity,
      quantity: s.outcome.sentQuantity,
      price,
    });
  }

  /** Open orders carry IB's order id; completed orders carry none, only the permId (and the orderRef). */
  private attachOrderId(s: LegState, orderId: number, permId?: number): void {
    if (orderId > 0 && !s.outcome.orderIds.includes(orderId)) s.outcome.orderIds.push(orderId);
    if (orderId > 0) this.byOrderId.set(orderId, s);
    if (permId && !s.outcome.permIds.includes(permId)) s.outcome.permIds.push(permId);
  }

  private state(leg: string): LegState {
    for (const s of this.byRef.values()) if (s.spec.leg === leg) return s;
    throw new Error(`unknown leg ${leg}`);
  }
}

function finalise(s: LegState): LegOutcome {
  const fills = [...s.fills.values()].sort(
    (a, b) => a.time.localeCompare(b.time) || a.execId.localeCompare(b.execId),
  );
  const filled = fills.reduce((sum, f) => sum + f.shares, 0);
  const notional = fills.reduce((sum, f) => sum + f.shares * f.price, 0);
  const outcome: LegOutcome = {
    ...s.outcome,
    fills,
    filledQuantity: filled,
    avgPrice: filled > 0 ? notional / filled : 0,
    commission: fills.reduce((sum, f) => sum + (f.commission ?? 0), 0),
  };
  if (outcome.status !== "rejected") {
    if (filled >= outcome.plannedQuantity && filled > 0) outcome.status = "filled";
    else if (filled > 0) outcome.status = "partial";
    else if (s.known) outcome.status = "unfilled";
    else outcome.status = "not-sent";
  }
  return outcome;
}

function rejectionText(order: BrokerOrder): string {
  const text = order.completedStatus?.replace(/^Rejected:\s*/, "") ?? "";
  return text === "" ? `order ${order.permId} is Inactive` : text;
}

function describeEnd(order: BrokerOrder): string {
  const how = order.completedStatus ? ` (${order.completedStatus})` : "";
  return `${order.status}${how} with ${order.filled} of ${order.quantity} filled`;
}
