import { formatDiagnostic } from "../config/diagnostic.js";
import { parsePlan } from "../config/load-plan.js";
import { verifyPlanHash } from "../core/hash-plan.js";
import type { Plan } from "../core/plan.js";
import { GitError } from "../errors.js";
import type { Forge } from "../forge/forge.js";
import type { GitRepo } from "../git/git-repo.js";
import { planPath } from "../git/ops-repo-layout.js";
import { findAttestation } from "./plan-attestation.js";

export type BranchPlan = { ok: true; plan: Plan } | { ok: false; reason: string };

/**
 * The account's plan file at the head of the bot's branch, if folioctl itself committed it there (the
 * head carries the bot's `folioctl/plan` status for exactly these bytes), it is valid, and it still has
 * the hash it was made with. A plan a person pushed is never kept, however good it looks: the check
 * comes before the file is parsed.
 */
export async function readBranchPlan(
  deps: { repo: GitRepo; forge: Forge },
  sha: string,
  account: string,
): Promise<BranchPlan> {
  const path = planPath(account);
  let bytes: Uint8Array | null;
  try {
    bytes = await deps.repo.readFile(sha, path);
  } catch (error) {
    // GitHub may name a head the clone has not fetched yet: that plan cannot be kept, a new one is pushed.
    if (error instanceof GitError)
      return { ok: false, reason: `${path} at ${sha.slice(0, 12)} cannot be read` };
    throw error;
  }
  if (bytes === null) return { ok: false, reason: `there is no ${path} at ${sha.slice(0, 12)}` };
  const botLogin = await deps.forge.currentLogin();
  const { found } = await findAttestation(deps.forge, { sha, account, botLogin, bytes });
  if (!found) {
    return {
      ok: false,
      reason: `the branch's head ${sha.slice(0, 12)} is not a plan commit folioctl made (it has no ${botLogin} status for ${path})`,
    };
  }
  const parsed = parsePlan(Buffer.from(bytes).toString("utf8"), path);
  if (!parsed.ok) {
    return {
      ok: false,
      reason: `${path} is not a valid plan (${parsed.errors.map(formatDiagnostic).join("; ")})`,
    };
  }
  const hash = verifyPlanHash(parsed.plan);
  if (!hash.ok) return { ok: false, reason: `${path} was edited: ${hash.message}` };
  if (parsed.plan.hash !== found.planHash) {
    return { ok: false, reason: `${path} is not the plan folioctl attested at ${sha.slice(0, 12)}` };
  }
  return { ok: true, plan: parsed.plan };
}
