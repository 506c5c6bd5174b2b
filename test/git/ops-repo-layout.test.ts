// The account id in branch names, ref names and paths: only a plain id is accepted, whatever the caller
// read it from (a plan file is JSON from outside, so its account may be missing or not a string).
import { describe, expect, it } from "vitest";
import { assertAccountId, planBranch, planPath } from "../../src/git/ops-repo-layout.js";
import { InputError } from "../../src/errors.js";

describe("assertAccountId", () => {
  it("accepts an IB account id and names the plan's branch and file after it", () => {
    expect(assertAccountId("DU1234567")).toBe("DU1234567");
    expect(planBranch("DU1234567")).toMatch(/DU1234567$/);
    expect(planPath("DU1234567")).toBe("plans/DU1234567.plan.json");
  });

  it.each([undefined, null, 1234567, ["DU1234567"]])("refuses %j rather than writing it as text", (value) => {
    expect(() => assertAccountId(value as unknown as string)).toThrow(InputError);
  });

  it.each(["", "../DU1", "DU1/x", "-DU1", "DU 1", "a".repeat(65)])("refuses %j", (value) => {
    expect(() => assertAccountId(value)).toThrow(/is not a usable account id/);
  });
});
