import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadPlanFile, parsePlan } from "../../src/config/load-plan.js";
import { formatPlanFile } from "../../src/core/format-plan-file.js";
import { verifyPlanHash } from "../../src/core/hash-plan.js";
import { makePortfolio, makeSnapshot, planOk } from "../core/plan-builders.js";

const dir = mkdtempSync(join(tmpdir(), "folioctl-plan-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const plan = planOk(
  makePortfolio([
    { symbol: "VTI", weight: 60 },
    { symbol: "BND", weight: 40 },
  ]),
  makeSnapshot(
    [
      { symbol: "VTI", price: 100, quantity: 100 },
      { symbol: "BND", price: 50, quantity: 20 },
    ],
    { cash: { USD: 5000 } },
  ),
);

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
