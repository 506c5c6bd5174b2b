import type { Plan } from "../core/plan.js";
import type { ExecutionResult, LegOutcome } from "./execution-types.js";
import { LEDGER_SCHEMA_VERSION, type ApplyOutcome, type LedgerOrder, type LedgerRecord } from "./ledger.js";
import type { Refusal } from "./refusal.js";

export interface LedgerInput {
  plan: Plan;
  toolVersion: string;
  startedAt: Date;
  finishedAt: Date;
  refusal?: Refusal;
  execution?: ExecutionResult;
  /** Residual drift measured on a fresh snapshot after the run, in percent. */
  driftAfter?: number;
  error?: string;
}

/** The ledger record of one run, from what the run saw; pure, so the same run gives the same record. */
export function buildLedgerRecord(input: LedgerInput): LedgerRecord {
  const { plan, execution } = input;
  const rate = (currency: string) => plan.snapshot.exchangeRates[currency] ?? 1;
  const orders = (execution?.legs ?? []).map((leg) => ledgerOrder(plan, leg, rate));
  const value = (side: "BUY" | "SELL") =>
    orders
      .filter((o) => o.side === side)
      .reduce(
        (sum, o) => sum + o.executions.reduce((s, e) => s + e.quantity * e.price, 0) * rate(o.currency),
        0,
      );
  const count = (status: LedgerOrder["status"]) => orders.filter((o) => o.status === status).length;
  return {
    schemaVersion: LEDGER_SCHEMA_VERSION,
    account: plan.account,
    baseCurrency: plan.baseCurrency,
    planHash: plan.hash,
    planCreatedAt: plan.createdAt,
    sourceCommit: plan.sourceCommit ?? null,
    toolVersion: input.toolVersion,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    outcome: outcomeOf(input, orders),
    refusal: input.refusal
      ? {
          reason: input.refusal.reason,
          message: input.refusal.message,
          hint: input.refusal.hint,
          differences: input.refusal.differences ?? [],
        }
      : null,
    error: input.error ?? execution?.interrupted ?? null,
    orders,
    totals: {
      legs: orders.length,
      filled: count("filled"),
      partial: count("partial"),
      unfilled: count("unfilled"),
      rejected: count("rejected"),
      notSent: count("not-sent"),
      boughtValue: round(value("BUY"), 2),
      soldValue: round(value("SELL"), 2),
      commissions: round(
        orders.reduce((sum, o) => sum + o.commission * rate(o.currency), 0),
        2,
      ),
    },
    drift: {
      before: plan.drift.before,
      planned: plan.drift.after,
      after: input.driftAfter === undefined ? null : round(input.driftAfter, 4),
    },
  };
}

function outcomeOf(input: LedgerInput, orders: LedgerOrder[]): ApplyOutcome {
  if (input.refusal) return "refused";
  if (!input.execution) return "error";
  if (input.execution.alreadyApplied) return "already-applied";
  // Every leg had ended before this run and some did not fill: nothing was sent, the plan is spent.
  if (input.execution.alreadyAttempted) return "partial";
  if (input.error || input.execution.interrupted) return "partial";
  return orders.every((o) => o.status === "filled") ? "applied" : "partial";
}

function ledgerOrder(plan: Plan, leg: LegOutcome, rate: (currency: string) => number): LedgerOrder {
  const planned = plan.orders.find((o) => o.leg === leg.leg);
  // The leg's commission adds its fills' as IB reported them; IB charges a conversion's in the base
  // currency, not the order's: such a fill's is taken into the order's currency, the one the record and
  // the report show the order in.
  const commission = leg.fills.reduce((sum, f) => {
    const currency = f.commissionCurrency ?? leg.currency;
    if (f.commission === undefined || currency === leg.currency) return sum;
    return sum + f.commission * (rate(currency) / rate(leg.currency) - 1);
  }, leg.commission);
  const avgPrice = leg.filledQuantity > 0 ? round(leg.avgPrice, 6) : null;
  const slippage =
    avgPrice === null
      ? null
      : round(
          ((leg.side === "BUY" ? avgPrice - leg.estimatedPrice : leg.estimatedPrice - avgPrice) /
            leg.estimatedPrice) *
            10_000,
          2,
        );
  return {
    leg: leg.leg,
    orderRef: leg.orderRef,
    side: leg.side,
    symbol: leg.symbol,
    conId: leg.conId,
    currency: leg.currency,
    orderType: planned?.orderType ?? "MKT",
    limitPrice: planned?.limitPrice ?? null,
    plannedQuantity: leg.plannedQuantity,
    sentQuantity: leg.sentQuantity,
    filledQuantity: leg.filledQuantity,
    estimatedPrice: leg.estimatedPrice,
    avgPrice,
    slippageBps: slippage,
    commission: round(commission, 4),
    status: leg.status,
    orderIds: leg.orderIds,
    permIds: leg.permIds,
    resumed: leg.resumed,
    notes: leg.notes,
    executions: leg.fills.map((f) => ({
      execId: f.execId,
      orderId: f.orderId,
      time: f.time,
      quantity: f.shares,
      price: f.price,
      commission: f.commission ?? null,
      commissionCurrency: f.commissionCurrency ?? null,
    })),
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
