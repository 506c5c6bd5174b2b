import { describe, expect, it } from "vitest";
import { checkPlan } from "../../src/apply/check-plan.js";
import { localContext } from "../../src/apply/refusal-hints.js";
import { hashPlan } from "../../src/core/hash-plan.js";
import { PORTFOLIO_HASH, makePortfolio, planOk } from "../core/plan-builders.js";
import { LOOP, checkScenario } from "./support/check-scenario.js";

const VERSION = "0.0.0-test";
const at = (iso: string) => new Date(iso);

describe("checkPlan: the checks that need no broker", () => {
  it("accepts the plan folioctl made, until it is planTtl old", () => {
    const { portfolio, plan } = checkScenario();
    expect(plan.createdAt).toBe("2026-11-24T15:00:05Z");
    expect(plan.snapshot.asOf).toBe("2026-11-24T15:00:00Z");
    expect(checkPlan(plan, portfolio, PORTFOLIO_HASH, at(plan.createdAt), VERSION, LOOP)).toBeUndefined();
    // planTtl (4h) runs from the snapshot the plan saw: exactly 4h is still fresh.
    expect(
      checkPlan(plan, portfolio, PORTFOLIO_HASH, at("2026-11-24T19:00:00Z"), VERSION, LOOP),
    ).toBeUndefined();
  });

  it("refuses a plan whose snapshot is older than planTtl, even before expiresAt", () => {
    const { portfolio, plan } = checkScenario();
    const refusal = checkPlan(plan, portfolio, PORTFOLIO_HASH, at("2026-11-24T19:00:01Z"), VERSION, LOOP);
    expect(refusal).toMatchObject({ reason: "expired" });
    expect(refusal?.message).toContain(
      "the plan's snapshot was taken at 2026-11-24T15:00:00Z, more than planTtl (4h) ago",
    );
  });

  it("refuses a plan past its expiresAt", () => {
    const { portfolio, snapshot } = checkScenario();
    // Made with a short planTtl when the snapshot was taken: expiresAt is the first limit reached.
    const short = makePortfolio(
      [
        { symbol: "AAA", weight: 60 },
        { symbol: "BBB", weight: 40 },
      ],
      { tolerances: { ...portfolio.tolerances, planTtl: "1h" } },
    );
    const plan = planOk(short, snapshot, { now: snapshot.asOf });
    expect(plan.expiresAt).toBe("2026-11-24T16:00:00Z");
    expect(checkPlan(plan, short, PORTFOLIO_HASH, at("2026-11-24T16:00:00Z"), VERSION, LOOP)).toBeUndefined();
    const refusal = checkPlan(plan, short, PORTFOLIO_HASH, at("2026-11-24T16:00:00.001Z"), VERSION, LOOP);
    expect(refusal?.reason).toBe("expired");
    expect(refusal?.message).toBe(
      "the plan expired at 2026-11-24T16:00:00Z (it is now 2026-11-24T16:00:00.001Z)",
    );
    expect(refusal?.hint).toBe(
      "Run `folioctl propose` (or wait for the scheduled run) and review the new plan. " +
        "`tolerances.planTtl` sets how long a plan stays valid.",
    );
  });

  it("refuses a plan for another account as intent-changed, naming both accounts", () => {
    const { portfolio, plan } = checkScenario();
    const other = { ...portfolio, account: "DU7654321" };
    // Even with the hash of portfolio.yaml the plan was made from: the account alone decides.
    const refusal = checkPlan(plan, other, PORTFOLIO_HASH, at(plan.createdAt), VERSION, LOOP);
    expect(refusal).toEqual({
      reason: "intent-changed",
      message: "the plan is for account DU1234567, but portfolio.yaml is for DU7654321",
      hint: "Run `folioctl propose` (or wait for the scheduled run) and review the new plan.",
    });
    // Another version's plan is refused as such first: it may plan differently, whatever it is for.
    expect(checkPlan(plan, other, PORTFOLIO_HASH, at(plan.createdAt), "9.9.9", LOOP)?.reason).toBe(
      "version-mismatch",
    );
  });

  it("refuses a plan made from another portfolio.yaml as intent-changed", () => {
    const { portfolio, plan } = checkScenario();
    const refusal = checkPlan(plan, portfolio, "b".repeat(64), at(plan.createdAt), VERSION, LOOP);
    expect(refusal).toMatchObject({ reason: "intent-changed" });
    expect(refusal?.message).toBe(
      `portfolio.yaml changed after the plan was made (plan made from aaaaaaaaaaaa, main has bbbbbbbbbbbb)`,
    );
  });

  it("refuses a suspended portfolio before anything else but the hash", () => {
    const { portfolio, plan } = checkScenario();
    const suspended = { ...portfolio, suspend: true, account: "DU7654321" };
    expect(checkPlan(plan, suspended, "b".repeat(64), at(plan.createdAt), "9.9.9", LOOP)).toEqual({
      reason: "suspended",
      message: "trading is suspended: portfolio.yaml has `suspend: true`",
      hint: "Set `suspend: false` in portfolio.yaml on main when trading may resume.",
    });
    const edited = { ...plan, createdAt: "2026-11-24T15:00:06Z" };
    const tampered = checkPlan(edited, suspended, PORTFOLIO_HASH, at(plan.createdAt), VERSION, LOOP);
    expect(tampered?.reason).toBe("tampered");
    expect(tampered?.message).toMatch(/^the plan file does not match its hash: the plan's content hashes to/);
    expect(tampered?.hint).toBe(
      "Never edit a plan by hand. Close this pull request and let `folioctl propose` make a new plan.",
    );
  });

  it("refuses a plan another version made, and one that hashes right but does not re-derive", () => {
    const { portfolio, plan } = checkScenario();
    expect(checkPlan(plan, portfolio, PORTFOLIO_HASH, at(plan.createdAt), "9.9.9", LOOP)?.reason).toBe(
      "version-mismatch",
    );
    const rehashed = { ...plan, orders: plan.orders.map((o) => ({ ...o, quantity: o.quantity + 1 })) };
    rehashed.hash = hashPlan(rehashed);
    const refusal = checkPlan(rehashed, portfolio, PORTFOLIO_HASH, at(plan.createdAt), VERSION, LOOP);
    expect(refusal?.reason).toBe("tampered");
    expect(refusal?.message).toContain("orders[0].quantity: the plan says");
  });
});

describe("checkPlan: a local `apply --plan` gets local hints and its own file names", () => {
  const LOCAL = localContext("accounts/main.yaml", "out/DU1234567.plan.json");
  const NEW_PLAN =
    "Make a new plan with `folioctl plan --portfolio accounts/main.yaml --out out/DU1234567.plan.json`, review it, and apply that.";

  it("names the portfolio file it read when trading is suspended", () => {
    const { portfolio, plan } = checkScenario();
    expect(
      checkPlan(plan, { ...portfolio, suspend: true }, PORTFOLIO_HASH, at(plan.createdAt), VERSION, LOCAL),
    ).toEqual({
      reason: "suspended",
      message: "trading is suspended: accounts/main.yaml has `suspend: true`",
      hint: "Set `suspend: false` in accounts/main.yaml when trading may resume.",
    });
  });

  it("speaks of the file, not of main or pull requests, for a changed or edited plan", () => {
    const { portfolio, plan } = checkScenario();
    const changed = checkPlan(plan, portfolio, "b".repeat(64), at(plan.createdAt), VERSION, LOCAL);
    expect(changed).toEqual({
      reason: "intent-changed",
      message:
        "accounts/main.yaml changed after the plan was made (plan made from aaaaaaaaaaaa, the file is now bbbbbbbbbbbb)",
      hint: NEW_PLAN,
    });
    const edited = { ...plan, createdAt: "2026-11-24T15:00:06Z" };
    const tampered = checkPlan(edited, portfolio, PORTFOLIO_HASH, at(plan.createdAt), VERSION, LOCAL);
    expect(tampered?.hint).toBe(`Never edit a plan by hand. ${NEW_PLAN}`);
    const other = checkPlan(plan, portfolio, PORTFOLIO_HASH, at(plan.createdAt), "9.9.9", LOCAL);
    expect(other?.hint).toBe(
      "Make a new plan with this version (`folioctl plan --portfolio accounts/main.yaml --out out/DU1234567.plan.json`), or apply with the version that made it.",
    );
    const expired = checkPlan(plan, portfolio, PORTFOLIO_HASH, at("2026-11-25T00:00:00Z"), VERSION, LOCAL);
    expect(expired?.hint).toBe(`${NEW_PLAN} \`tolerances.planTtl\` sets how long a plan stays valid.`);
    for (const refusal of [changed, tampered, other, expired]) {
      expect(refusal?.hint).not.toMatch(/pull request|propose|on main/);
      expect(refusal?.message).not.toMatch(/main has/);
    }
  });
});
