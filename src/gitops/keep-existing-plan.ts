// The rule that makes `propose` idempotent. A fresh plan always has a new hash (it carries its creation
// time and quote times), so replacing the pull request's plan on every run would push a commit, edit the
// body and dismiss approvals each time. The plan under review is kept while it is as good as a new one.
import { checkStaleness } from "../apply/check-staleness.js";
import { rederivePlan } from "../apply/rederive-plan.js";
import { describeDifference } from "../apply/refusal.js";
import { onMergeContext } from "../apply/refusal-hints.js";
import type { Plan, PlanOrder } from "../core/plan.js";
import { planPath } from "../git/ops-repo-layout.js";
import type { Portfolio } from "../core/portfolio.js";
import type { Snapshot } from "../core/snapshot.js";

export type KeepDecision = { keep: true } | { keep: false; reason: string };

export interface KeepInput {
  /** The plan on the open pull request's branch, its hash already verified. */
  existing: Plan;
  /** The plan made just now from main's portfolio.yaml and a fresh snapshot. */
  fresh: Plan;
  snapshot: Snapshot;
  portfolio: Portfolio;
  /** The intent hash of the account on main (see readAccountIntentAt). */
  portfolioHash: string;
  /** The files the account's portfolio is read from, for the reason (default portfolio.yaml). */
  intentFiles?: string;
  now: Date;
}

/**
 * Keep the existing plan when it is for the same account and the same portfolio.yaml, re-derives (this
 * folioctl version makes exactly it from its own snapshot and that portfolio.yaml), has more than half
 * of its lifetime left, would pass apply's staleness check against the fresh snapshot (positions and cash
 * unchanged, prices within `tolerances.priceMoveBps`), and has the same orders as the fresh plan.
 */
export function keepExistingPlan(input: KeepInput): KeepDecision {
  const { existing, fresh, now } = input;
  if (existing.account !== fresh.account) {
    return { keep: false, reason: `the plan on the branch is for account ${existing.account}` };
  }
  if (existing.portfolioHash !== input.portfolioHash) {
    const files = input.intentFiles ?? "portfolio.yaml";
    return { keep: false, reason: `${files} on main changed since the plan was made` };
  }
  // Only the reason and message are used here; the hints are the loop's, as for apply on merge.
  const context = onMergeContext(planPath(existing.account));
  // Only a plan folioctl itself would make (this version, from its own snapshot) may stay for review.
  const rederived = rederivePlan(
    existing,
    {
      portfolio: input.portfolio,
      portfolioHash: input.portfolioHash,
      toolVersion: fresh.toolVersion,
    },
    context,
  );
  if (rederived)
    return { keep: false, reason: `the plan does not re-derive (${rederived.reason}): ${rederived.message}` };
  const created = Date.parse(existing.createdAt);
  const expires = Date.parse(existing.expiresAt);
  // Past half its lifetime a plan may expire before anyone merges it: refresh it while nobody waits.
  if (!(now.getTime() < created + (expires - created) / 2)) {
    return {
      keep: false,
      reason: `the plan is past half of its lifetime (it expires at ${existing.expiresAt})`,
    };
  }
  const stale = checkStaleness(
    existing,
    input.snapshot,
    [],
    input.portfolio.tolerances.priceMoveBps,
    context,
  );
  if (stale) {
    const what = (stale.differences ?? []).map(describeDifference).join("; ");
    return { keep: false, reason: `the account or the market moved: ${what}` };
  }
  const changed = orderDifference(existing.orders, fresh.orders);
  if (changed) return { keep: false, reason: `the orders changed: ${changed}` };
  return { keep: true };
}

// Limit prices follow the valuation price, which the staleness check already bounds: they do not count.
function orderKey(order: PlanOrder): string {
  return `${order.leg} ${order.side} ${order.quantity} ${order.symbol} (${order.conId}) ${order.orderType}`;
}

function orderDifference(before: PlanOrder[], after: PlanOrder[]): string | undefined {
  const old = before.map(orderKey);
  const now = after.map(orderKey);
  if (old.length === now.length && old.every((key, i) => key === now[i])) return undefined;
  const gone = old.filter((key) => !now.includes(key));
  const added = now.filter((key) => !old.includes(key));
  const parts = [
    ...(gone.length > 0 ? [`no longer ${gone.join(", ")}`] : []),
    ...(added.length > 0 ? [`now ${added.join(", ")}`] : []),
  ];
  return parts.length > 0 ? parts.join("; ") : "their order changed";
}
