// A plan is authentic when folioctl makes exactly it again from its own snapshot and portfolio.yaml.
import { describe, expect, it } from "vitest";
import { checkPlanFormat, checkPlanVersion, rederivePlan } from "../../src/apply/rederive-plan.js";
import { hashPlan } from "../../src/core/hash-plan.js";
import { PORTFOLIO_HASH, planOk } from "../core/plan-builders.js";
import { LOOP, checkScenario } from "./support/check-scenario.js";

const VERSION = "0.0.0-test";
const NEVER_EDIT =
  "Never edit a plan by hand. Close this pull request and let `folioctl propose` make a new plan.";
const OTHER_VERSION_HINT =
  "Let `folioctl propose` (with this version) make a new plan for review, or apply with the version that made it.";

describe("rederivePlan", () => {
  it("re-derives a plan made from a source commit, which the plan records", () => {
    const { portfolio, snapshot } = checkScenario();
    const plan = planOk(portfolio, snapshot, { sourceCommit: "c".repeat(40) });
    expect(plan.sourceCommit).toBe("c".repeat(40));
    const context = { portfolio, portfolioHash: PORTFOLIO_HASH, toolVersion: VERSION };
    expect(rederivePlan(plan, context, LOOP)).toBeUndefined();
    const { sourceCommit: _dropped, ...without } = plan;
    expect(rederivePlan({ ...without, hash: hashPlan(without) }, context, LOOP)).toBeUndefined();
  });

  it("refuses another version's plan before planning again", () => {
    const { portfolio, plan } = checkScenario();
    const refusal = rederivePlan(
      plan,
      { portfolio, portfolioHash: PORTFOLIO_HASH, toolVersion: "9.9.9" },
      LOOP,
    );
    expect(refusal).toEqual({
      reason: "version-mismatch",
      message: `the plan was made by folioctl ${VERSION}, this is folioctl 9.9.9: only the version that made a plan can re-derive it to check it`,
      hint: OTHER_VERSION_HINT,
    });
    expect(checkPlanVersion(plan, VERSION, LOOP)).toBeUndefined();
  });

  it("names up to five fields that differ, with both values", () => {
    const { portfolio, plan } = checkScenario();
    const edited = structuredClone(plan);
    edited.orders.forEach((o) => (o.quantity += 1));
    edited.orders.forEach((o) => (o.estimatedValue += 1));
    edited.drift.before += 1;
    edited.hash = hashPlan(edited);
    const refusal = rederivePlan(
      edited,
      { portfolio, portfolioHash: PORTFOLIO_HASH, toolVersion: VERSION },
      LOOP,
    );
    expect(refusal?.reason).toBe("tampered");
    expect(refusal?.hint).toBe(NEVER_EDIT);
    const listed = refusal?.message.replace(/^.*portfolio\.yaml: /, "").split("; ") ?? [];
    expect(listed).toHaveLength(5);
    // The hash differs whenever anything does: it is named only when nothing else differs.
    expect(listed.some((line) => line.startsWith("hash:"))).toBe(false);
    expect(listed[0]).toBe(
      `drift.before: the plan says ${edited.drift.before}, re-derived ${plan.drift.before}`,
    );
    expect(refusal?.message).toMatch(
      /^the plan is not the one folioctl makes from its own snapshot and portfolio\.yaml: /,
    );
  });

  it("names the hash when nothing else differs", () => {
    const { portfolio, plan } = checkScenario();
    const rehashed = { ...plan, hash: "0".repeat(64) };
    const refusal = rederivePlan(
      rehashed,
      {
        portfolio,
        portfolioHash: PORTFOLIO_HASH,
        toolVersion: VERSION,
      },
      LOOP,
    );
    expect(refusal?.message).toBe(
      `the plan is not the one folioctl makes from its own snapshot and portfolio.yaml: hash: the plan says "${"0".repeat(64)}", re-derived "${plan.hash}"`,
    );
  });

  it("refuses a plan from which no plan can be made again, listing up to five reasons", () => {
    const { portfolio, plan } = checkScenario();
    // Six targets that are not in the snapshot: planning fails with one error each.
    const targets = ["AA1", "AA2", "AA3", "AA4", "AA5", "AA6"].map((symbol) => ({
      ...portfolio.targets[0]!,
      symbol,
      weight: 100 / 6,
    }));
    const refusal = rederivePlan(
      plan,
      {
        portfolio: { ...portfolio, targets },
        portfolioHash: PORTFOLIO_HASH,
        toolVersion: VERSION,
      },
      LOOP,
    );
    expect(refusal).toMatchObject({ reason: "tampered", hint: NEVER_EDIT });
    expect(refusal?.message).toMatch(
      /^the plan does not re-derive: planning again from its own snapshot and portfolio\.yaml gives no plan \((.+)\)$/,
    );
    const reasons = /\((.+)\)$/.exec(refusal!.message)![1]!.split("; ");
    expect(reasons).toHaveLength(5);
    expect(reasons[0]).toContain("AA1");
  });
});

describe("checkPlanFormat", () => {
  it("reads nothing into a document that is not an object or has no format, or this format", () => {
    for (const document of ["plan", 2, null, [], {}, { schemaVersion: 2 }]) {
      expect(checkPlanFormat(document, LOOP), JSON.stringify(document)).toBeUndefined();
    }
  });

  it("refuses another format as version-mismatch, naming the version that made it when it says", () => {
    expect(checkPlanFormat({ schemaVersion: 1, toolVersion: "0.0.9" }, LOOP)).toEqual({
      reason: "version-mismatch",
      message: "the plan is in plan format 1, made by folioctl 0.0.9; this version reads format 2",
      hint: OTHER_VERSION_HINT,
    });
    expect(checkPlanFormat({ schemaVersion: "3", toolVersion: 7 }, LOOP)?.message).toBe(
      'the plan is in plan format "3", made by another folioctl version; this version reads format 2',
    );
  });
});
