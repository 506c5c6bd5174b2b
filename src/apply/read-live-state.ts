// What apply reads of IB before its checks, once per run: this plan's orders and fills, the account
// (cash, positions, open orders) and a quote for every contract whose price the plan used or trades.
// Each message costs IB's pacing (50 a second), so nothing is read twice: contract details come from
// the plan's own snapshot (what IB said when the plan was made, re-derived and reviewed), and the
// drift after the run reuses these quotes with the account read again.
import type { Broker, BrokerExecution, BrokerOrder } from "../broker/broker.js";
import { assembleSnapshot, readAccount, type AccountReading } from "../broker/take-snapshot.js";
import type { Plan } from "../core/plan.js";
import type { Portfolio } from "../core/portfolio.js";
import type { Snapshot, SnapshotContract } from "../core/snapshot.js";
import { valuationPrices } from "../core/valuation-price.js";
import { BrokerError } from "../errors.js";
import { belongsToPlan } from "./order-ref.js";

export interface LiveState {
  /** The account now, with the plan's contracts and live quotes for the ones it priced or trades. */
  fresh: Snapshot;
  /** Today's executions of this plan, as IB reports them. */
  ibExecutions: BrokerExecution[];
  /** This plan's orders IB knows, open or ended today. */
  ownOrders: BrokerOrder[];
  /** The gateway's clock: sessions are judged by it, since IB holds an order by its own. */
  marketNow: Date;
}

export async function readLiveState(
  broker: Broker,
  portfolio: Portfolio,
  plan: Plan,
  now: () => Date,
): Promise<LiveState> {
  const [executions, completed, account, marketNow] = await Promise.all([
    broker.executions(plan.account),
    broker.completedOrders(),
    readAccount(broker, portfolio),
    broker.currentTime(),
  ]);
  checkContractsHeld(plan, account);
  const contracts = quotedContracts(plan);
  const quotes = await broker.quotes(contracts);
  return {
    fresh: assembleSnapshot(plan.account, account, plan.snapshot.contracts, quotes, now),
    // By account and orderRef: the login's other accounts' orders are never this plan's, nor counted.
    ibExecutions: executions.filter(
      (e) => ofAccount(e, plan.account) && belongsToPlan(e.orderRef, plan.hash),
    ),
    ownOrders: [...account.openOrders, ...completed].filter(
      (o) => ofAccount(o, plan.account) && belongsToPlan(o.orderRef, plan.hash),
    ),
    marketNow,
  };
}

/** IB names the account of every order and fill; one it leaves unnamed is told apart by its orderRef. */
function ofAccount(item: { account: string }, account: string): boolean {
  return item.account === "" || item.account === account;
}

/**
 * The account after the run, valued at the quotes read before it (seconds old, the prices the checks
 * approved): cash and positions are read again, nothing is quoted twice.
 */
export async function readAccountAfter(
  broker: Broker,
  portfolio: Portfolio,
  before: Snapshot,
  now: () => Date,
): Promise<Snapshot> {
  const [values, positions] = await Promise.all([
    broker.accountValues(portfolio.account),
    broker.positions(portfolio.account),
  ]);
  return assembleSnapshot(
    portfolio.account,
    { values, positions, openOrders: [] },
    before.contracts,
    before.quotes,
    now,
  );
}

/**
 * Every contract of the plan's snapshot whose price the plan used (the staleness check compares each
 * with its live price) or that it trades (live limits value each order at its live price).
 */
function quotedContracts(plan: Plan): SnapshotContract[] {
  const wanted = new Set([...valuationPrices(plan.snapshot).keys(), ...plan.orders.map((o) => o.conId)]);
  return plan.snapshot.contracts.filter((c) => wanted.has(c.conId));
}

/**
 * The plan's contracts are what IB said when the plan was made; a contract the account holds is said
 * again by IB's position report now. Both must name the same thing, or the plan's snapshot is not IB's.
 */
function checkContractsHeld(plan: Plan, account: AccountReading): void {
  const planned = new Map(plan.snapshot.contracts.map((c) => [c.conId, c]));
  for (const held of account.positions) {
    const contract = planned.get(held.conId);
    if (contract === undefined) continue;
    if (contract.symbol === held.symbol && contract.currency === held.currency) continue;
    throw new BrokerError(
      `IB reports conId ${held.conId} as ${held.symbol} in ${held.currency}, but the plan's snapshot says ${contract.symbol} in ${contract.currency}`,
      {
        hint: "Nothing was sent. Let `folioctl propose` make a fresh plan from what IB reports now, and review it.",
      },
    );
  }
}
