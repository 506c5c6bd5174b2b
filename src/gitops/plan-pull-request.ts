// What the rebalance pull request says: its title, and its body (the rendered plan with the hidden header
// `<!-- folioctl:plan {"account","hash"} -->` that apply checks the merged plan file against).
import type { Plan } from "../core/plan.js";
import { orderKinds } from "../core/plan-summary.js";
import { GITHUB_BODY_LIMIT, renderMarkdown } from "../core/render-markdown.js";
import { planPath } from "../git/ops-repo-layout.js";

/** The header as the pull request body carries it: which account and which plan it shows. */
export interface PlanHeader {
  account: string;
  hash: string;
}

const HEADER = /^<!-- folioctl:plan (\{[^\n]*\}) -->$/;

export function planPullRequestTitle(plan: Plan): string {
  return `Rebalance ${plan.account}: ${orderKinds(plan).join(", ")}`;
}

/** `cashMinimum`: portfolio.yaml's `cash.minimum` on main, which the body shows next to the cash. */
export function planPullRequestBody(plan: Plan, cashMinimum: number): string {
  const file = planPath(plan.account);
  const footer =
    "\n---\n" +
    `Merging this pull request places exactly these orders (\`folioctl apply --on-merge\`), after an ` +
    `approval at its latest commit. folioctl keeps it up to date; never edit \`${file}\` by hand: an ` +
    "edited plan is refused as `tampered`.\n";
  const options = { planFile: file, maxLength: GITHUB_BODY_LIMIT - footer.length, cashMinimum };
  return renderMarkdown(plan, options) + footer;
}

/**
 * The plan header of a pull request body, read from its first line only: that is where propose writes
 * it, so a header quoted further down (in a person's edit, say) is never taken for it.
 */
export function readPlanHeader(body: string): PlanHeader | undefined {
  const first = body.split(/\r?\n/, 1)[0] ?? "";
  const match = HEADER.exec(first);
  if (!match?.[1]) return undefined;
  try {
    const value: unknown = JSON.parse(match[1]);
    if (typeof value !== "object" || value === null) return undefined;
    const { account, hash } = value as { account?: unknown; hash?: unknown };
    if (typeof account !== "string" || typeof hash !== "string") return undefined;
    return { account, hash };
  } catch {
    return undefined;
  }
}
