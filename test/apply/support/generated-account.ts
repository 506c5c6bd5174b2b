// An account of any size for apply runs: held targets that are overweight (sold down), targets not held
// yet (bought), and held positions outside the targets (valued, never traded), with a portfolio.yaml
// that trades every out-of-band target at market.
import type { SimStateFile } from "../../../src/gateway-sim/index.js";
import { ACCOUNT } from "./apply-harness.js";

export interface AccountShape {
  /** Held positions that are targets: each is overweight and gets a sell. */
  heldTargets: number;
  /** Held positions that are not targets (`unmanaged: ignore`): quoted and valued, never traded. */
  unmanaged: number;
  /** Targets not held: each gets a buy. */
  newTargets: number;
}

const conIdOf = {
  held: (i: number) => 600_000 + i,
  unmanaged: (i: number) => 700_000 + i,
  fresh: (i: number) => 800_000 + i,
};

const HELD_QUANTITY = 100;
const PRICE = 50;

export function generatedState(shape: AccountShape): SimStateFile {
  const contracts: SimStateFile["contracts"] = [];
  const quotes: NonNullable<SimStateFile["quotes"]> = {};
  const add = (conId: number, symbol: string) => {
    contracts.push({ conId, symbol, exchange: "SMART", currency: "USD" });
    quotes[conId] = { bid: PRICE - 0.01, ask: PRICE + 0.01, last: PRICE };
  };
  const positions = [];
  for (let i = 0; i < shape.heldTargets; i++) {
    add(conIdOf.held(i), `H${i}`);
    positions.push({ conId: conIdOf.held(i), quantity: HELD_QUANTITY, avgCost: PRICE });
  }
  for (let i = 0; i < shape.unmanaged; i++) {
    add(conIdOf.unmanaged(i), `U${i}`);
    positions.push({ conId: conIdOf.unmanaged(i), quantity: 10, avgCost: PRICE });
  }
  for (let i = 0; i < shape.newTargets; i++) add(conIdOf.fresh(i), `N${i}`);
  // Less cash than the new targets' share: every held target ends up over its weight.
  const cash = shape.newTargets * HELD_QUANTITY * PRICE * 0.6 + 1000;
  return {
    accounts: [{ id: ACCOUNT, baseCurrency: "USD", cash: { USD: cash }, positions }],
    contracts,
    quotes,
    exchangeRates: { USD: 1 },
    marketData: "live",
    faults: [],
  };
}

/** portfolio.yaml (as JSON, which is YAML) with equal weights on every target, narrow bands, market orders. */
export function generatedPortfolio(shape: AccountShape): string {
  const targets = [
    ...Array.from({ length: shape.heldTargets }, (_, i) => ({ symbol: `H${i}`, conId: conIdOf.held(i) })),
    ...Array.from({ length: shape.newTargets }, (_, i) => ({ symbol: `N${i}`, conId: conIdOf.fresh(i) })),
  ];
  // Whole-number weights that sum to exactly 95: the first targets take the remainder.
  const base = Math.floor(95 / targets.length);
  const rest = 95 - base * targets.length;
  const document = {
    version: 1,
    account: ACCOUNT,
    baseCurrency: "USD",
    targets: targets.map((t, i) => ({ ...t, weight: base + (i < rest ? 1 : 0) })),
    cash: { weight: 5 },
    bands: { absolute: 0.1, relative: 1 },
    trading: { mode: "full", minTradeValue: 10, orderType: "MKT", unmanaged: "ignore" },
    limits: { maxOrderValue: 10_000_000, maxTurnover: 100 },
    tolerances: { priceMoveBps: 50, planTtl: "4h" },
    suspend: false,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
