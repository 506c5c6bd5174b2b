// `folioctl preview --pr N`: what merging an intent pull request would trade. The pull request's
// portfolio.yaml (or account and model files) is read through the API as data (nothing of the pull
// request is checked out or run), and the guardrails (`limits:`, `tolerances:`) come from main: a pull
// request cannot loosen its own. A change to a shared model previews every account it drives, in one
// comment: the trades summed over the accounts, then each account's.
import { formatDiagnostic, type Diagnostic } from "../config/diagnostic.js";
import type { AccountIntent, OpsIntent, OpsTree } from "../config/ops-intent.js";
import { layoutError, PORTFOLIO_PATH, readOpsIntent } from "../config/ops-intent.js";
import { canonicalJson } from "../core/canonical-json.js";
import { computePlan } from "../core/compute-plan.js";
import type { Portfolio } from "../core/portfolio.js";
import { InputError } from "../errors.js";
import { groupsOf, selectAccounts } from "../config/account-groups.js";
import type { CommentOutcome } from "../forge/forge.js";
import type { GitOpsDeps } from "./gitops-deps.js";
import { problemOwners } from "./preview-problem-owner.js";
import {
  invalidPreviewComment,
  manyAccountsPreviewComment,
  previewPurpose,
  suspendedPreviewComment,
  tradesPreviewComment,
  unchangedPreviewComment,
  unplannablePreviewComment,
  type AccountPreview,
} from "./preview-comment.js";

export type PreviewDeps = Omit<GitOpsDeps, "repo">;

export interface PreviewOptions {
  pr: number;
  /** The branch whose limits and tolerances apply: the ops repository's main branch. */
  mainBranch: string;
  /**
   * `--group`: only the accounts of this group (one login's, whose gateway this runner reaches) are
   * planned, in a comment of the group's own; absent: every account, in the one comment.
   */
  group?: string;
}

/** `trades` and `nothing-to-do` exit 0, as does `suspended`; an invalid or unplannable file exits 1. */
export type PreviewOutcome = "trades" | "nothing-to-do" | "suspended" | "invalid" | "unplannable" | "closed";

export interface PreviewResult {
  outcome: PreviewOutcome;
  exitCode: number;
  /** The comment text, without its hidden marker; absent for a closed pull request. */
  comment?: string;
  commentOutcome?: CommentOutcome;
}

export async function runPreview(deps: PreviewDeps, options: PreviewOptions): Promise<PreviewResult> {
  const { forge } = deps;
  const pull = await forge.getPullRequest(options.pr);
  if (pull.state !== "open") {
    deps.log(`preview: #${pull.number} is ${pull.merged ? "merged" : "closed"}; nothing to preview`);
    return { outcome: "closed", exitCode: 0 };
  }
  const [main, head] = await Promise.all([
    readOpsIntent(forgeTree(forge, options.mainBranch)),
    readOpsIntent(forgeTree(forge, pull.headSha)),
  ]);
  const onMain = mainIntents(main, options.mainBranch, forge.repository);
  const brokenOnMain = mainProblems(main);
  const { group } = options;
  // A group that neither main nor the pull request has is a wrong matrix entry: nothing is posted.
  if (group !== undefined && !groupsOf(main).includes(group) && !groupsOf(head).includes(group)) {
    selectAccounts(main, { groups: [group], accounts: [] }, `on ${options.mainBranch} or in #${pull.number}`);
  }
  const inGroup = (intent: AccountIntent | undefined): boolean =>
    group === undefined || (intent !== undefined && intent.group === group);
  const where = { number: pull.number, headSha: pull.headSha, ...(group === undefined ? {} : { group }) };
  const post = async (outcome: PreviewOutcome, comment: string): Promise<PreviewResult> => {
    const commentOutcome = await forge.upsertComment(pull.number, previewPurpose(group), comment);
    deps.log(
      `preview: ${commentOutcome === "unchanged" ? "kept" : commentOutcome} the comment on #${pull.number}`,
    );
    const failed = outcome === "invalid" || outcome === "unplannable";
    return { outcome, exitCode: failed ? 1 : 0, comment, commentOutcome };
  };

  const problems = await ownProblems(headProblems(head, main), group, {
    readFile: (path) => forge.readFile(path, pull.headSha),
    main,
    log: (line) => deps.log(`preview: #${pull.number}: ${line}`),
  });
  if (problems.length > 0) return post("invalid", invalidPreviewComment(where, problems));
  // A model drives every account that names it: a change to it previews all of them; an account file
  // previews its account. A portfolio.yaml repository previews its one account, as always.
  const proposed = head.accounts.flatMap((entry) => (entry.ok ? [entry.intent] : []));
  const changed = (
    head.layout === "portfolio"
      ? proposed
      : proposed.filter((intent) => onMain.get(intent.account)?.hash !== intent.hash)
  ).filter(inGroup);
  // An account whose file the pull request deletes is no longer proposed or applied once it is merged.
  const removed = [...onMain.keys()].filter(
    (account) => !head.accounts.some((e) => e.account === account) && inGroup(onMain.get(account)),
  );
  // Another group's change is that group's runner's to preview: this one says nothing about it.
  if (group !== undefined && changed.length === 0 && removed.length === 0) {
    deps.log(`preview: #${pull.number} changes no account of group ${group}; no comment from this group`);
    return { outcome: "nothing-to-do", exitCode: 0 };
  }
  if (changed.length === 0) return post("nothing-to-do", unchangedPreviewComment(where, removed));

  const previews: AccountPreview[] = [];
  for (const intent of changed)
    previews.push(
      await previewAccount(
        deps,
        intent,
        onMain.get(intent.account) ?? brokenOnMain.get(intent.account),
        pull.headSha,
      ),
    );
  if (previews.length === 1 && previews[0] !== undefined) {
    return post(...singleComment(previews[0], where, options.mainBranch));
  }
  const failed = previews.some((p) => p.kind === "unplannable");
  const trades = previews.some((p) => p.kind === "plan" && p.plan.orders.length > 0);
  return post(
    failed ? "unplannable" : trades ? "trades" : "nothing-to-do",
    manyAccountsPreviewComment(where, previews, { mainBranch: options.mainBranch }),
  );
}

/** One account's proposed portfolio, planned against the live account with main's guardrails. */
async function previewAccount(
  deps: PreviewDeps,
  intent: AccountIntent,
  onMain: AccountIntent | Diagnostic[] | undefined,
  headSha: string,
): Promise<AccountPreview> {
  const proposed = intent.portfolio;
  // A pull request cannot loosen its own guardrails; a new account has none on main yet, and main's file
  // that does not load gives none: its own hold.
  const main = Array.isArray(onMain) ? undefined : onMain;
  const guarded: Portfolio =
    main === undefined
      ? proposed
      : { ...proposed, limits: main.portfolio.limits, tolerances: main.portfolio.tolerances };
  const loosened = main === undefined ? [] : differs(proposed, main.portfolio);
  const base = {
    intent,
    loosened,
    cashMinimum: guarded.cash.minimum,
    added: onMain === undefined,
    ...(Array.isArray(onMain) ? { mainProblems: onMain } : {}),
  };
  if (guarded.suspend) return { ...base, kind: "suspended" };
  const snapshot = await deps.snapshot(guarded);
  const result = computePlan(guarded, snapshot, {
    now: deps.now().toISOString(),
    toolVersion: deps.toolVersion,
    portfolioHash: intent.hash,
    sourceCommit: headSha,
  });
  if (!result.ok) return { ...base, kind: "unplannable", problems: result.errors };
  return { ...base, kind: "plan", plan: result.plan };
}

function singleComment(
  preview: AccountPreview,
  where: { number: number; headSha: string },
  mainBranch: string,
): [PreviewOutcome, string] {
  const files = preview.intent.files;
  switch (preview.kind) {
    case "suspended":
      return ["suspended", suspendedPreviewComment(where, files)];
    case "unplannable":
      return [
        "unplannable",
        unplannablePreviewComment(where, preview.problems, preview.loosened, files, {
          branch: mainBranch,
          problems: preview.mainProblems,
        }),
      ];
    case "plan":
      return [
        preview.plan.orders.length > 0 ? "trades" : "nothing-to-do",
        tradesPreviewComment(where, preview.plan, {
          mainBranch,
          loosened: preview.loosened,
          cashMinimum: preview.cashMinimum,
          files,
          added: preview.added === true,
          mainProblems: preview.mainProblems,
        }),
      ];
  }
}

/** Every account on main, by id; main itself must be readable, since its guardrails are the ones used. */
function mainIntents(main: OpsIntent, mainBranch: string, repository: string): Map<string, AccountIntent> {
  // Account files next to a portfolio.yaml: main's own problem says which layout to keep.
  if (main.layout === "accounts" && main.problems.length > 0) {
    throw layoutError(main.problems, `on ${mainBranch} in ${repository}`);
  }
  // No portfolio.yaml and no account file (the one problem readOpsIntent gives a portfolio.yaml layout).
  if (main.accounts.length === 0) {
    const what = main.layout === "portfolio" ? PORTFOLIO_PATH : "readable intent";
    throw new InputError(`there is no ${what} on ${mainBranch} in ${repository}`, {
      hint: `preview takes limits and tolerances from ${PORTFOLIO_PATH} (or the account files) on ${mainBranch}: merge one first (\`folioctl init\` writes it)`,
    });
  }
  if (main.layout === "portfolio" && !main.accounts[0]?.ok) {
    throw new InputError(`${PORTFOLIO_PATH} on ${mainBranch} is not valid, so its limits cannot be used`, {
      hint: `fix ${PORTFOLIO_PATH} on ${mainBranch} first (\`folioctl validate\` names the problems)`,
    });
  }
  return new Map(
    main.accounts.flatMap((entry) => (entry.ok ? [[entry.account, entry.intent] as const] : [])),
  );
}

/** The problems of each account whose file on main does not load, by account (its file's name for one unread). */
function mainProblems(main: OpsIntent): Map<string, Diagnostic[]> {
  return new Map(
    main.accounts.flatMap((entry) => (entry.ok ? [] : [[entry.account, entry.errors] as const])),
  );
}

/** Every problem of the pull request's files, each once (a model's are every account's it drives). */
function headProblems(head: OpsIntent, main: OpsIntent): Diagnostic[] {
  if (head.layout === "portfolio" && head.accounts.length === 0 && main.layout === "portfolio") {
    return [
      { file: PORTFOLIO_PATH, line: 0, column: 0, path: "", message: "this pull request deletes the file" },
    ];
  }
  const all = [
    ...head.problems,
    ...head.strayFiles,
    ...[...head.models.values()].flatMap((model) => model.errors),
    ...head.accounts.flatMap((entry) => (entry.ok ? [] : entry.errors)),
  ];
  const seen = new Set<string>();
  return all.filter((d) => {
    const key = formatDiagnostic(d);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * With --group, the problems this group's run comments on (see preview-problem-owner.ts); the others are
 * left to the run of the group that owns them, which comments once for every group. Without: all.
 */
async function ownProblems(
  problems: Diagnostic[],
  group: string | undefined,
  context: {
    readFile: (path: string) => Promise<string | undefined>;
    main: OpsIntent;
    log: (line: string) => void;
  },
): Promise<Diagnostic[]> {
  if (group === undefined || problems.length === 0) return problems;
  const owners = await problemOwners(problems, context, context.main);
  const left = new Map<string, Set<string>>();
  for (const [problem, owner] of owners) {
    if (owner !== group) left.set(owner, (left.get(owner) ?? new Set()).add(problem.file));
  }
  for (const [owner, files] of left) {
    context.log(`${[...files].join(", ")} not valid: left to group ${owner}'s run, which comments on it`);
  }
  return problems.filter((problem) => owners.get(problem) === group);
}

/** The repository's files at a ref, read through the API as data. */
function forgeTree(forge: PreviewDeps["forge"], ref: string): OpsTree {
  return {
    readFile: async (path) => {
      const text = await forge.readFile(path, ref);
      return text === undefined ? null : Buffer.from(text, "utf8");
    },
    readFolder: async (folder, wanted) => {
      const files = new Map<string, Uint8Array>();
      for (const name of (await forge.listFiles(folder, ref)).filter(wanted)) {
        const text = await forge.readFile(`${folder}/${name}`, ref);
        if (text !== undefined) files.set(name, Buffer.from(text, "utf8"));
      }
      return files;
    },
  };
}

/** Which guardrail sections the pull request changes (they take effect only once merged). */
function differs(proposed: Portfolio, main: Portfolio): string[] {
  const changed: string[] = [];
  if (canonicalJson(proposed.limits) !== canonicalJson(main.limits)) changed.push("limits");
  if (canonicalJson(proposed.tolerances) !== canonicalJson(main.tolerances)) changed.push("tolerances");
  return changed;
}
