// `folioctl preview --pr N`: what merging an intent pull request would trade. The pull request's
// portfolio.yaml is read through the API as data (nothing of the pull request is checked out or run),
// and the guardrails (`limits:`, `tolerances:`) come from main: a pull request cannot loosen its own.
import { parsePortfolio } from "../config/load-portfolio.js";
import { canonicalJson } from "../core/canonical-json.js";
import { computePlan } from "../core/compute-plan.js";
import type { Portfolio } from "../core/portfolio.js";
import { InputError } from "../errors.js";
import type { CommentOutcome } from "../forge/forge.js";
import type { GitOpsDeps } from "./gitops-deps.js";
import {
  invalidPreviewComment,
  PREVIEW_PURPOSE,
  suspendedPreviewComment,
  tradesPreviewComment,
  unplannablePreviewComment,
} from "./preview-comment.js";
import { PORTFOLIO_PATH } from "./read-portfolio-at.js";

export type PreviewDeps = Omit<GitOpsDeps, "repo">;

export interface PreviewOptions {
  pr: number;
  /** The branch whose limits and tolerances apply: the ops repository's main branch. */
  mainBranch: string;
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
  const main = await readMainPortfolio(deps, options.mainBranch);
  const where = { number: pull.number, headSha: pull.headSha };
  const post = async (outcome: PreviewOutcome, comment: string): Promise<PreviewResult> => {
    const commentOutcome = await forge.upsertComment(pull.number, PREVIEW_PURPOSE, comment);
    deps.log(
      `preview: ${commentOutcome === "unchanged" ? "kept" : commentOutcome} the comment on #${pull.number}`,
    );
    const failed = outcome === "invalid" || outcome === "unplannable";
    return { outcome, exitCode: failed ? 1 : 0, comment, commentOutcome };
  };

  const text = await forge.readFile(PORTFOLIO_PATH, pull.headSha);
  if (text === undefined) {
    return post(
      "invalid",
      invalidPreviewComment(where, [
        { file: PORTFOLIO_PATH, line: 0, column: 0, path: "", message: "this pull request deletes the file" },
      ]),
    );
  }
  const proposed = parsePortfolio(Buffer.from(text, "utf8"), PORTFOLIO_PATH);
  if (!proposed.ok) return post("invalid", invalidPreviewComment(where, proposed.errors));
  const guarded: Portfolio = {
    ...proposed.portfolio,
    limits: main.limits,
    tolerances: main.tolerances,
  };
  const loosened = differs(proposed.portfolio, main);
  if (guarded.suspend) return post("suspended", suspendedPreviewComment(where));

  const snapshot = await deps.snapshot(guarded);
  const now = deps.now();
  const result = computePlan(guarded, snapshot, {
    now: now.toISOString(),
    toolVersion: deps.toolVersion,
    portfolioHash: proposed.sha256,
    sourceCommit: pull.headSha,
  });
  if (!result.ok) return post("unplannable", unplannablePreviewComment(where, result.errors, loosened));
  const outcome = result.plan.orders.length > 0 ? "trades" : "nothing-to-do";
  return post(
    outcome,
    tradesPreviewComment(where, result.plan, {
      mainBranch: options.mainBranch,
      loosened,
      cashMinimum: guarded.cash.minimum,
    }),
  );
}

async function readMainPortfolio(deps: PreviewDeps, mainBranch: string): Promise<Portfolio> {
  const text = await deps.forge.readFile(PORTFOLIO_PATH, mainBranch);
  if (text === undefined) {
    throw new InputError(`there is no ${PORTFOLIO_PATH} on ${mainBranch} in ${deps.forge.repository}`, {
      hint: `preview takes limits and tolerances from ${PORTFOLIO_PATH} on ${mainBranch}: merge one first (\`folioctl init\` writes it)`,
    });
  }
  const loaded = parsePortfolio(Buffer.from(text, "utf8"), `${PORTFOLIO_PATH} on ${mainBranch}`);
  if (!loaded.ok) {
    throw new InputError(`${PORTFOLIO_PATH} on ${mainBranch} is not valid, so its limits cannot be used`, {
      hint: `fix ${PORTFOLIO_PATH} on ${mainBranch} first (\`folioctl validate\` names the problems)`,
    });
  }
  return loaded.portfolio;
}

/** Which guardrail sections the pull request changes (they take effect only once merged). */
function differs(proposed: Portfolio, main: Portfolio): string[] {
  const changed: string[] = [];
  if (canonicalJson(proposed.limits) !== canonicalJson(main.limits)) changed.push("limits");
  if (canonicalJson(proposed.tolerances) !== canonicalJson(main.tolerances)) changed.push("tolerances");
  return changed;
}
