// The example account with all cash and no positions, a plan that spends it to within one share, and a
// price rise: the tests of a live cash check that a small rise would trip on a first run.
import type { GatewaySim, SimStateFile } from "../../../src/gateway-sim/index.js";
import { ACCOUNT } from "./apply-harness.js";

/** All cash, no positions: the plan spends it to within one share, so a small price rise overdraws it. */
export function allCash(state: SimStateFile): void {
  const account = state.accounts.find((a) => a.id === ACCOUNT)!;
  account.positions = [];
  account.cash = { USD: 56_000 };
}

/** The example portfolio.yaml changed to spend all of it. */
export const SPEND_IT_ALL = (yaml: string) =>
  yaml
    .replace("weight: 40 #", "weight: 45 #")
    .replace("weight: 5 #", "weight: 0 #")
    .replace("minimum: 500 #", "minimum: 0 #")
    .replace("maxTurnover: 30 #", "maxTurnover: 200 #");

/** Every quote up by `bps` (inside the 50 bps tolerance, so the plan is not stale). */
export function raisePrices(sim: GatewaySim, bps: number): void {
  for (const [conId, quote] of Object.entries(sim.snapshotState().quotes ?? {})) {
    const up = 1 + bps / 10_000;
    sim.setQuote(Number(conId), { bid: (quote.bid ?? 0) * up, ask: (quote.ask ?? 0) * up });
  }
}
