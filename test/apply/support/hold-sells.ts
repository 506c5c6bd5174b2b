// Keeps an apply running on purpose, without a timer: each sell of the plan (or one chosen leg, a
// currency conversion included) rests unfilled at the simulator, as a limit order does when the market
// moves away from it, until the test lets it fill.
import type { Plan } from "../../../src/core/plan.js";
import type { GatewaySim } from "../../../src/gateway-sim/index.js";

/**
 * Moves the quote of every contract the plan sells 30 bps down: inside the 50 bps staleness tolerance,
 * so apply passes its checks and places the sells, but below their limit (10 bps under the plan's
 * price), so the simulator holds them. The buys wait for the sells. The function returned puts the
 * quotes back, and the resting sells fill at once.
 */
export function holdSells(sim: GatewaySim, plan: Plan): () => void {
  const sells = plan.orders.filter((order) => order.side === "SELL");
  if (sells.length === 0) throw new Error("the plan sells nothing: there is no order to hold");
  const releases = sells.map((order) => holdLeg(sim, plan, order.leg));
  return () => {
    for (const release of releases) release();
  };
}

/**
 * Holds one limit sell of the plan (S1, or a conversion such as F1 that sells EUR.USD) the same way:
 * its quote 30 bps down, below its limit, until the function returned puts the quote back. A currency
 * pair's quote keeps having no last price (IDEALPRO reports no trades).
 */
export function holdLeg(sim: GatewaySim, plan: Plan, leg: string): () => void {
  const order = plan.orders.find((o) => o.leg === leg);
  if (order === undefined) throw new Error(`the plan has no leg ${leg}`);
  if (order.side !== "SELL") throw new Error(`${leg} is not a sell: only sells can be held`);
  if (order.orderType !== "LMT") throw new Error("only limit orders can be held");
  const quote = sim.snapshotState().quotes?.[order.conId];
  const { bid, ask, last } = quote ?? {};
  if (quote === undefined || bid === undefined || ask === undefined) {
    throw new Error(`no quote for ${order.symbol}`);
  }
  sim.setQuote(order.conId, {
    bid: bid * 0.997,
    ask: ask * 0.997,
    ...(order.secType === "CASH" ? {} : { last: (last ?? bid) * 0.997 }),
  });
  return () => sim.setQuote(order.conId, quote);
}
