// The plan on main must be the one folioctl proposed and people reviewed: brought by the bot's merged
// rebalance pull request for that account, with the hash that pull request's header shows.
import type { Refusal } from "../apply/refusal.js";
import { formatDiagnostic } from "../config/diagnostic.js";
import { parsePlan } from "../config/load-plan.js";
import { verifyPlanHash } from "../core/hash-plan.js";
import type { Plan } from "../core/plan.js";
import { REBALANCE_LABEL } from "../forge/forge.js";
import type { PullRequest } from "../forge/forge.js";
import { planBranch, planPath } from "../git/ops-repo-layout.js";
import { readPlanHeader } from "./plan-pull-request.js";

export interface ProvenanceInput {
  account: string;
  /** The commit on main being applied. */
  sha: string;
  /** The merged pull request that brought it, if GitHub knows one. */
  pull: PullRequest | undefined;
  botLogin: string;
  /** The plan file's text at `sha`. */
  planText: string;
}

/** The plan is whatever could be read of it, so that a refusal can still be recorded against it. */
export type Provenance =
  { ok: true; plan: Plan; pull: PullRequest } | { ok: false; refusal: Refusal; plan?: Plan };

const HINT =
  "Nothing was sent. Plans reach main only by merging the pull request `folioctl propose` opens, unedited; " +
  "a fresh plan is proposed for review.";

export function checkProvenance(input: ProvenanceInput): Provenance {
  const { account, sha, pull } = input;
  const path = planPath(account);
  const parsed = parsePlan(input.planText, path);
  const plan = parsed.ok ? parsed.plan : undefined;
  const refuse = (message: string): Provenance => ({
    ok: false,
    refusal: { reason: "tampered", message, hint: HINT },
    ...(plan === undefined ? {} : { plan }),
  });
  if (!pull) return refuse(`no merged pull request brought ${path} to main at ${sha.slice(0, 12)}`);
  const labelled = pull.labels.some((label) => label.toLowerCase() === REBALANCE_LABEL);
  const byBot = pull.author.toLowerCase() === input.botLogin.toLowerCase();
  if (pull.headRef !== planBranch(account) || !byBot || !labelled) {
    return refuse(
      `#${pull.number} (by ${pull.author}, from ${pull.headRef}) is not folioctl's rebalance pull request ` +
        `for ${account}: only a pull request by ${input.botLogin} from ${planBranch(account)} with the label ` +
        `\`${REBALANCE_LABEL}\` may bring a plan`,
    );
  }
  const header = readPlanHeader(pull.body);
  if (!header) return refuse(`#${pull.number}'s description has lost its folioctl plan header`);
  if (header.account !== account) {
    return refuse(`#${pull.number} shows a plan for ${header.account}, but it changed ${path}`);
  }
  if (!parsed.ok) {
    return refuse(`${path} is not a valid plan: ${parsed.errors.map(formatDiagnostic).join("; ")}`);
  }
  const hash = verifyPlanHash(parsed.plan);
  if (!hash.ok) return refuse(`${path} does not match its own hash: ${hash.message}`);
  if (parsed.plan.hash !== header.hash) {
    return refuse(
      `${path} on main is plan ${parsed.plan.hash.slice(0, 12)}, but #${pull.number} shows plan ` +
        `${header.hash.slice(0, 12)}: the file was replaced after folioctl proposed it`,
    );
  }
  if (parsed.plan.account !== account) {
    return refuse(`${path} holds a plan for account ${parsed.plan.account}`);
  }
  return { ok: true, plan: parsed.plan, pull };
}
