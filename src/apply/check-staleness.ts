import type { BrokerExecution } from "../broker/broker.js";
import { conversionCashChange } from "../core/conversion-cash.js";
import { isConversion, type Plan } from "../core/plan.js";
import type { Snapshot } from "../core/snapshot.js";
import { valuationPrices } from "../core/valuation-price.js";
import type { Refusal, StaleDifference } from "./refusal.js";
import { staleHint, type ApplyContext } from "./refusal-hints.js";

/** Cash may differ by this much (in its currency) without the plan being stale: rounding, not money. */
const CASH_TOLERANCE = 0.01;

/**
 * Compares a fresh snapshot with the one the plan embeds: positions and cash must be what the plan saw
 * (after this plan's own fills, when an earlier run got some), no price the plan used may have moved
 * more than `priceMoveBps`, and every contract the plan trades must have a price in both.
 */
export function checkStaleness(
  plan: Plan,
  fresh: Snapshot,
  ownExecutions: BrokerExecution[],
  priceMoveBps: number,
  context: ApplyContext,
): Refusal | undefined {
  const expected = afterOwnFills(plan.snapshot, ownExecutions);
  const differences = [
    ...positionDifferences(expected.positions, fresh),
    ...cashDifferences(expected.cash, fresh),
    ...priceDifferences(plan, fresh, priceMoveBps),
  ];
  if (differences.length === 0) return undefined;
  return {
    reason: "stale",
    // The differences are listed after the message by whoever shows the refusal: not repeated here.
    message: `the ${changed(differences)} changed since the plan was made (${count(differences.length, "difference")})`,
    hint: staleHint(context, differences),
    differences,
  };
}

/** What moved: the account (positions, cash), the market (prices), or both. */
function changed(differences: StaleDifference[]): string {
  const account = differences.some((d) => d.kind !== "price");
  const market = differences.some((d) => d.kind === "price");
  return account && market ? "account and the market" : account ? "account" : "market";
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

interface Expected {
  positions: Map<number, { symbol: string; quantity: number }>;
  cash: Record<string, number>;
}

/** The plan's snapshot moved forward by the fills of this plan that an interrupted run already got. */
function afterOwnFills(snapshot: Snapshot, executions: BrokerExecution[]): Expected {
  const positions = new Map(
    snapshot.positions.map((p) => [p.conId, { symbol: p.symbol, quantity: p.quantity }]),
  );
  const cash = { ...snapshot.cash };
  const currencyOf = new Map(snapshot.positions.map((p) => [p.conId, p.currency]));
  for (const contract of snapshot.contracts) currencyOf.set(contract.conId, contract.currency);
  const pairs = new Map(snapshot.contracts.filter(isConversion).map((c) => [c.conId, c]));
  for (const e of executions) {
    const pair = pairs.get(e.conId);
    if (pair !== undefined) {
      // A conversion is no holding: it moves one currency's cash into another's.
      const change = conversionCashChange({ ...pair, side: e.side, quantity: e.shares }, e.price);
      for (const [currency, amount] of change) cash[currency] = (cash[currency] ?? 0) + amount;
      const feeCurrency = e.commissionCurrency || snapshot.baseCurrency;
      cash[feeCurrency] = (cash[feeCurrency] ?? 0) - (e.commission ?? 0);
      continue;
    }
    const signed = e.side === "BUY" ? e.shares : -e.shares;
    const held = positions.get(e.conId) ?? { symbol: e.symbol, quantity: 0 };
    positions.set(e.conId, { symbol: held.symbol, quantity: held.quantity + signed });
    const currency = currencyOf.get(e.conId) ?? Object.keys(cash)[0] ?? "USD";
    cash[currency] = (cash[currency] ?? 0) - signed * e.price;
    const commissionCurrency = e.commissionCurrency || currency;
    cash[commissionCurrency] = (cash[commissionCurrency] ?? 0) - (e.commission ?? 0);
  }
  return { positions, cash };
}

function positionDifferences(expected: Expected["positions"], fresh: Snapshot): StaleDifference[] {
  const current = new Map(fresh.positions.map((p) => [p.conId, p]));
  const conIds = new Set([...expected.keys(), ...current.keys()]);
  const differences: StaleDifference[] = [];
  for (const conId of [...conIds].sort((a, b) => a - b)) {
    const planned = expected.get(conId)?.quantity ?? 0;
    const now = current.get(conId)?.quantity ?? 0;
    if (planned === now) continue;
    const subject = expected.get(conId)?.symbol ?? current.get(conId)?.symbol ?? String(conId);
    differences.push({ kind: "position", subject, conId, planned, current: now });
  }
  return differences;
}

function cashDifferences(expected: Record<string, number>, fresh: Snapshot): StaleDifference[] {
  const currencies = [...new Set([...Object.keys(expected), ...Object.keys(fresh.cash)])].sort();
  const differences: StaleDifference[] = [];
  for (const currency of currencies) {
    const planned = expected[currency] ?? 0;
    const now = fresh.cash[currency] ?? 0;
    // Commissions an interrupted run paid are estimated from IB's reports: allow their rounding.
    if (Math.abs(planned - now) > CASH_TOLERANCE)
      differences.push({ kind: "cash", subject: currency, planned, current: now });
  }
  return differences;
}

/**
 * Every price the plan's snapshot has (the plan valued its holdings with them) against the live one,
 * and every traded contract's price, which neither side may lack: an order is only as sound as its price.
 */
function priceDifferences(plan: Plan, fresh: Snapshot, priceMoveBps: number): StaleDifference[] {
  const planned = valuationPrices(plan.snapshot);
  const live = valuationPrices(fresh);
  const traded = new Map(plan.orders.map((o) => [o.conId, o.symbol]));
  const symbols = new Map(plan.snapshot.contracts.map((c) => [c.conId, c.symbol]));
  const conIds = [...new Set([...planned.keys(), ...traded.keys()])].sort((a, b) => a - b);
  const differences: StaleDifference[] = [];
  for (const conId of conIds) {
    const then = planned.get(conId);
    const now = live.get(conId);
    const subject = symbols.get(conId) ?? traded.get(conId) ?? String(conId);
    if (then === undefined || now === undefined) {
      // Only a missing price for something the plan trades stops it; a held-but-untraded one is valued
      // at the planned price and cannot move an order.
      if (traded.has(conId)) {
        differences.push({
          kind: "price",
          subject,
          conId,
          planned: then ?? 0,
          current: now ?? 0,
          moveBps: Infinity,
        });
      }
      continue;
    }
    const moveBps = (Math.abs(now - then) / then) * 10_000;
    if (moveBps > priceMoveBps) {
      differences.push({ kind: "price", subject, conId, planned: then, current: now, moveBps });
    }
  }
  return differences;
}
