// The text of the one preview comment on an intent pull request: the trades, or why there are none.
import { formatDiagnosticWithHint, type Diagnostic } from "../config/diagnostic.js";
import type { Plan, PlanProblem } from "../core/plan.js";
import { planSummary } from "../core/plan-summary.js";
import type { AccountIntent } from "../config/ops-intent.js";
import { formatMoney, formatQuantity } from "../core/format-number.js";
import { GITHUB_BODY_LIMIT, renderMarkdown } from "../core/render-markdown.js";
import { describePlanProblem } from "./describe-plan-problems.js";

/** The comment's purpose: its hidden marker is how the next preview finds and edits it. */
export const PREVIEW_PURPOSE = "preview";

// Room left for the marker line the forge puts in front of the comment.
const MARKER_ROOM = 100;

interface PullRef {
  number: number;
  headSha: string;
  /** The account group this preview covers (`preview --group`): each group's runner comments apart. */
  group?: string;
}

function heading(pull: PullRef, what: string): string {
  const group = pull.group === undefined ? "" : ` for group \`${pull.group}\``;
  return `### folioctl preview of #${pull.number}${group}: ${what}`;
}

/** The purpose of a group's preview comment: one comment per group, so that no runner edits another's. */
export function previewPurpose(group: string | undefined): string {
  return group === undefined ? PREVIEW_PURPOSE : `${PREVIEW_PURPOSE}-group-${group}`;
}

/** The files the preview read, as the comment names them (`portfolio.yaml`, or an account and its model). */
function source(pull: PullRef, files: string[] = ["portfolio.yaml"]): string {
  return `${files.map((file) => `\`${file}\``).join(" with ")} at ${pull.headSha.slice(0, 12)}`;
}

/** One account a pull request changes, planned (or not) against the live account. */
export type AccountPreview = {
  intent: AccountIntent;
  loosened: string[];
  cashMinimum: number;
  /** Main has no file for the account yet: its own limits and tolerances were used, not main's. */
  added?: boolean;
  /** Main's file for the account does not load (these are its problems): its own limits and tolerances were used. */
  mainProblems?: Diagnostic[];
} & ({ kind: "plan"; plan: Plan } | { kind: "suspended" } | { kind: "unplannable"; problems: PlanProblem[] });

/** The pull request's portfolio.yaml does not load: every problem with its line and column. */
export function invalidPreviewComment(pull: PullRef, errors: Diagnostic[]): string {
  const files = [...new Set(errors.map((e) => e.file))];
  const named = files.length === 1 && files[0] !== undefined ? files[0] : "the intent";
  return [
    heading(pull, `${named} is not valid`),
    "",
    `Nothing was planned: ${named === "the intent" ? `the files at ${pull.headSha.slice(0, 12)} have` : `${source(pull, files)} has`} ${errors.length} problem${errors.length === 1 ? "" : "s"}. Fix ${errors.length === 1 ? "it" : "them"} in this pull request.`,
    "",
    fenced(errors.map(formatDiagnosticWithHint).join("")),
  ].join("\n");
}

export function suspendedPreviewComment(pull: PullRef, files?: string[]): string {
  return [
    heading(pull, "trading would be suspended"),
    "",
    `${source(pull, files)} has \`suspend: true\`. Once this is merged, \`propose\` plans nothing and \`apply\` ` +
      "refuses every plan (reason `suspended`) until `suspend: false` is merged again.",
    "",
  ].join("\n");
}

/** The file loads but no plan can be made from it against the live account. */
export function unplannablePreviewComment(
  pull: PullRef,
  problems: PlanProblem[],
  loosened: string[],
  files?: string[],
  /** Main's branch, and the problems of its file for the account when that does not load (the plan used its own guardrails). */
  main?: { branch: string; problems?: Diagnostic[] | undefined },
): string {
  return [
    heading(pull, "no plan can be made"),
    "",
    `${source(pull, files)} is valid, but planning it against the live account failed:`,
    "",
    fenced(problems.map((problem) => `${describePlanProblem(problem)}\n`).join("")),
    ...guardrailNote(loosened),
    ...(main?.problems
      ? [
          brokenOnMain(
            main.branch,
            main.problems,
            ": it was planned with its own `limits:` and `tolerances:`",
          ),
        ]
      : []),
  ].join("\n");
}

export function tradesPreviewComment(
  pull: PullRef,
  plan: Plan,
  options: {
    mainBranch: string;
    loosened: string[];
    cashMinimum: number;
    files?: string[];
    added?: boolean;
    mainProblems?: Diagnostic[];
  },
): string {
  const { mainBranch, mainProblems } = options;
  const guardrails = mainProblems
    ? `its own \`limits:\` and \`tolerances:\` (\`${mainBranch}\`'s file for this account is not valid)`
    : options.added
      ? `its own \`limits:\` and \`tolerances:\` (\`${mainBranch}\` has no file for this account yet)`
      : `\`limits:\` and \`tolerances:\` from \`${mainBranch}\``;
  const intro = [
    heading(pull, plan.orders.length > 0 ? "the trades merging it would cause" : "nothing to trade"),
    "",
    `Planned at ${plan.createdAt} from ${source(pull, options.files)} against the live account ${plan.account}, with ` +
      `${guardrails}. This is a preview: merging this pull ` +
      "request makes `propose` open a rebalance pull request, and only merging that one places orders.",
    ...guardrailNote(options.loosened),
    ...(mainProblems
      ? [
          "",
          brokenOnMain(
            mainBranch,
            mainProblems,
            ", so its `limits:` and `tolerances:` could not be used",
          ).trimEnd(),
        ]
      : []),
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

/** The pull request changes no account's portfolio (a README, a workflow, or only removes accounts). */
export function unchangedPreviewComment(pull: PullRef, removed: string[] = []): string {
  const gone =
    removed.length === 0
      ? []
      : [
          `It removes ${removed.length === 1 ? "the account" : "the accounts"} ${removed.join(", ")}: once it ` +
            "is merged, nothing is proposed for them, the next propose closes their open rebalance pull " +
            "requests, and a plan of theirs merged anyway is refused (`intent-changed`).",
          "",
        ];
  return [
    heading(pull, removed.length === 0 ? "no account's portfolio changes" : "accounts removed"),
    "",
    `No account's portfolio at ${pull.headSha.slice(0, 12)} differs from main: merging this pull request trades nothing.`,
    "",
    ...gone,
  ].join("\n");
}

/**
 * A change that reaches several accounts (a shared model): one comment with the trades of every account
 * summed by contract, so that a reviewer sees the whole effect of one line, then each account's plan.
 */
export function manyAccountsPreviewComment(
  pull: PullRef,
  previews: AccountPreview[],
  options: { mainBranch: string },
): string {
  const plans = previews.flatMap((p) => (p.kind === "plan" ? [p.plan] : []));
  const trading = plans.filter((plan) => plan.orders.length > 0);
  const models = [
    ...new Set(previews.flatMap((p) => (p.intent.model === undefined ? [] : [p.intent.model]))),
  ];
  const accounts = previews.map((p) => p.intent.account);
  // An account main has no valid file for was planned with its own guardrails; its section says so.
  const ownGuardrails = previews.some((p) => p.added === true || p.mainProblems !== undefined);
  const intro = [
    heading(
      pull,
      trading.length > 0
        ? `the trades merging it would cause in ${trading.length} of ${accounts.length} accounts`
        : `nothing to trade in ${accounts.length} accounts`,
    ),
    "",
    `This pull request changes the portfolio of ${accounts.length} accounts (${accounts.join(", ")})` +
      (models.length > 0 ? `, driven by ${models.map((m) => `\`models/${m}.yaml\``).join(" and ")}` : "") +
      `. Each was planned from its files at ${pull.headSha.slice(0, 12)} against its live account, with ` +
      `\`limits:\` and \`tolerances:\` from \`${options.mainBranch}\`` +
      (ownGuardrails ? ", except where an account's section says it used its own" : "") +
      ". This is a preview: merging it makes " +
      "`propose` open one rebalance pull request per account, and only merging those places orders.",
    "",
    ...summedTrades(plans),
    "",
  ];
  const sections = previews.map((preview) => accountSection(preview, options.mainBranch));
  // Every account gets a fair share of what is left of GitHub's limit for its own section.
  const room = GITHUB_BODY_LIMIT - MARKER_ROOM - intro.join("\n").length;
  const share = Math.max(500, Math.floor(room / Math.max(1, sections.length)) - 200);
  const bodies = previews.map((preview, i) => {
    const header = sections[i] ?? "";
    if (preview.kind !== "plan" || preview.plan.orders.length === 0) return header;
    const rendered = renderMarkdown(preview.plan, {
      planFile: `the plan folioctl proposes for ${preview.intent.account} after the merge`,
      maxLength: share,
      cashMinimum: preview.cashMinimum,
    });
    return header + rendered.replace(/^<!-- folioctl:plan [^\n]*-->\n/, "");
  });
  return [...intro, ...bodies].join("\n");
}

/** One row per contract and side over every account: shares and value in each account's base currency. */
function summedTrades(plans: Plan[]): string[] {
  const rows = new Map<
    string,
    { side: string; symbol: string; shares: number; value: Map<string, number>; accounts: Set<string> }
  >();
  for (const plan of plans) {
    for (const order of plan.orders) {
      const key = `${order.side} ${order.conId}`;
      const row = rows.get(key) ?? {
        side: order.side,
        symbol: order.symbol,
        shares: 0,
        value: new Map(),
        accounts: new Set(),
      };
      row.shares += order.quantity;
      row.value.set(plan.baseCurrency, (row.value.get(plan.baseCurrency) ?? 0) + order.estimatedValueBase);
      row.accounts.add(plan.account);
      rows.set(key, row);
    }
  }
  if (rows.size === 0) return ["**No account has anything to trade.**"];
  const table = [
    "**All accounts together**",
    "",
    "| side | contract | quantity | est. value | accounts |",
    "| --- | --- | ---: | ---: | ---: |",
  ];
  const ordered = [...rows.values()].sort(
    (a, b) => a.side.localeCompare(b.side) * -1 || a.symbol.localeCompare(b.symbol),
  );
  for (const row of ordered) {
    const value = [...row.value]
      .map(([currency, amount]) => `${formatMoney(amount)} ${currency}`)
      .join(" + ");
    table.push(
      `| ${row.side} | ${row.symbol} | ${formatQuantity(row.shares)} | ${value} | ${row.accounts.size} |`,
    );
  }
  return table;
}

function accountSection(preview: AccountPreview, mainBranch: string): string {
  const files = preview.intent.files.map((file) => `\`${file}\``).join(" with ");
  const added = preview.mainProblems
    ? `${brokenOnMain(mainBranch, preview.mainProblems, ": planned with its own `limits:` and `tolerances:`")}\n`
    : preview.added
      ? "new here: planned with its own `limits:` and `tolerances:`\n\n"
      : "";
  const title = `#### ${preview.intent.account} (${files})\n\n${added}`;
  switch (preview.kind) {
    case "suspended":
      return `${title}\`suspend: true\`: once merged, nothing is proposed or applied for this account.\n`;
    case "unplannable":
      return `${title}No plan can be made:\n\n${fenced(preview.problems.map((p) => `${describePlanProblem(p)}\n`).join(""))}`;
    case "plan":
      return preview.plan.orders.length === 0 ? `${title}**${planSummary(preview.plan)}**\n` : title;
  }
}

/**
 * Main's file for the account does not load, so the pull request's own guardrails were used: where and what
 * is wrong (each problem with its hint), and that it is to be fixed on main, which this preview cannot do.
 */
function brokenOnMain(mainBranch: string, problems: Diagnostic[], consequence: string): string {
  return (
    `\`${mainBranch}\`'s file for this account is not valid${consequence}. Fix it on \`${mainBranch}\` ` +
    `(\`folioctl validate\` names each problem):\n\n${fenced(problems.map(formatDiagnosticWithHint).join(""))}`
  );
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
