import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_PLAN_BYTES, MAX_PLAN_LIST_ITEMS, loadPlanFile, parsePlan } from "../../src/config/load-plan.js";
import { MAX_DIAGNOSTICS } from "../../src/config/load-portfolio.js";
import { formatPlanFile } from "../../src/core/format-plan-file.js";
import { verifyPlanHash } from "../../src/core/hash-plan.js";
import { twoFundPlan } from "../core/plan-builders.js";

const dir = mkdtempSync(join(tmpdir(), "folioctl-plan-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const plan = twoFundPlan();

describe("loading a plan file", () => {
  it("reads back a plan file exactly, with a hash that still verifies", async () => {
    const file = join(dir, "DU1234567.plan.json");
    writeFileSync(file, formatPlanFile(plan));
    const loaded = await loadPlanFile(file);
    expect(loaded.ok && loaded.plan).toEqual(plan);
    expect(loaded.ok && verifyPlanHash(loaded.plan)).toEqual({ ok: true, hash: plan.hash });
    expect(loaded.ok && loaded.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a plan that does not match the schema, saying which fields", () => {
    const broken = JSON.parse(formatPlanFile(plan)) as Record<string, unknown> & {
      orders: Record<string, unknown>[];
    };
    delete broken["expiresAt"];
    (broken.orders[0] as Record<string, unknown>)["side"] = "HOLD";
    delete (broken.orders[0] as Record<string, unknown>)["limitPrice"];
    const result = parsePlan(JSON.stringify(broken, null, 2), "p.json");
    expect(result.ok ? [] : result.errors.map((e) => [e.path, e.message])).toEqual([
      ["expiresAt", "is required"],
      ["orders[0].limitPrice", "is required"],
      ["orders[0].side", 'must be one of: "BUY", "SELL"'],
    ]);
  });

  it("refuses a limit price on an order type that has none", () => {
    const broken = JSON.parse(formatPlanFile(plan)) as { orders: Record<string, unknown>[] };
    (broken.orders[0] as Record<string, unknown>)["orderType"] = "MKT";
    const result = parsePlan(JSON.stringify(broken), "p.json");
    expect(result.ok ? [] : result.errors.map((e) => [e.path, e.message])).toEqual([
      ["orders[0].limitPrice", "must not be present here"],
    ]);
  });
});

describe("a hostile plan file", () => {
  const withOrders = (orders: unknown[]): string =>
    JSON.stringify({ ...(JSON.parse(formatPlanFile(plan)) as object), orders });

  it("is refused by its size before it is parsed", async () => {
    const file = join(dir, "huge.plan.json");
    // Not JSON at all, one byte past the cap: a parse would say "not valid JSON"; only the size is named.
    writeFileSync(file, `{${"x".repeat(MAX_PLAN_BYTES)}`);

    const loaded = await loadPlanFile(file);

    expect(loaded.ok).toBe(false);
    expect(!loaded.ok && loaded.errors.map((e) => e.message)).toEqual([
      `is ${MAX_PLAN_BYTES + 1} bytes, more than a plan can be (${MAX_PLAN_BYTES})`,
    ]);
  });

  it("with 200,000 broken orders is refused for the length of its list, without checking each order", () => {
    const loaded = parsePlan(withOrders(Array.from({ length: 200_000 }, () => ({ side: "X" }))), "p.json");

    expect(!loaded.ok && loaded.errors.map((e) => `${e.path}${e.message}`)).toEqual([
      `orders has 200000 items, more than a plan can have (${MAX_PLAN_LIST_ITEMS})`,
    ]);
  });

  it("with a thousand broken orders reports the first hundred problems and counts the rest", () => {
    const loaded = parsePlan(withOrders(Array.from({ length: 1000 }, () => ({ side: "X" }))), "p.json");

    const errors = loaded.ok ? [] : loaded.errors;
    expect(errors).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(errors[0]).toMatchObject({ path: "orders[0].leg", message: "is required" });
    expect(errors.at(-1)?.message).toMatch(/^\d+ more problems not shown$/);
  });

  it("with one broken order far down a long list names that order", () => {
    const good = plan.orders[0];
    const orders = [...Array.from({ length: 5_000 }, () => good), { ...good, side: "HOLD" }];

    const loaded = parsePlan(withOrders(orders), "p.json");

    expect(!loaded.ok && loaded.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'orders[5000].side: must be one of: "BUY", "SELL"',
    ]);
  });
});
