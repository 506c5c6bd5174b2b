// What a refusal tells the user to do depends on where apply ran: a local `apply --plan` points at
// `folioctl plan` with the user's own files, the loop at `folioctl propose` and main. Each hint is
// checked in both places, and the words that describe what changed.
import { describe, expect, it } from "vitest";
import {
  expiredHint,
  liveLimitsHint,
  localContext,
  neverEditHint,
  newPlanHint,
  onMergeContext,
  staleHint,
  suspendedHint,
  versionMismatchHint,
  windowClosedHint,
} from "../../src/apply/refusal-hints.js";
import { describeDifference, refusalError, type StaleDifference } from "../../src/apply/refusal.js";
import { RefusalError } from "../../src/errors.js";

// Made in each test, not once when the file loads, so that a change to how they are made shows.
const local = () => localContext("my/portfolio.yaml", "out/today.plan.json");
const localAccount = () => localContext("accounts/DU1.yaml", "plans/DU1.plan.json", "DU1");
const loop = () => onMergeContext("plans/DU1234567.plan.json");
const loopAccount = () => onMergeContext("plans/DU1.plan.json", "accounts/DU1.yaml");

const position: StaleDifference = { kind: "position", subject: "AAA", planned: 100, current: 90 };
const moved: StaleDifference = { kind: "price", subject: "BBB", planned: 50, current: 55, moveBps: 1000 };
const priceless: StaleDifference = {
  kind: "price",
  subject: "CCC",
  planned: 20,
  current: 0,
  moveBps: Number.POSITIVE_INFINITY,
};

describe("the contexts apply runs in", () => {
  it("keeps the user's files for a local run, and main's for the loop", () => {
    expect(local()).toStrictEqual({
      mode: "local",
      portfolioFile: "my/portfolio.yaml",
      planFile: "out/today.plan.json",
    });
    expect(localAccount()).toStrictEqual({
      mode: "local",
      portfolioFile: "accounts/DU1.yaml",
      planFile: "plans/DU1.plan.json",
      account: "DU1",
    });
    expect(loop()).toStrictEqual({
      mode: "on-merge",
      portfolioFile: "portfolio.yaml",
      planFile: "plans/DU1234567.plan.json",
    });
    expect(loopAccount().portfolioFile).toBe("accounts/DU1.yaml");
  });
});

describe("the hints of a local apply", () => {
  it("names the plan command with the user's portfolio and plan file, or the account", () => {
    expect(newPlanHint(local())).toBe(
      "Make a new plan with `folioctl plan --portfolio my/portfolio.yaml --out out/today.plan.json`, review it, and apply that.",
    );
    expect(newPlanHint(localAccount())).toBe(
      "Make a new plan with `folioctl plan --account DU1 --out plans/DU1.plan.json`, review it, and apply that.",
    );
    expect(neverEditHint(local())).toBe(`Never edit a plan by hand. ${newPlanHint(local())}`);
    expect(versionMismatchHint(localAccount())).toBe(
      "Make a new plan with this version (`folioctl plan --account DU1 --out plans/DU1.plan.json`), or apply with the version that made it.",
    );
    expect(expiredHint(local())).toBe(
      `${newPlanHint(local())} \`tolerances.planTtl\` sets how long a plan stays valid.`,
    );
  });

  it("points at the user's own portfolio file, not main", () => {
    expect(suspendedHint(local())).toBe("Set `suspend: false` in my/portfolio.yaml when trading may resume.");
    expect(liveLimitsHint(local())).toBe(
      "Nothing was sent. Change `limits:` in my/portfolio.yaml if the limit is wrong, or make a smaller plan with `folioctl plan`.",
    );
    expect(windowClosedHint(local())).toBe(
      "Nothing was sent. Run apply again while the market is open; the plan must still be fresh then.",
    );
  });
});

describe("the hints of the GitOps loop", () => {
  it("points at propose and a reviewed pull request, never at `folioctl plan`", () => {
    const hints = [
      newPlanHint(loop()),
      neverEditHint(loop()),
      versionMismatchHint(loop()),
      expiredHint(loop()),
      suspendedHint(loop()),
      liveLimitsHint(loop()),
      windowClosedHint(loop()),
      staleHint(loop(), [position]),
    ];
    for (const hint of hints) expect(hint).not.toContain("folioctl plan");
    expect(newPlanHint(loop())).toBe(
      "Run `folioctl propose` (or wait for the scheduled run) and review the new plan.",
    );
    expect(neverEditHint(loop())).toBe(
      "Never edit a plan by hand. Close this pull request and let `folioctl propose` make a new plan.",
    );
    expect(versionMismatchHint(loop())).toBe(
      "Let `folioctl propose` (with this version) make a new plan for review, or apply with the version that made it.",
    );
    expect(expiredHint(loop())).toBe(
      "Run `folioctl propose` (or wait for the scheduled run) and review the new plan. `tolerances.planTtl` sets how long a plan stays valid.",
    );
  });

  it("names the file on main", () => {
    expect(suspendedHint(loopAccount())).toBe(
      "Set `suspend: false` in accounts/DU1.yaml on main when trading may resume.",
    );
    expect(liveLimitsHint(loop())).toBe(
      "Nothing was sent. Change `limits:` in portfolio.yaml on main if the limit is wrong, or let `folioctl propose` make a smaller plan.",
    );
    expect(windowClosedHint(loop())).toBe(
      "Nothing was sent. Merge (or re-run the apply workflow) while the market is open; the plan must still be fresh then.",
    );
  });
});

describe("the hint of a stale plan", () => {
  const NEW_PLAN =
    "Make a new plan with `folioctl plan --portfolio my/portfolio.yaml --out out/today.plan.json`, review it, and apply that.";
  const RAISE_LOCAL =
    "If prices move this much routinely, raise `tolerances.priceMoveBps` in my/portfolio.yaml.";

  it("only asks for a new plan when a position or cash changed, whatever the prices did", () => {
    expect(staleHint(local(), [position])).toBe(`Nothing was sent. ${NEW_PLAN}`);
    expect(staleHint(local(), [{ kind: "cash", subject: "USD", planned: 1, current: 2 }])).toBe(
      `Nothing was sent. ${NEW_PLAN}`,
    );
    expect(staleHint(local(), [position, moved])).toBe(`Nothing was sent. ${NEW_PLAN}`);
  });

  it("suggests a wider price tolerance when only prices moved, in the file the user edits", () => {
    expect(staleHint(local(), [moved])).toBe(`Nothing was sent. ${NEW_PLAN} ${RAISE_LOCAL}`);
    expect(staleHint(loop(), [moved])).toBe(
      `Nothing was sent. ${newPlanHint(loop())} If prices move this much routinely, raise \`tolerances.priceMoveBps\` in portfolio.yaml on main.`,
    );
    // A price difference without a size counts as a move.
    const { moveBps: _, ...unsized } = moved;
    expect(staleHint(local(), [unsized])).toBe(`Nothing was sent. ${NEW_PLAN} ${RAISE_LOCAL}`);
  });

  it("asks for market data for a contract without a price, and no wider tolerance for it alone", () => {
    const DATA = "A contract without a price needs market data from the gateway first.";
    expect(staleHint(local(), [priceless])).toBe(`Nothing was sent. ${NEW_PLAN} ${DATA}`);
    expect(staleHint(local(), [priceless, moved])).toBe(
      `Nothing was sent. ${NEW_PLAN} ${DATA} ${RAISE_LOCAL}`,
    );
    expect(staleHint(local(), [priceless, position])).toBe(`Nothing was sent. ${NEW_PLAN} ${DATA}`);
  });
});

describe("the words for what changed since the plan", () => {
  it("describes positions, cash and prices with their numbers", () => {
    expect(describeDifference({ kind: "position", subject: "AAA", planned: 1200, current: 1150 })).toBe(
      "AAA position: planned 1,200, now 1,150",
    );
    expect(describeDifference({ kind: "cash", subject: "EUR", planned: 1234.5, current: -10 })).toBe(
      "EUR cash: planned 1,234.50, now -10.00",
    );
    expect(describeDifference(moved)).toBe("BBB price: planned 50.00, now 55.00 (+1,000.0 bps)");
    expect(
      describeDifference({ kind: "price", subject: "BBB", planned: 50, current: 49.5, moveBps: 100 }),
    ).toBe("BBB price: planned 50.00, now 49.50 (-100.0 bps)");
    expect(describeDifference({ kind: "price", subject: "BBB", planned: 50, current: 50.5 })).toBe(
      "BBB price: planned 50.00, now 50.50 (+0.0 bps)",
    );
  });

  it("says which side has no price", () => {
    expect(describeDifference(priceless)).toBe("CCC price: planned 20.00, none now");
    expect(describeDifference({ kind: "price", subject: "DDD", planned: 0, current: 12 })).toBe(
      "DDD price: the plan has none, but trades it",
    );
  });

  it("turns a refusal into the error apply exits with", () => {
    const error = refusalError({ reason: "stale", message: "the account changed", hint: "make a new plan" });
    expect(error).toBeInstanceOf(RefusalError);
    expect(error.reason).toBe("stale");
    expect(error.message).toBe("the account changed");
    expect(error.hint).toBe("make a new plan");
  });
});
