import { verifyPlanHash } from "../core/hash-plan.js";
import type { Plan } from "../core/plan.js";
import type { Portfolio } from "../core/portfolio.js";
import type { Refusal } from "./refusal.js";

const RE_PROPOSE = "Run `folioctl propose` (or wait for the scheduled run) and review the new plan.";

/**
 * The checks that need no broker: the plan is the one reviewed (hash), trading is not suspended, and
 * the plan is for this account, made from the portfolio.yaml on main, and not expired. The first that
 * fails is the refusal. The kill switch comes before the portfolio's hash: switching it on changes
 * portfolio.yaml, and the refusal should say "suspended", not "intent-changed".
 */
export function checkPlan(
  plan: Plan,
  portfolio: Portfolio,
  portfolioSha256: string,
  now: Date,
): Refusal | undefined {
  const hash = verifyPlanHash(plan);
  if (!hash.ok) {
    return {
      reason: "tampered",
      message: `the plan file does not match its hash: ${hash.message}`,
      hint: "Never edit a plan by hand. Close this pull request and let `folioctl propose` make a new plan.",
    };
  }
  if (portfolio.suspend) {
    return {
      reason: "suspended",
      message: "trading is suspended: portfolio.yaml has `suspend: true`",
      hint: "Set `suspend: false` in portfolio.yaml on main when trading may resume.",
    };
  }
  if (plan.account !== portfolio.account) {
    return {
      reason: "intent-changed",
      message: `the plan is for account ${plan.account}, but portfolio.yaml is for ${portfolio.account}`,
      hint: RE_PROPOSE,
    };
  }
  if (plan.portfolioHash !== portfolioSha256) {
    return {
      reason: "intent-changed",
      message: `portfolio.yaml changed after the plan was made (plan made from ${plan.portfolioHash.slice(0, 12)}, main has ${portfolioSha256.slice(0, 12)})`,
      hint: RE_PROPOSE,
    };
  }
  if (now.getTime() > Date.parse(plan.expiresAt)) {
    return {
      reason: "expired",
      message: `the plan expired at ${plan.expiresAt} (it is now ${now.toISOString()})`,
      hint: `${RE_PROPOSE} \`tolerances.planTtl\` sets how long a plan stays valid.`,
    };
  }
  return undefined;
}
