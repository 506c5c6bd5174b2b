import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validatePlanDocument as validatePlan } from "../../src/config/load-plan.js";
import { canonicalJson } from "../../src/core/canonical-json.js";
import { formatPlanFile } from "../../src/core/format-plan-file.js";
import { verifyPlanHash } from "../../src/core/hash-plan.js";
import type { Plan } from "../../src/core/plan.js";
import type { Portfolio } from "../../src/core/portfolio.js";
import type { Snapshot } from "../../src/core/snapshot.js";
import nonConverging from "./fixtures/non-converging-scenario.json" with { type: "json" };
import { applyOrders, makePortfolio, makeSnapshot, plan, type HoldingSpec } from "./plan-builders.js";

const CONVERGENCE_SEED = 20261202;

interface Scenario {
  portfolio: Portfolio;
  snapshot: Snapshot;
}

const holding = fc.record({
  price: fc.integer({ min: 100, max: 300_000 }).map((cents) => cents / 100),
  quantity: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3_000 })),
  weight: fc.integer({ min: 1, max: 50 }),
  sizeIncrement: fc.constantFrom(1, 1, 1, 5),
});

export const scenarioForDebug: fc.Arbitrary<Scenario> = fc
  .record({
    holdings: fc.array(holding, { minLength: 1, maxLength: 7 }),
    cashWeight: fc.integer({ min: 0, max: 20 }),
    cash: fc.integer({ min: 1_000, max: 300_000 }),
    cashMinimum: fc.constantFrom(0, 0, 500, 5_000),
    absolute: fc.constantFrom(0, 0.5, 1, 5),
    relative: fc.constantFrom(10, 25, 100),
    mode: fc.constantFrom("full", "full", "buy-only", "sell-only"),
    rebalanceTo: fc.constantFrom("target", "band-edge"),
    minTradeValue: fc.constantFrom(0, 100, 1_000),
    freeTrades: fc.boolean(),
    stray: fc.option(
      fc.record({
        price: fc.integer({ min: 100, max: 50_000 }).map((c) => c / 100),
        quantity: fc.integer({ min: 1, max: 500 }),
      }),
    ),
    unmanaged: fc.constantFrom("ignore", "warn", "sell"),
  } as const)
  .map((s): Scenario => {
    // Target weights in hundredths of a percent that total exactly 100 with the cash weight.
    const available = (100 - s.cashWeight) * 100;
    const total = s.holdings.reduce((sum, h) => sum + h.weight, 0);
    const weights = s.holdings.map((h) => Math.max(1, Math.floor((available * h.weight) / total)));
    const largest = weights.indexOf(Math.max(...weights));
    weights[largest] = (weights[largest] as number) + available - weights.reduce((sum, w) => sum + w, 0);
    const specs: HoldingSpec[] = s.holdings.map((h, i) => ({
      symbol: `T${i}`,
      price: h.price,
      quantity: h.quantity,
      sizeIncrement: h.sizeIncrement,
    }));
    if (s.stray) specs.push({ symbol: "STRAY", price: s.stray.price, quantity: s.stray.quantity });
    const portfolio = makePortfolio(
      specs
        .filter((h) => h.symbol !== "STRAY")
        .map((h, i) => ({ symbol: h.symbol, weight: (weights[i] as number) / 100 })),
      {
        cash: { weight: s.cashWeight, minimum: s.cashMinimum },
        bands: { absolute: s.absolute, relative: s.relative },
        limits: { maxOrderValue: 1e12, maxTurnover: 200 },
        trading: {
          mode: s.mode,
          rebalanceTo: s.rebalanceTo,
          minTradeValue: s.minTradeValue,
          unmanaged: s.mode === "buy-only" && s.unmanaged === "sell" ? "warn" : s.unmanaged,
          commission: s.freeTrades
            ? { perShare: 0, minimum: 0, maximumPercent: 0 }
            : { perShare: 0.005, minimum: 1, maximumPercent: 1 },
        },
      },
    );
    return { portfolio, snapshot: makeSnapshot(specs, { cash: { USD: s.cash } }) };
  });

function planned({ portfolio, snapshot }: Scenario): Plan {
  const result = plan(portfolio, snapshot);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.code}: ${e.message}`).join("; "));
  return result.plan;
}

const held = (snapshot: Snapshot, conId: number): number =>
  snapshot.positions.find((p) => p.conId === conId)?.quantity ?? 0;
const scenario = scenarioForDebug;
const RUNS = { numRuns: 300 };

describe("computePlan invariants", () => {
  it("never plans buys that take cash below cash.minimum or zero", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const p = planned(s);
        if (!p.orders.some((o) => o.side === "BUY")) return;
        const cashAfter = Object.values(p.cashAfter).reduce((sum, v) => sum + v, 0);
        expect(cashAfter).toBeGreaterThanOrEqual(Math.max(0, s.portfolio.cash.minimum) - 0.01);
      }),
      RUNS,
    );
  });

  it("never sells more than is held, so never opens a short", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const p = planned(s);
        for (const order of p.orders.filter((o) => o.side === "SELL")) {
          expect(order.quantity).toBeLessThanOrEqual(held(s.snapshot, order.conId));
        }
        for (const weight of p.weights) expect(weight.quantityAfter ?? 0).toBeGreaterThanOrEqual(0);
      }),
      RUNS,
    );
  });

  it("never sells in buy-only mode and never buys in sell-only mode", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const p = planned(s);
        if (s.portfolio.trading.mode === "buy-only")
          expect(p.orders.filter((o) => o.side === "SELL")).toEqual([]);
        if (s.portfolio.trading.mode === "sell-only")
          expect(p.orders.filter((o) => o.side === "BUY")).toEqual([]);
      }),
      RUNS,
    );
  });

  it("never leaves more drift than it found", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const p = planned(s);
        expect(p.drift.after).toBeLessThanOrEqual(p.drift.before);
      }),
      RUNS,
    );
  });

  it("drops every order below minTradeValue, and lists sells before buys with legs in sequence", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const p = planned(s);
        for (const order of p.orders)
          expect(order.estimatedValueBase).toBeGreaterThanOrEqual(s.portfolio.trading.minTradeValue - 0.005);
        const sides = p.orders.map((o) => o.side);
        expect(sides).toEqual([...sides].sort((a, b) => (a === b ? 0 : a === "SELL" ? -1 : 1)));
        const sells = p.orders.filter((o) => o.side === "SELL").length;
        expect(p.orders.map((o) => o.leg)).toEqual(
          p.orders.map((_, i) => (i < sells ? `S${i + 1}` : `B${i - sells + 1}`)),
        );
      }),
      RUNS,
    );
  });

  it("gives a byte-identical plan for the same inputs, whatever order the snapshot lists things in", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const first = canonicalJson(planned(s));
        const reordered: Snapshot = {
          ...s.snapshot,
          positions: [...s.snapshot.positions].reverse(),
          quotes: [...s.snapshot.quotes].reverse(),
          contracts: [...s.snapshot.contracts].reverse(),
        };
        expect(canonicalJson(planned(s))).toBe(first);
        expect(canonicalJson(planned({ ...s, snapshot: reordered }))).toBe(first);
      }),
      { numRuns: 100 },
    );
  });

  it("re-derives every plan byte for byte from the snapshot it embeds, read back from its file", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const p = planned(s);
        const read = JSON.parse(formatPlanFile(p)) as Plan;
        const again = plan(s.portfolio, read.snapshot, { now: read.createdAt });
        expect(again.ok && canonicalJson(again.plan)).toBe(canonicalJson(p));
      }),
      { numRuns: 100 },
    );
  });

  it("writes plans that match plan.schema.json and carry a hash that verifies", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const p = planned(s);
        expect(validatePlan(JSON.parse(JSON.stringify(p))), JSON.stringify(validatePlan.errors)).toBe(true);
        expect(verifyPlanHash(JSON.parse(JSON.stringify(p)))).toEqual({ ok: true, hash: p.hash });
      }),
      { numRuns: 100 },
    );
  });

  const convergesFrom = (s: Scenario): void => {
    const first = planned(s);
    const second = planned({ ...s, snapshot: applyOrders(s.snapshot, first) });
    expect(second.orders).toEqual([]);
  };

  it("converges: after its orders fill at the planned prices, planning again finds nothing to do", () => {
    // A fixed seed: a random one made CI pass or fail by chance on the known case below.
    fc.assert(fc.property(scenario, convergesFrom), { numRuns: 500, seed: CONVERGENCE_SEED });
  });

  // A case fast-check found (seed 332119595): a relative band on a small weight, a large cash floor and
  // an unmanaged position sold. The windowed search sold T0 and traded two more when planning again; the
  // exact branch and bound finds the optimum the first time, so the second plan is empty.
  it("converges on a small weight with a relative band and a large cash floor", () => {
    convergesFrom(nonConverging as unknown as Scenario);
  });
});
