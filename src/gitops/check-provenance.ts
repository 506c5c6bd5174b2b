// The plan on main must be the one folioctl proposed and people reviewed: brought by the bot's merged
// rebalance pull request for that account, whose head is folioctl's own plan commit (it carries the
// bot's `folioctl/plan` status for exactly the bytes on main), with the hash that pull request's header
// shows. Everything that can be decided from GitHub and git is decided before the file is parsed: a
// plan nobody may apply is never read as JSON, whatever its size.
import type { Refusal } from "../apply/refusal.js";
import { formatDiagnostic } from "../config/diagnostic.js";
import { parsePlan } from "../config/load-plan.js";
import { verifyPlanHash } from "../core/hash-plan.js";
import type { Plan } from "../core/plan.js";
import { REBALANCE_LABEL } from "../forge/forge.js";
import type { Forge, PullRequest } from "../forge/forge.js";
import { planBranch, planPath } from "../git/ops-repo-layout.js";
import { findAttestation, planStatusContext } from "./plan-attestation.js";
import { readPlanHeader } from "./plan-pull-request.js";

export interface ProvenanceInput {
  account: string;
  /** The commit on main being applied. */
  sha: string;
  /** The merged pull request that brought it, if GitHub knows one. */
  pull: PullRequest | undefined;
  botLogin: string;
  /** The plan file's bytes at `sha`. */
  planBytes: Uint8Array;
}

/** The plan is whatever could be read of it, so that a refusal can still be recorded against it. */
export type Provenance =
  { ok: true; plan: Plan; pull: PullRequest } | { ok: false; refusal: Refusal; plan?: Plan };

const HINT =
  "Nothing was sent. Plans reach main only by merging the pull request `folioctl propose` opens, unedited " +
  "and with no commit pushed to its branch by anyone else; a fresh plan is proposed for review.";

export async function checkProvenance(forge: Forge, input: ProvenanceInput): Promise<Provenance> {
  const { account, sha, pull, botLogin } = input;
  const path = planPath(account);
  const refuse = (message: string, plan?: Plan): Provenance => ({
    ok: false,
    refusal: { reason: "tampered", message, hint: HINT },
    ...(plan === undefined ? {} : { plan }),
  });
  if (!pull) return refuse(`no merged pull request brought ${path} to main at ${sha.slice(0, 12)}`);
  const labelled = pull.labels.some((label) => label.toLowerCase() === REBALANCE_LABEL);
  const byBot = pull.author.toLowerCase() === botLogin.toLowerCase();
  if (pull.headRef !== planBranch(account) || !byBot || !labelled) {
    return refuse(
      `#${pull.number} (by ${pull.author}, from ${pull.headRef}) is not folioctl's rebalance pull request ` +
        `for ${account}: only a pull request by ${botLogin} from ${planBranch(account)} with the label ` +
        `\`${REBALANCE_LABEL}\` may bring a plan`,
    );
  }
  const header = readPlanHeader(pull.body);
  if (!header) return refuse(`#${pull.number}'s description has lost its folioctl plan header`);
  if (header.account !== account) {
    return refuse(`#${pull.number} shows a plan for ${header.account}, but it changed ${path}`);
  }

  const head = pull.headSha.slice(0, 12);
  const { found, others } = await findAttestation(forge, {
    sha: pull.headSha,
    account,
    botLogin,
    bytes: input.planBytes,
  });
  if (!found) {
    return refuse(
      others.length === 0
        ? `the head of #${pull.number} (${head}) is not a plan commit folioctl made: it has no ` +
            `\`${planStatusContext(account)}\` status by ${botLogin}, so someone else pushed to ` +
            `${planBranch(account)} after folioctl`
        : `${path} on main is not the file folioctl committed at the head of #${pull.number} (${head})`,
    );
  }
  if (found.planHash !== header.hash) {
    return refuse(
      `#${pull.number} shows plan ${header.hash.slice(0, 12)}, but folioctl committed plan ` +
        `${found.planHash.slice(0, 12)} at its head: the description was edited`,
    );
  }

  const parsed = parsePlan(Buffer.from(input.planBytes).toString("utf8"), path);
  if (!parsed.ok) {
    return refuse(`${path} is not a valid plan: ${parsed.errors.map(formatDiagnostic).join("; ")}`);
  }
  const hash = verifyPlanHash(parsed.plan);
  if (!hash.ok) return refuse(`${path} does not match its own hash: ${hash.message}`, parsed.plan);
  if (parsed.plan.hash !== header.hash) {
    return refuse(
      `${path} on main is plan ${parsed.plan.hash.slice(0, 12)}, but #${pull.number} shows plan ` +
        `${header.hash.slice(0, 12)}: the file was replaced after folioctl proposed it`,
      parsed.plan,
    );
  }
  if (parsed.plan.account !== account) {
    return refuse(`${path} holds a plan for account ${parsed.plan.account}`, parsed.plan);
  }
  return { ok: true, plan: parsed.plan, pull };
}
