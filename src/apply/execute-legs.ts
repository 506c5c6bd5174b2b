import type { Broker, BrokerEvent, BrokerExecution, BrokerOrder } from "../broker/broker.js";
import { isConversion } from "../core/plan.js";
import { BrokerError } from "../errors.js";
import type { ExecutableLeg, ExecutionResult, ProgressEvent } from "./execution-types.js";
import type { LedgerOrder } from "./ledger.js";
import { LegTracker } from "./leg-tracker.js";
import { orderRefFor } from "./order-ref.js";
import { DEFAULT_RECONNECT, Reconnector, type ReconnectPolicy } from "./reconnector.js";
import { sizeBuys } from "./size-buys.js";

export interface ExecuteOptions {
  account: string;
  planHash: string;
  /** How long a wave (the sells, the conversions, the buys) may take before its unfilled orders are cancelled. */
  waveTimeoutMs: number;
  /** Cash each currency must keep after the buys (cash.minimum for the base currency). */
  cashFloor: Record<string, number>;
  /** How far above the plan price a buy may fill (tolerances.priceMoveBps): buys are sized for it. */
  buyPriceBufferBps: number;
  commission: (shares: number, price: number) => number;
  reconnect?: ReconnectPolicy;
  /** The run's link to the gateway when the caller has one (runApply): one reconnect policy per run. */
  link?: Reconnector;
  /** This plan's legs as earlier runs' ledger records tell them: each one they sent is never sent again. */
  earlierRuns?: LedgerOrder[];
  onProgress?: (event: ProgressEvent) => void;
  /** When each wave's deadline is reached: the real clock (`waveTimeoutMs` after the wave starts) unless given. */
  waveDeadline?: WaveDeadline;
  /**
   * After the unfilled rest of a wave is cancelled at its deadline, when the wait for IB to confirm the
   * cancels ends (`timeoutMs` is the grace): the real clock, CANCEL_GRACE_MS, unless given.
   */
  cancelGrace?: WaveDeadline;
}

/**
 * Resolves when the deadline of a wave (its legs, in plan order) is reached, at which point its unfilled
 * rest is cancelled. `settled` is aborted when the wave ends before it: the deadline is then moot.
 */
export type WaveDeadline = (
  wave: { legs: string[]; timeoutMs: number },
  settled: AbortSignal,
) => Promise<void>;

/** The real clock: a wave's deadline is `timeoutMs` after it starts; its timer goes when the wave ends first. */
export const clockWaveDeadline: WaveDeadline = (wave, settled) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, wave.timeoutMs);
    settled.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/** After cancelling at the deadline, how long to wait for IB to confirm before reading the result. */
const CANCEL_GRACE_MS = 5_000;
const POLL_MS = 50;

/**
 * Sends the plan's legs, sells first, then currency conversions, then buys, each wave after the one before
 * settled, and follows them to the end.
 * Legs IB already knows under their orderRef in any state (from an earlier run: working, filled,
 * cancelled, rejected), and legs an earlier run's ledger records as sent, are followed, never sent again.
 * Unfilled remainders are cancelled at the wave deadline; only this plan's orders are. A dropped
 * connection at any step is reconnected and the step resumed from what IB reports.
 */
export async function executeLegs(
  broker: Broker,
  legs: ExecutableLeg[],
  options: ExecuteOptions,
): Promise<ExecutionResult> {
  const progress = options.onProgress ?? (() => undefined);
  const tracker = new LegTracker(legs, options.planHash, progress, options.account);
  const ownLink = options.link === undefined;
  const link = options.link ?? new Reconnector(broker, options.reconnect ?? DEFAULT_RECONNECT, progress);
  const unsubscribe = broker.subscribe((event: BrokerEvent) => tracker.apply(event));
  const session: Session = { tracker, broker, options, link };
  const stopResync = link.onReconnected(() => resync(session, false));
  try {
    tracker.absorbLedger(options.earlierRuns ?? []);
    await link.read(() => resync(session, true));
    if (tracker.allEnded()) {
      const outcomes = tracker.outcomes();
      const allFilled = outcomes.every((o) => o.status === "filled");
      return { legs: outcomes, alreadyApplied: allFilled, alreadyAttempted: !allFilled };
    }

    const sells = legs.filter((l) => l.side === "SELL" && !isConversionLeg(l));
    for (const leg of sells) await placeIfNew(session, leg, leg.quantity);
    await followWave(session, sells);

    // Conversions after the sells (whose proceeds they may convert) and before the buys (which the
    // cash they produce pays for), at the planned quantities: a conversion is not resized.
    const conversions = legs.filter(isConversionLeg);
    for (const leg of conversions) await placeIfNew(session, leg, leg.quantity);
    await followWave(session, conversions);

    const buys = legs.filter((l) => l.side === "BUY" && !isConversionLeg(l));
    const fresh = buys.filter((l) => !tracker.isKnownToBroker(l.leg));
    if (fresh.length > 0) {
      const sized = await sizeFreshBuys(session, buys, fresh);
      for (const { leg, quantity, shrunk } of sized) {
        const spec = fresh.find((l) => l.leg === leg) as ExecutableLeg;
        if (shrunk) tracker.note(leg, shrunk);
        if (quantity > 0) await placeIfNew(session, spec, quantity);
      }
    }
    await followWave(session, buys);
    return { legs: tracker.outcomes(), alreadyApplied: false, alreadyAttempted: false };
  } catch (error) {
    if (!(error instanceof BrokerError)) throw error;
    return {
      legs: tracker.outcomes(),
      alreadyApplied: false,
      alreadyAttempted: false,
      interrupted: error.message,
    };
  } finally {
    stopResync();
    unsubscribe();
    if (ownLink) link.dispose();
  }
}

/** A currency conversion (F1, F2...) on an IDEALPRO pair. */
const isConversionLeg = (leg: ExecutableLeg): boolean => isConversion(leg.contract);

/**
 * Whether every leg of the plan has ended, by what IB reports now and what earlier runs recorded: such a
 * re-run sends nothing, so the checks about today's market do not apply to it.
 */
export function allLegsEnded(
  legs: ExecutableLeg[],
  plan: { hash: string; account: string },
  fromIb: { orders: BrokerOrder[]; executions: BrokerExecution[] },
  earlierRuns: LedgerOrder[],
): boolean {
  const tracker = new LegTracker(legs, plan.hash, undefined, plan.account);
  tracker.absorbLedger(earlierRuns);
  tracker.absorb(fromIb.orders, fromIb.executions, false);
  return tracker.allEnded();
}

type Session = {
  tracker: LegTracker;
  broker: Broker;
  options: ExecuteOptions;
  link: Reconnector;
};

/** Reads this plan's orders and fills from IB: at the start and after every reconnect. */
async function resync(s: Session, resuming: boolean): Promise<void> {
  const [open, completed, executions] = await Promise.all([
    s.broker.openOrders(),
    s.broker.completedOrders(),
    s.broker.executions(s.options.account),
  ]);
  s.tracker.absorb([...completed, ...open], executions, resuming);
}

/**
 * Sends a leg IB does not know yet. When the connection drops under the placement, the order may or
 * may not have reached IB: reconnect and look (open orders, completed orders, executions) before anything
 * else, and send it again only when IB does not know it, at most once more. A placement that timed out
 * on a live connection is never sent again: IB may still be working through it.
 */
async function placeIfNew(s: Session, leg: ExecutableLeg, quantity: number): Promise<void> {
  for (let attempt = 1; attempt <= 2; attempt++) {
    await s.link.ensureConnected();
    if (s.tracker.isKnownToBroker(leg.leg)) return;
    try {
      const { orderId } = await s.broker.placeOrder({
        account: s.options.account,
        contract: leg.contract,
        side: leg.side,
        quantity,
        orderType: leg.orderType,
        ...(leg.limitPrice === undefined ? {} : { limitPrice: leg.limitPrice }),
        orderRef: orderRefFor(s.options.planHash, leg.leg),
      });
      s.tracker.markPlaced(leg.leg, orderId, quantity);
      return;
    } catch (error) {
      if (!(error instanceof BrokerError)) throw error;
      if (error.code !== undefined && error.code !== 504) {
        s.tracker.markRejected(leg.leg, error.message);
        return;
      }
      const dropped = s.link.needsReconnect;
      // No answer: the order may or may not be at IB. Look before doing anything else, never resend blind.
      await s.link.ensureConnected(true);
      if (s.tracker.isKnownToBroker(leg.leg)) return;
      if (!dropped || attempt === 2) {
        s.tracker.note(leg.leg, `not sent: IB Gateway did not acknowledge it (${error.message})`);
        return;
      }
    }
  }
}

/** Waits until every leg of the wave is settled, reconnecting when needed; cancels the rest at the deadline. */
async function followWave(s: Session, wave: ExecutableLeg[]): Promise<void> {
  const deadline = s.options.waveDeadline ?? clockWaveDeadline;
  const ended = await settledBefore(s, wave, deadline, s.options.waveTimeoutMs, true);
  if (ended) return;
  for (const leg of wave) {
    for (const orderId of s.tracker.workingOrderIds(leg.leg)) {
      s.tracker.note(leg.leg, `cancelled the unfilled rest at the deadline (${s.options.waveTimeoutMs} ms)`);
      // A drop under the cancel is reconnected and the cancel sent again: a second cancel is harmless.
      await s.link
        .read(async () => {
          if (s.tracker.isSettled(leg.leg)) return;
          await s.broker.cancelOrder(orderId);
        })
        .catch((error: unknown) => {
          s.tracker.note(leg.leg, `cancel of order ${orderId} failed: ${(error as Error).message}`);
        });
    }
  }
  await settledBefore(s, wave, s.options.cancelGrace ?? clockWaveDeadline, CANCEL_GRACE_MS, false);
  await s.link.read(() => resync(s, false));
}

/**
 * Polls until every leg of the wave is settled (true) or the port says its time is up (false). Only the
 * wait for the orders reconnects: the grace after the cancels is read by the resync that follows it.
 */
async function settledBefore(
  s: Session,
  wave: ExecutableLeg[],
  port: WaveDeadline,
  timeoutMs: number,
  reconnect: boolean,
): Promise<boolean> {
  const settled = new AbortController();
  let reached = false;
  void port({ legs: wave.map((l) => l.leg), timeoutMs }, settled.signal).then(
    () => (reached = !settled.signal.aborted),
    () => (reached = !settled.signal.aborted),
  );
  try {
    while (!reached) {
      if (reconnect) await s.link.ensureConnected();
      if (wave.every((l) => s.tracker.isSettled(l.leg))) return true;
      await sleep(POLL_MS);
    }
    return false;
  } finally {
    settled.abort();
  }
}

async function sizeFreshBuys(s: Session, allBuys: ExecutableLeg[], fresh: ExecutableLeg[]) {
  // The cash the sells left, read again after a drop; a buy an earlier connection placed is known by now.
  const values = await s.link.read(() => s.broker.accountValues(s.options.account));
  const buffer = 1 + s.options.buyPriceBufferBps / 10_000;
  const maxPrice = (leg: ExecutableLeg) => leg.limitPrice ?? leg.estimatedPrice * buffer;
  const available: Record<string, number> = {};
  for (const [currency, cash] of Object.entries(values.cash)) {
    available[currency] = cash - (s.options.cashFloor[currency] ?? 0);
  }
  // Buys an earlier run already sent will take their cash when they fill.
  for (const leg of allBuys) {
    if (!s.tracker.isKnownToBroker(leg.leg) || s.tracker.isSettled(leg.leg)) continue;
    const o = s.tracker.outcome(leg.leg);
    const currency = leg.contract.currency;
    available[currency] = (available[currency] ?? 0) - (o.sentQuantity - o.filledQuantity) * maxPrice(leg);
  }
  return sizeBuys(
    fresh.map((leg) => ({
      leg: leg.leg,
      currency: leg.contract.currency,
      plannedQuantity: leg.quantity,
      maxPricePerShare: maxPrice(leg),
    })),
    available,
    s.options.commission,
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
