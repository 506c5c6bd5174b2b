// A plan commit followed in the same push by a newer plan for the same account is not applied: the newer
// one was merged after it, from a fresher state of the account. Its pull request and commit say so, so
// that nobody waits for orders that will never go out.
import type { PullRequest } from "../forge/forge.js";
import { isBotPull } from "./apply-on-merge.js";
import { findMergedPull } from "./find-merged-pull.js";
import type { GitOpsDeps } from "./gitops-deps.js";
import { APPLY_REPORT_PURPOSE, applyStatusContext } from "./report-apply.js";

export interface SupersededPlan {
  /** The plan commit that was not applied. */
  sha: string;
  account: string;
  /** The newer plan commit of the same push, applied instead. */
  by: string;
  pull?: PullRequest;
  /** What could not be reported, one sentence each. */
  problems: string[];
}

export async function reportSuperseded(
  deps: Pick<GitOpsDeps, "forge" | "log" | "sleep">,
  plan: { sha: string; account: string; by: string },
  runUrl: string | undefined,
): Promise<SupersededPlan> {
  const { forge, log } = deps;
  const result: SupersededPlan = { ...plan, problems: [] };
  const attempt = async (what: string, step: () => Promise<void>): Promise<void> => {
    try {
      await step();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result.problems.push(`${what}: ${message}`);
      log(`apply: could not ${what}: ${message}`);
    }
  };
  const sha = plan.sha.slice(0, 12);
  const by = plan.by.slice(0, 12);
  await attempt(`find the pull request of ${sha}`, async () => {
    const pull = await findMergedPull(deps, plan.sha, plan.account);
    if (pull) result.pull = pull;
  });
  const { pull } = result;
  if (pull) {
    const body = [
      `### Apply for ${plan.account}: superseded: nothing was sent`,
      "",
      `The plan merged here (commit ${sha}) reached main in the same push as a newer plan for ` +
        `${plan.account} (commit ${by}), which is the one applied: only the newest plan of an account in ` +
        "a push is applied, since it was made from the later state of the account.",
      "",
      `**What to do:** nothing for this pull request; see the report on the newer plan's pull request.`,
      "",
    ].join("\n");
    await attempt(`comment on #${pull.number}`, async () => {
      await forge.upsertComment(pull.number, APPLY_REPORT_PURPOSE, body);
    });
    // Only the bot's own pull request gets a state label; a login that cannot be read is a failed label.
    await attempt(`label #${pull.number}`, async () => {
      if (isBotPull(pull, plan.account, await forge.currentLogin())) {
        await forge.setStateLabel(pull.number, "refused");
      }
    });
  }
  await attempt(`set the status of ${sha}`, () =>
    forge.setCommitStatus(plan.sha, {
      state: "failure",
      context: applyStatusContext(plan.account),
      description: `superseded by ${by} in the same push: nothing was sent`,
      ...(runUrl === undefined ? {} : { targetUrl: runUrl }),
    }),
  );
  return result;
}
