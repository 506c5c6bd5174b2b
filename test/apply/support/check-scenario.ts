// One small account for the apply checks that need no broker: AAA over its target (sold), BBB under it
// (bought), CCC held but not a target (never traded), and the plan folioctl makes for it. Each test
// takes a fresh copy of the snapshot and changes one thing.
import { onMergeContext } from "../../../src/apply/refusal-hints.js";
import type { Plan } from "../../../src/core/plan.js";
import type { Portfolio } from "../../../src/core/portfolio.js";
import type { Snapshot } from "../../../src/core/snapshot.js";
import {
  conIdOf,
  makePortfolio,
  makeSnapshot,
  planOk,
  type HoldingSpec,
  type PortfolioOverrides,
  type SnapshotOptions,
} from "../../core/plan-builders.js";

/** The checks as `apply --on-merge` runs them: the hints are the GitOps loop's. */
export const LOOP = onMergeContext("plans/DU1234567.plan.json");

export const AAA = conIdOf("AAA");
export const BBB = conIdOf("BBB");
export const CCC = conIdOf("CCC");

export interface CheckScenario {
  portfolio: Portfolio;
  snapshot: Snapshot;
  plan: Plan;
  /** A deep copy of the plan's snapshot, to edit into "the account now". */
  fresh: () => Snapshot;
}

export function checkScenario(
  overrides: PortfolioOverrides = {},
  holdings: HoldingSpec[] = [
    { symbol: "AAA", quantity: 100, price: 100 },
    { symbol: "BBB", quantity: 10, price: 50 },
    { symbol: "CCC", quantity: 5, price: 20 },
  ],
  snapshotOptions: SnapshotOptions = { cash: { USD: 1000 } },
): CheckScenario {
  const portfolio = makePortfolio(
    [
      { symbol: "AAA", weight: 60 },
      { symbol: "BBB", weight: 40 },
    ],
    overrides,
  );
  const snapshot = makeSnapshot(holdings, snapshotOptions);
  const plan = planOk(portfolio, snapshot);
  return { portfolio, snapshot, plan, fresh: () => structuredClone(plan.snapshot) };
}

/** Sets the live quote of one contract to a single `last` price (or removes it). */
export function setPrice(snapshot: Snapshot, conId: number, price: number | undefined): void {
  snapshot.quotes = snapshot.quotes.filter((q) => q.conId !== conId);
  if (price !== undefined) snapshot.quotes.push({ conId, last: price, time: snapshot.asOf, delayed: false });
}
