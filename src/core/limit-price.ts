import type { OrderSide } from "./plan.js";

/**
 * LMT price for an order: the valuation price moved by `offsetBps` against us (up for a buy, down for a
 * sell), rounded to the contract's minTick inward, so that the collar is never wider than configured.
 */
export function limitPrice(side: OrderSide, price: number, offsetBps: number, minTick: number): number {
  const tick = minTick > 0 ? minTick : 0.01;
  const raw = side === "BUY" ? price * (1 + offsetBps / 10_000) : price * (1 - offsetBps / 10_000);
  const ticks = raw / tick;
  // The tolerance keeps 250.25 / 0.01 = 25024.999999999996 on tick 25025.
  let whole = side === "BUY" ? Math.floor(ticks + 1e-7) : Math.ceil(ticks - 1e-7);
  if (whole < 1) whole = 1;
  return Number((whole * tick).toFixed(decimalsOf(tick)));
}

function decimalsOf(tick: number): number {
  let decimals = 0;
  while (decimals < 10 && Math.abs(Math.round(tick * 10 ** decimals) - tick * 10 ** decimals) > 1e-9)
    decimals++;
  return decimals;
}
