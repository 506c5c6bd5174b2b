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

/**
 * Bands, mode, rebalance-to and minimum trade drawn as the fair accounts draw them (the same draws in
 * the same order, so that a seed gives the same accounts wherever it is used).
 */
export function drawTradingPolicy(portfolio: Portfolio, random: () => number): void {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  portfolio.bands = pick([
    { absolute: 1, relative: 25 },
    { absolute: 2, relative: 25 },
    { absolute: 0.5, relative: 10 },
    { absolute: 5, relative: 50 },
  ]);
  portfolio.trading.mode = pick(["full", "full", "full", "buy-only", "sell-only"] as const);
  portfolio.trading.rebalanceTo = random() < 0.3 ? "band-edge" : "target";
  portfolio.trading.minTradeValue = pick([0, 50, 100, 100, 250, 1_000]);
}

/**
 * One account with everything the planner supports, drawn at random: small (2k-50k) or large (50k-5M)
 * accounts, 3 to `maxTargets` targets priced 5 to 5,000, non-zero bands, IB's default commissions, a
 * cash floor, full, buy-only or sell-only mode, target or band-edge, positions outside the targets
 * (left alone or sold) and a minimum trade value.
 */
export function generateFairCase(random: () => number, maxTargets = 60): GeneratedCase {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const small = random() < 0.5;
  const generated = generateCase(random, {
    targets: [3, maxTargets],
    prices: [5, 5_000],
    accounts: small ? [2_000, 50_000] : [50_000, 5_000_000],
  });
  const { portfolio, snapshot } = generated;
  const accountValue = snapshot.netLiquidation;
  drawTradingPolicy(portfolio, random);
  portfolio.trading.unmanaged = pick(["warn", "sell"] as const);
  if (random() < 0.4) {
    portfolio.cash.minimum = Math.round(accountValue * random() * 0.05 * 100) / 100;
  }
  if (random() < 0.3) {
    // Positions outside the targets, worth 1-10% of the account each, bought with some of the cash.
    const count = 1 + Math.floor(random() * 3);
    for (let j = 0; j < count; j++) {
      const conId = 900_000 + j;
      const symbol = `U${j}`;
      const price = Math.round(Math.exp(Math.log(5) + random() * Math.log(1_000)) * 100) / 100;
      const quantity = Math.max(1, Math.floor((accountValue * (0.01 + random() * 0.09)) / price));
      snapshot.positions.push({ conId, symbol, currency: "USD", quantity, avgCost: price });
      snapshot.quotes.push({ conId, last: price, time: snapshot.asOf, delayed: false });
      snapshot.contracts.push({
        conId,
        symbol,
        secType: "STK",
        exchange: "SMART",
        currency: "USD",
        minTick: 0.01,
        sizeIncrement: 1,
      });
      snapshot.netLiquidation = Math.round((snapshot.netLiquidation + quantity * price) * 100) / 100;
    }
  }
  return generated;
}
