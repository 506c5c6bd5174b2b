// The reasons propose gives for replacing the plan under review, word for word: they are what reviewers
// read in the log when a pull request gets a new commit. Plans made by the real planner from a fixture.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPortfolioFile } from "../../src/config/load-portfolio.js";
import { loadSnapshotFile } from "../../src/config/load-snapshot.js";
import { computePlan } from "../../src/core/compute-plan.js";
import type { Plan, PlanOrder } from "../../src/core/plan.js";
import type { Portfolio } from "../../src/core/portfolio.js";
import type { Snapshot } from "../../src/core/snapshot.js";
import { keepExistingPlan } from "../../src/gitops/keep-existing-plan.js";
import { REPO_ROOT } from "../support/run-cli.js";

const MADE = "2026-11-24T15:00:00.000Z";
let portfolio: Portfolio;
let portfolioHash: string;
let snapshot: Snapshot;
let existing: Plan;

beforeAll(async () => {
  const loaded = await loadPortfolioFile(join(REPO_ROOT, "portfolio.yaml"));
  const read = await loadSnapshotFile(join(REPO_ROOT, "test/fixtures/snapshots/three-etf.json"));
  if (!loaded.ok || !read.ok) throw new Error("fixtures are invalid");
  portfolio = loaded.portfolio;
  portfolioHash = loaded.sha256;
  snapshot = read.snapshot;
  const made = computePlan(portfolio, snapshot, { now: MADE, toolVersion: "test", portfolioHash });
  if (!made.ok) throw new Error("the fixture makes no plan");
  existing = made.plan;
});

const decide = (fresh: Plan, seen = snapshot) =>
  keepExistingPlan({ existing, fresh, snapshot: seen, portfolio, portfolioHash, now: new Date(MADE) });
/** A fresh plan like the existing one but with these orders (only its orders are compared). */
const withOrders = (orders: PlanOrder[]): Plan => ({ ...existing, orders });
const key = (o: PlanOrder) => `${o.leg} ${o.side} ${o.quantity} ${o.symbol} (${o.conId}) ${o.orderType}`;

describe("keepExistingPlan's reasons", () => {
  it("has a plan of at least two orders to compare", () => {
    expect(existing.orders.length).toBeGreaterThanOrEqual(2);
    expect(decide(existing)).toEqual({ keep: true });
  });

  it("replaces a plan for another account than the fresh one", () => {
    expect(decide({ ...existing, account: "DU7654321" })).toEqual({
      keep: false,
      reason: `the plan on the branch is for account ${existing.account}`,
    });
  });

  it("names the orders the fresh plan no longer has", () => {
    const [first, second, ...rest] = existing.orders;
    expect(decide(withOrders(rest))).toEqual({
      keep: false,
      reason: `the orders changed: no longer ${key(first!)}, ${key(second!)}`,
    });
  });

  it("names the orders the fresh plan adds after the same ones", () => {
    const extra: PlanOrder[] = existing.orders.slice(0, 2).map((o) => ({ ...o, quantity: o.quantity + 1 }));
    expect(decide(withOrders([...existing.orders, ...extra]))).toEqual({
      keep: false,
      reason: `the orders changed: now ${extra.map(key).join(", ")}`,
    });
  });

  it("names both when one order changed size", () => {
    const [first, ...rest] = existing.orders;
    const bigger = { ...first!, quantity: first!.quantity + 5 };
    expect(decide(withOrders([bigger, ...rest]))).toEqual({
      keep: false,
      reason: `the orders changed: no longer ${key(first!)}; now ${key(bigger)}`,
    });
  });

  it("says their order changed when the same orders come in another order", () => {
    const [first, second, ...rest] = existing.orders;
    expect(decide(withOrders([second!, first!, ...rest]))).toEqual({
      keep: false,
      reason: "the orders changed: their order changed",
    });
  });

  it("lists every price that moved beyond the tolerance, one after another", () => {
    const moved: Snapshot = {
      ...snapshot,
      quotes: snapshot.quotes.map((q) => ({
        ...q,
        last: (q.last ?? 0) * 1.01,
        bid: (q.bid ?? 0) * 1.01,
        ask: (q.ask ?? 0) * 1.01,
      })),
    };
    const decision = decide(existing, moved);
    expect(decision.keep).toBe(false);
    const reason = decision.keep ? "" : decision.reason;
    expect(reason).toMatch(
      /^the account or the market moved: [A-Z]+ price: planned .+; [A-Z]+ price: planned /,
    );
  });
});
