import { verifyPlanHash } from "../core/hash-plan.js";
import { parseDuration } from "../core/parse-duration.js";
import type { Plan } from "../core/plan.js";
import type { Portfolio } from "../core/portfolio.js";
import { checkPlanVersion, rederivePlan } from "./rederive-plan.js";
import type { Refusal } from "./refusal.js";
import {
  expiredHint,
  neverEditHint,
  newPlanHint,
  suspendedHint,
  type ApplyContext,
} from "./refusal-hints.js";

/**
 * The checks that need no broker, in this order; the first that fails is the refusal.
 * 1. The hash (fast, and names a hand edit plainly).
 * 2. The kill switch: switching it on changes portfolio.yaml, and the refusal should say "suspended",
 *    not "intent-changed" or "tampered".
 * 3. The version: another folioctl version may plan differently, so it cannot re-derive the plan.
 * 4. The account and portfolio.yaml's hash: a plan made from an earlier portfolio.yaml would not
 *    re-derive either, and "intent-changed" is what happened.
 * 5. Re-derivation: the plan is exactly what folioctl makes from its own snapshot and this portfolio.yaml.
 * 6. Age, now that createdAt and expiresAt are known to belong together: past expiresAt, or the
 *    embedded snapshot older than planTtl (a plan whose createdAt was moved on is still as old as what
 *    it saw; one whose snapshot was moved on as well must match the live account, which staleness checks).
 */
export function checkPlan(
  plan: Plan,
  portfolio: Portfolio,
  portfolioSha256: string,
  now: Date,
  toolVersion: string,
  context: ApplyContext,
): Refusal | undefined {
  const hash = verifyPlanHash(plan);
  if (!hash.ok) {
    return {
      reason: "tampered",
      message: `the plan file does not match its hash: ${hash.message}`,
      hint: neverEditHint(context),
    };
  }
  const file = context.portfolioFile;
  if (portfolio.suspend) {
    return {
      reason: "suspended",
      message: `trading is suspended: ${file} has \`suspend: true\``,
      hint: suspendedHint(context),
    };
  }
  const version = checkPlanVersion(plan, toolVersion, context);
  if (version) return version;
  if (plan.account !== portfolio.account) {
    return {
      reason: "intent-changed",
      message: `the plan is for account ${plan.account}, but ${file} is for ${portfolio.account}`,
      hint: newPlanHint(context),
    };
  }
  if (plan.portfolioHash !== portfolioSha256) {
    const now = context.mode === "local" ? "the file is now" : "main has";
    return {
      reason: "intent-changed",
      message: `${file} changed after the plan was made (plan made from ${plan.portfolioHash.slice(0, 12)}, ${now} ${portfolioSha256.slice(0, 12)})`,
      hint: newPlanHint(context),
    };
  }
  return (
    rederivePlan(plan, { portfolio, portfolioHash: portfolioSha256, toolVersion }, context) ??
    checkAge(plan, portfolio, now, context)
  );
}

function checkAge(plan: Plan, portfolio: Portfolio, now: Date, context: ApplyContext): Refusal | undefined {
  const hint = expiredHint(context);
  if (now.getTime() > Date.parse(plan.expiresAt)) {
    return {
      reason: "expired",
      message: `the plan expired at ${plan.expiresAt} (it is now ${now.toISOString()})`,
      hint,
    };
  }
  // Re-derivation succeeded, so planTtl parses; the fallback only keeps the type honest.
  const ttlMs = parseDuration(portfolio.tolerances.planTtl) ?? 0;
  const seenUntil = Date.parse(plan.snapshot.asOf) + ttlMs;
  if (now.getTime() > seenUntil) {
    return {
      reason: "expired",
      message: `the plan's snapshot was taken at ${plan.snapshot.asOf}, more than planTtl (${portfolio.tolerances.planTtl}) ago (it is now ${now.toISOString()})`,
      hint,
    };
  }
  return undefined;
}
