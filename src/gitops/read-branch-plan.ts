import { formatDiagnostic } from "../config/diagnostic.js";
import { parsePlan } from "../config/load-plan.js";
import { verifyPlanHash } from "../core/hash-plan.js";
import type { Plan } from "../core/plan.js";
import { GitError } from "../errors.js";
import type { GitRepo } from "../git/git-repo.js";
import { planPath } from "../git/ops-repo-layout.js";

export type BranchPlan = { ok: true; plan: Plan } | { ok: false; reason: string };

/** The account's plan file at a commit, if it is there, valid, and still has the hash it was made with. */
export async function readBranchPlan(repo: GitRepo, sha: string, account: string): Promise<BranchPlan> {
  const path = planPath(account);
  let bytes: Uint8Array | null;
  try {
    bytes = await repo.readFile(sha, path);
  } catch (error) {
    // GitHub may name a head the clone has not fetched yet: that plan cannot be kept, a new one is pushed.
    if (error instanceof GitError)
      return { ok: false, reason: `${path} at ${sha.slice(0, 12)} cannot be read` };
    throw error;
  }
  if (bytes === null) return { ok: false, reason: `there is no ${path} at ${sha.slice(0, 12)}` };
  const parsed = parsePlan(Buffer.from(bytes).toString("utf8"), path);
  if (!parsed.ok) {
    return {
      ok: false,
      reason: `${path} is not a valid plan (${parsed.errors.map(formatDiagnostic).join("; ")})`,
    };
  }
  const hash = verifyPlanHash(parsed.plan);
  if (!hash.ok) return { ok: false, reason: `${path} was edited: ${hash.message}` };
  return { ok: true, plan: parsed.plan };
}
