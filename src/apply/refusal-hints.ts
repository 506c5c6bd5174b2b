// What a refusal tells the user to do depends on where apply ran: by hand with `apply --plan`, a new
// plan comes from `folioctl plan`; in the GitOps loop (`apply --on-merge`), from `folioctl propose` and
// a reviewed pull request. One place words both, so that no check writes a loop hint for a local run.
import type { StaleDifference } from "./refusal.js";

export interface ApplyContext {
  /** `local`: `folioctl apply --plan` on this machine; `on-merge`: the apply workflow of the loop. */
  mode: "local" | "on-merge";
  /** The portfolio file as the user knows it: the --portfolio argument, or portfolio.yaml on main. */
  portfolioFile: string;
  /** The plan file as the user knows it: the --plan argument, or plans/<account>.plan.json. */
  planFile: string;
  /** A local apply of one account of a many-account repository (`--account`): plans are made the same way. */
  account?: string;
}

/** `folioctl apply --plan <planFile> --portfolio <portfolioFile>` (or `--account <id>`) on this machine. */
export function localContext(portfolioFile: string, planFile: string, account?: string): ApplyContext {
  return { mode: "local", portfolioFile, planFile, ...(account === undefined ? {} : { account }) };
}

/** The `folioctl plan` command that makes a new plan for the same portfolio. */
function planCommand(context: ApplyContext): string {
  const source =
    context.account === undefined ? `--portfolio ${context.portfolioFile}` : `--account ${context.account}`;
  return `folioctl plan ${source} --out ${context.planFile}`;
}

/**
 * The loop's context: the files are the ones on main, whatever temporary copies apply reads. An account
 * of a many-account repository names its account file (and model) instead of portfolio.yaml.
 */
export function onMergeContext(planFile: string, portfolioFile = "portfolio.yaml"): ApplyContext {
  return { mode: "on-merge", portfolioFile, planFile };
}

/** How to get a plan that can be applied. */
export function newPlanHint(context: ApplyContext): string {
  return context.mode === "local"
    ? `Make a new plan with \`${planCommand(context)}\`, review it, and apply that.`
    : "Run `folioctl propose` (or wait for the scheduled run) and review the new plan.";
}

/** A plan that is not the one folioctl makes: it was edited, or made by hand. */
export function neverEditHint(context: ApplyContext): string {
  return context.mode === "local"
    ? `Never edit a plan by hand. ${newPlanHint(context)}`
    : "Never edit a plan by hand. Close this pull request and let `folioctl propose` make a new plan.";
}

export function versionMismatchHint(context: ApplyContext): string {
  return context.mode === "local"
    ? `Make a new plan with this version (\`${planCommand(context)}\`), or apply with the version that made it.`
    : "Let `folioctl propose` (with this version) make a new plan for review, or apply with the version that made it.";
}

export function suspendedHint(context: ApplyContext): string {
  return context.mode === "local"
    ? `Set \`suspend: false\` in ${context.portfolioFile} when trading may resume.`
    : `Set \`suspend: false\` in ${context.portfolioFile} on main when trading may resume.`;
}

export function expiredHint(context: ApplyContext): string {
  return `${newPlanHint(context)} \`tolerances.planTtl\` sets how long a plan stays valid.`;
}

/**
 * A changed position or cash balance means the plan's orders are wrong now: only a new plan helps. A
 * price that moved past `priceMoveBps` may be the market's ordinary day: the tolerance may be too tight.
 */
export function staleHint(context: ApplyContext, differences: StaleDifference[]): string {
  const accountChanged = differences.some((d) => d.kind !== "price");
  const moved = differences.some((d) => d.kind === "price" && Number.isFinite(d.moveBps ?? 0));
  const priceless = differences.some((d) => d.kind === "price" && !Number.isFinite(d.moveBps ?? 0));
  const parts = ["Nothing was sent.", newPlanHint(context)];
  if (priceless) parts.push("A contract without a price needs market data from the gateway first.");
  if (moved && !accountChanged) {
    const where = context.mode === "local" ? context.portfolioFile : `${context.portfolioFile} on main`;
    parts.push(`If prices move this much routinely, raise \`tolerances.priceMoveBps\` in ${where}.`);
  }
  return parts.join(" ");
}

export function windowClosedHint(context: ApplyContext): string {
  return context.mode === "local"
    ? "Nothing was sent. Run apply again while the market is open; the plan must still be fresh then."
    : "Nothing was sent. Merge (or re-run the apply workflow) while the market is open; the plan must still be fresh then.";
}

export function liveLimitsHint(context: ApplyContext): string {
  return context.mode === "local"
    ? `Nothing was sent. Change \`limits:\` in ${context.portfolioFile} if the limit is wrong, or make a smaller plan with \`folioctl plan\`.`
    : `Nothing was sent. Change \`limits:\` in ${context.portfolioFile} on main if the limit is wrong, or let \`folioctl propose\` make a smaller plan.`;
}
