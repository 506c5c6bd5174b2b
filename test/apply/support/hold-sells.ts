// Keeps an apply running on purpose, without a timer: each sell of the plan rests unfilled at the
// simulator, as a limit order does when the market moves away from it, until the test lets it fill.
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
  if (sells.some((order) => order.orderType !== "LMT")) throw new Error("only limit orders can be held");
  const saved = sells.map((order) => {
    const quote = sim.snapshotState().quotes?.[order.conId];
    const { bid, ask, last } = quote ?? {};
    if (quote === undefined || bid === undefined || ask === undefined) {
      throw new Error(`no quote for ${order.symbol}`);
    }
    return {
      conId: order.conId,
      quote,
      moved: { bid: bid * 0.997, ask: ask * 0.997, last: (last ?? bid) * 0.997 },
    };
  });
  for (const { conId, moved } of saved) sim.setQuote(conId, moved);
  return () => {
    for (const { conId, quote } of saved) sim.setQuote(conId, quote);
  };
}
