// Seeded random portfolios and snapshots of the shape the benchmark and the optimiser tests need: the
// same seed gives the same cases on every machine.
import type { Portfolio } from "../src/core/portfolio.js";
import type { Snapshot } from "../src/core/snapshot.js";

export interface GeneratedCase {
  portfolio: Portfolio;
  snapshot: Snapshot;
}

export interface GenerateOptions {
  targets: [min: number, max: number];
  prices: [min: number, max: number];
  accounts: [min: number, max: number];
  /** Portfolio fields to override (bands, trading, limits...). */
  settings?: (base: Portfolio) => Portfolio;
}

/** mulberry32: small, fast, and reproducible; Math.random is none of the last. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export const NOW = "2026-11-24T15:00:05Z";

/**
 * One account: target weights drawn from a flat Dirichlet, a cash target of 0-5%, current holdings
 * scattered around the targets (a fifth of them not held yet), prices and account value log-uniform.
 */
export function generateCase(random: () => number, options: GenerateOptions): GeneratedCase {
  const logUniform = ([min, max]: [number, number]): number =>
    Math.exp(Math.log(min) + random() * (Math.log(max) - Math.log(min)));
  const [minTargets, maxTargets] = options.targets;
  const n = minTargets + Math.floor(random() * (maxTargets - minTargets + 1));
  const accountValue = logUniform(options.accounts);
  // Weights in millionths (0.0001%), whole numbers, so that targets plus cash total exactly 100 even
  // with 10,000 targets.
  const cashUnits = Math.floor(random() * 50_001);
  const draws = Array.from({ length: n }, () => -Math.log(1 - random()) + 0.05);
  const total = draws.reduce((sum, d) => sum + d, 0);
  const targetUnits = draws.map((d) => Math.max(1, Math.floor(((1_000_000 - cashUnits) * d) / total)));
  const leftover = 1_000_000 - cashUnits - targetUnits.reduce((sum, w) => sum + w, 0);
  const largest = targetUnits.indexOf(Math.max(...targetUnits));
  targetUnits[largest] = (targetUnits[largest] as number) + leftover;
  const prices = Array.from({ length: n }, () => Math.round(logUniform(options.prices) * 100) / 100);
  const raw = targetUnits.map((w) =>
    random() < 0.2 ? 0 : (w / 1_000_000) * Math.exp((random() - 0.5) * 1.2),
  );
  const rawCash = random() * 0.1;
  const rawTotal = raw.reduce((sum, r) => sum + r, 0) + rawCash;
  const quantities = raw.map((r, i) => Math.floor(((r / rawTotal) * accountValue) / (prices[i] as number)));
  const invested = quantities.reduce((sum, q, i) => sum + q * (prices[i] as number), 0);
  const cash = Math.round((accountValue - invested) * 100) / 100;
  const conIds = Array.from({ length: n }, (_, i) => 100_000 + i);
  const symbols = conIds.map((_, i) => `S${String(i).padStart(5, "0")}`);

  const base: Portfolio = {
    version: 1,
    account: "DU1234567",
    baseCurrency: "USD",
    targets: symbols.map((symbol, i) => ({
      symbol,
      weight: (targetUnits[i] as number) / 10_000,
      conId: conIds[i],
      secType: "STK",
      exchange: "SMART",
      currency: "USD",
    })),
    cash: { weight: cashUnits / 10_000, minimum: 0 },
    bands: { absolute: 1, relative: 25 },
    trading: {
      mode: "full",
      rebalanceTo: "target",
      minTradeValue: 100,
      orderType: "LMT",
      limitOffsetBps: 10,
      unmanaged: "warn",
      commission: { perShare: 0.005, minimum: 1, maximumPercent: 1 },
    },
    limits: { maxOrderValue: 1e12, maxTurnover: 200 },
    tolerances: { priceMoveBps: 50, planTtl: "4h" },
    fx: { mode: "forbid", minOrder: 100, limitOffsetBps: 5, sweep: false },
    suspend: false,
  };
  const portfolio = options.settings ? options.settings(base) : base;
  const snapshot: Snapshot = {
    account: portfolio.account,
    baseCurrency: "USD",
    asOf: "2026-11-24T15:00:00Z",
    exchangeRates: { USD: 1 },
    cash: { USD: cash },
    netLiquidation: Math.round((invested + cash) * 100) / 100,
    positions: conIds
      .map((conId, i) => ({
        conId,
        symbol: symbols[i] as string,
        currency: "USD",
        quantity: quantities[i] as number,
        avgCost: prices[i] as number,
      }))
      .filter((p) => p.quantity > 0),
    quotes: conIds.map((conId, i) => ({
      conId,
      last: prices[i] as number,
      time: "2026-11-24T15:00:00Z",
      delayed: false,
    })),
    contracts: conIds.map((conId, i) => ({
      conId,
      symbol: symbols[i] as string,
      secType: "STK",
      exchange: "SMART",
      currency: "USD",
      minTick: 0.01,
      sizeIncrement: 1,
    })),
    openOrders: [],
  };
  return { portfolio, snapshot };
}

/** Bands at zero so that everything trades, no commissions or minimum trade: the problem the MILP solves. */
export function exactProblemSettings(base: Portfolio): Portfolio {
  return {
    ...base,
    bands: { absolute: 0, relative: 25 },
    trading: {
      ...base.trading,
      minTradeValue: 0,
      commission: { perShare: 0, minimum: 0, maximumPercent: 0 },
    },
  };
}
