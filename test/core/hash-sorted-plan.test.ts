import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashPlan, hashSortedPlan } from "../../src/core/hash-plan.js";
import type { Plan } from "../../src/core/plan.js";
import { twoFundPlan } from "./plan-builders.js";

// computePlan hashes its plan in pieces (hashSortedPlan); files are checked against the canonical JSON
// (hashPlan). The two must agree whatever the sizes of the pieces: lists far longer than the 64 KiB the
// pieces are gathered to, small fields between them, and text beyond ASCII.
describe("the plan hash computed in pieces", () => {
  // Planned in each test, not when the file is collected (see hash-plan.test.ts).
  const unhashed = (): Omit<Plan, "hash"> => {
    const { hash: _, ...plan } = twoFundPlan();
    return plan;
  };

  it("equals the canonical hash for a plan whose lists are far longer than one piece", () => {
    const plan = unhashed();
    const order = plan.orders[0] as Plan["orders"][number];
    const orders = Array.from({ length: 2_000 }, (_, i) => ({
      ...order,
      leg: `B${i + 1}`,
      reason: `→ ${i}`,
    }));
    const large = { ...plan, orders };
    expect(JSON.stringify(orders).length).toBeGreaterThan(3 * 64 * 1024);
    expect(hashSortedPlan(large)).toBe(hashPlan(large));
    expect(hashSortedPlan(large)).not.toBe(hashSortedPlan({ ...large, orders: orders.slice(1) }));
  });

  it("equals the canonical hash for a small plan", () => {
    const plan = unhashed();
    expect(hashSortedPlan(plan)).toBe(hashPlan(plan));
  });

  it("hashes what JSON.stringify writes for every kind of value in the plan's and its snapshot's fields", () => {
    // Values computePlan does not build, but which the pieces must write as JSON.stringify does: left
    // out (undefined, a function, a symbol), written by toJSON (a Date), null, and empty objects.
    const odd = {
      a: null,
      b: undefined,
      c: () => 1,
      d: Symbol("d"),
      e: new Date(0),
      f: {},
      g: { h: undefined, i: null, j: {}, k: new Date(1), l: () => 2, m: Symbol("m"), n: [1, { o: "→" }] },
      p: [],
      q: "→",
    };
    const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");
    const asPlan = odd as unknown as Omit<Plan, "hash">;
    expect(hashSortedPlan(asPlan)).toBe(sha256(JSON.stringify(odd)));
    expect(hashSortedPlan({} as Omit<Plan, "hash">)).toBe(sha256("{}"));
  });
});
