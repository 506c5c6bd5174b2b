// The keep-or-replace rule that makes propose idempotent, on plans made by the real planner from a
// snapshot fixture.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPortfolioFile } from "../../src/config/load-portfolio.js";
import { loadSnapshotFile } from "../../src/config/load-snapshot.js";
import { computePlan } from "../../src/core/compute-plan.js";
import { hashPlan } from "../../src/core/hash-plan.js";
import type { Plan } from "../../src/core/plan.js";
import type { Portfolio } from "../../src/core/portfolio.js";
import type { Snapshot } from "../../src/core/snapshot.js";
import { keepExistingPlan } from "../../src/gitops/keep-existing-plan.js";
import { REPO_ROOT } from "../support/run-cli.js";

const MADE = "2026-11-24T15:00:00.000Z";
let portfolio: Portfolio;
let portfolioHash: string;
let snapshot: Snapshot;

beforeAll(async () => {
  const loaded = await loadPortfolioFile(join(REPO_ROOT, "portfolio.yaml"));
  const read = await loadSnapshotFile(join(REPO_ROOT, "test/fixtures/snapshots/three-etf.json"));
  if (!loaded.ok || !read.ok) throw new Error("fixtures are invalid");
  portfolio = loaded.portfolio;
  portfolioHash = loaded.sha256;
  snapshot = read.snapshot;
});

function plan(at: string, from: Snapshot = snapshot, with_: Portfolio = portfolio): Plan {
  const result = computePlan(with_, from, { now: at, toolVersion: "test", portfolioHash });
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join("; "));
  return result.plan;
}

function withQuote(conId: number, last: number): Snapshot {
  return {
    ...snapshot,
    quotes: snapshot.quotes.map((q) =>
      q.conId === conId ? { ...q, last, bid: last - 0.05, ask: last + 0.05 } : q,
    ),
  };
}

const decide = (existing: Plan, fresh: Plan, now: string, seen = snapshot, hash = portfolioHash) =>
  keepExistingPlan({ existing, fresh, snapshot: seen, portfolio, portfolioHash: hash, now: new Date(now) });

describe("keepExistingPlan", () => {
  it("keeps the plan under review when a fresh one would trade the same, though its hash differs", () => {
    const existing = plan(MADE);
    const fresh = plan("2026-11-24T16:00:00.000Z");

    expect(existing.orders.length).toBeGreaterThan(0);
    expect(fresh.hash).not.toBe(existing.hash);
    expect(decide(existing, fresh, "2026-11-24T16:00:00.000Z")).toEqual({ keep: true });
  });

  it("replaces it once half of its lifetime (planTtl 4h) has passed", () => {
    const existing = plan(MADE);

    expect(decide(existing, existing, "2026-11-24T16:59:59.000Z")).toEqual({ keep: true });
    expect(decide(existing, existing, "2026-11-24T17:00:00.000Z")).toEqual({
      keep: false,
      reason: "the plan is past half of its lifetime (it expires at 2026-11-24T19:00:00Z)",
    });
  });

  it("keeps it through a price move within tolerances.priceMoveBps that leaves the orders as they are, replaces it beyond", () => {
    const existing = plan(MADE);
    const within = withQuote(756733, 250.25); // 10 bps
    const beyond = withQuote(756733, 251.5); // 60 bps

    expect(decide(existing, plan(MADE, within), MADE, within)).toEqual({ keep: true });
    expect(decide(existing, plan(MADE, beyond), MADE, beyond)).toEqual({
      keep: false,
      reason: "the account or the market moved: VTI price: planned 250.00, now 251.50 (+60.0 bps)",
    });
  });

  it("replaces it when positions or cash moved", () => {
    const existing = plan(MADE);
    const sold: Snapshot = {
      ...snapshot,
      positions: snapshot.positions.map((p) => (p.symbol === "VTI" ? { ...p, quantity: 190 } : p)),
    };

    expect(decide(existing, plan(MADE, sold), MADE, sold)).toMatchObject({
      keep: false,
      reason: expect.stringContaining("VTI position: planned 200, now 190"),
    });
  });

  it("replaces it when portfolio.yaml on main is another one", () => {
    const existing = plan(MADE);

    expect(decide(existing, existing, MADE, snapshot, "f".repeat(64))).toEqual({
      keep: false,
      reason: "portfolio.yaml on main changed since the plan was made",
    });
  });

  it("replaces it when the fresh plan's orders differ", () => {
    const existing = plan(MADE);
    const edge = plan(MADE, snapshot, {
      ...portfolio,
      trading: { ...portfolio.trading, rebalanceTo: "band-edge" },
    });

    const decision = decide(existing, edge, MADE);

    expect(decision.keep).toBe(false);
    expect(decision).toMatchObject({
      reason: expect.stringMatching(/^the orders changed: no longer .*; now /),
    });
  });

  it("replaces a plan that does not re-derive, though it is re-hashed and its orders look the same", () => {
    const existing = plan(MADE);
    const edited: Plan = {
      ...existing,
      orders: existing.orders.map((o, i) => (i === 0 ? { ...o, limitPrice: 500 } : o)),
    };
    edited.hash = hashPlan(edited);

    expect(decide(edited, plan(MADE), MADE)).toMatchObject({
      keep: false,
      reason: expect.stringMatching(
        /^the plan does not re-derive \(tampered\): .*orders\[0\]\.limitPrice: the plan says 500, re-derived \d/,
      ),
    });
  });

  it("replaces a plan another folioctl version made", () => {
    const existing = { ...plan(MADE), toolVersion: "0.9.0" };
    existing.hash = hashPlan(existing);

    expect(decide(existing, plan(MADE), MADE)).toMatchObject({
      keep: false,
      reason: expect.stringContaining(
        "(version-mismatch): the plan was made by folioctl 0.9.0, this is folioctl test",
      ),
    });
  });
});
