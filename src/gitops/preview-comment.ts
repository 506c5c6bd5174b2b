// The text of the one preview comment on an intent pull request: the trades, or why there are none.
import { formatDiagnosticWithHint, type Diagnostic } from "../config/diagnostic.js";
import type { Plan, PlanProblem } from "../core/plan.js";
import { planSummary } from "../core/plan-summary.js";
import { GITHUB_BODY_LIMIT, renderMarkdown } from "../core/render-markdown.js";
import { describePlanProblem } from "./describe-plan-problems.js";

/** The comment's purpose: its hidden marker is how the next preview finds and edits it. */
export const PREVIEW_PURPOSE = "preview";

// Room left for the marker line the forge puts in front of the comment.
const MARKER_ROOM = 100;

interface PullRef {
  number: number;
  headSha: string;
}

function heading(pull: PullRef, what: string): string {
  return `### folioctl preview of #${pull.number}: ${what}`;
}

function source(pull: PullRef): string {
  return `\`portfolio.yaml\` at ${pull.headSha.slice(0, 12)}`;
}

/** The pull request's portfolio.yaml does not load: every problem with its line and column. */
export function invalidPreviewComment(pull: PullRef, errors: Diagnostic[]): string {
  return [
    heading(pull, "portfolio.yaml is not valid"),
    "",
    `Nothing was planned: ${source(pull)} has ${errors.length} problem${errors.length === 1 ? "" : "s"}. Fix ${errors.length === 1 ? "it" : "them"} in this pull request.`,
    "",
    fenced(errors.map(formatDiagnosticWithHint).join("")),
  ].join("\n");
}

export function suspendedPreviewComment(pull: PullRef): string {
  return [
    heading(pull, "trading would be suspended"),
    "",
    `${source(pull)} has \`suspend: true\`. Once this is merged, \`propose\` plans nothing and \`apply\` ` +
      "refuses every plan (reason `suspended`) until `suspend: false` is merged again.",
    "",
  ].join("\n");
}

/** The file loads but no plan can be made from it against the live account. */
export function unplannablePreviewComment(
  pull: PullRef,
  problems: PlanProblem[],
  loosened: string[],
): string {
  return [
    heading(pull, "no plan can be made"),
    "",
    `${source(pull)} is valid, but planning it against the live account failed:`,
    "",
    fenced(problems.map((problem) => `${describePlanProblem(problem)}\n`).join("")),
    ...guardrailNote(loosened),
  ].join("\n");
}

export function tradesPreviewComment(
  pull: PullRef,
  plan: Plan,
  options: { mainBranch: string; loosened: string[]; cashMinimum: number },
): string {
  const intro = [
    heading(pull, plan.orders.length > 0 ? "the trades merging it would cause" : "nothing to trade"),
    "",
    `Planned at ${plan.createdAt} from ${source(pull)} against the live account ${plan.account}, with ` +
      `\`limits:\` and \`tolerances:\` from \`${options.mainBranch}\`. This is a preview: merging this pull ` +
      "request makes `propose` open a rebalance pull request, and only merging that one places orders.",
    ...guardrailNote(options.loosened),
    "",
    "",
  ].join("\n");
  if (plan.orders.length === 0) return `${intro}**${planSummary(plan)}**\n`;
  const rendered = renderMarkdown(plan, {
    planFile: "the plan folioctl proposes after the merge",
    maxLength: GITHUB_BODY_LIMIT - intro.length - MARKER_ROOM,
    cashMinimum: options.cashMinimum,
  });
  // The hidden plan header identifies a plan under review; a preview is not one.
  return intro + rendered.replace(/^<!-- folioctl:plan [^\n]*-->\n/, "");
}

function guardrailNote(loosened: string[]): string[] {
  if (loosened.length === 0) return [];
  const names = loosened.map((name) => `\`${name}:\``).join(" and ");
  return [
    "",
    `> This pull request changes ${names}. The preview does not use ${loosened.length === 1 ? "it" : "them"}: ` +
      "guardrails take effect only once merged to main.",
  ];
}

/** A code block that the text inside cannot close, whatever backticks it holds. */
function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}text\n${text.endsWith("\n") ? text : `${text}\n`}${fence}\n`;
}
