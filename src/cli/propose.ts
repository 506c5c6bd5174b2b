import { planSummary } from "../core/plan-summary.js";
import {
  createForge,
  gatewaySnapshot,
  gatewaySnapshots,
  openOpsRepo,
  requireGateway,
} from "../gitops/gitops-context.js";
import type { GatewayFlags, RepoFlags } from "../gitops/gitops-context.js";
import { describeNeverApplied } from "../gitops/never-applied.js";
import { runPropose, type ProposeFailure, type ProposeResult } from "../gitops/propose.js";
import { TOOL_VERSION } from "../version.js";
import type { CliContext } from "./context.js";
import { EXIT } from "./exit-codes.js";
import { systemClock } from "./system-clock.js";

export interface ProposeFlags extends RepoFlags, GatewayFlags {
  json?: boolean;
  /** --group and --account, each repeatable. */
  group?: string[];
  account?: string[];
}

export async function propose(flags: ProposeFlags, ctx: CliContext): Promise<number> {
  const address = requireGateway(flags, ctx.env, "propose");
  const forge = createForge(ctx.env);
  const repo = await openOpsRepo(flags, ctx.env, ctx.cwd, systemClock);
  const run = await runPropose(
    {
      forge,
      repo,
      snapshot: gatewaySnapshot(address, systemClock),
      snapshotAccounts: gatewaySnapshots(address, systemClock),
      now: systemClock.now,
      toolVersion: TOOL_VERSION,
      log: (line) => ctx.stderr.write(`${line}\n`),
    },
    { selection: { groups: flags.group ?? [], accounts: flags.account ?? [] } },
  );
  const done = run.results.filter((result): result is ProposeResult => result.action !== "failed");
  if (flags.json) {
    // One account, as always: its object. Several: one object per account, a failure with its error.
    const first = done[0];
    const payload =
      run.results.length === 1 && first !== undefined
        ? proposeJson(first)
        : { mainSha: run.mainSha, accounts: run.results.map(accountJson) };
    ctx.stdout.write(`${JSON.stringify(payload, null, 2)}\n`);
  } else {
    for (const result of done) ctx.stdout.write(describeProposal(result));
  }
  for (const result of run.results) {
    if (result.action !== "failed") continue;
    ctx.stderr.write(`folioctl: error: ${result.account}: ${result.error.message}\n`);
    const hint = (result.error as { hint?: string }).hint;
    if (hint) ctx.stderr.write(`  hint: ${hint}\n`);
  }
  // The other accounts were proposed; the run still fails, so that the scheduled workflow shows it.
  return done.length === run.results.length ? EXIT.ok : EXIT.error;
}

function accountJson(result: ProposeResult | ProposeFailure): Record<string, unknown> {
  if (result.action !== "failed") return proposeJson(result);
  return { action: "failed", account: result.account, mainSha: result.mainSha, error: result.error.message };
}

/** What propose did, in one or two lines for a person or a CI log. */
export function describeProposal(result: ProposeResult): string {
  const never = (result.neverApplied ?? []).map((pull) => `Not applied: ${describeNeverApplied(pull)}\n`);
  return describeAction(result) + never.join("");
}

function describeAction(result: ProposeResult): string {
  const { pull, plan, account } = result;
  const link = pull ? `\n${pull.url}\n` : "\n";
  const hash = plan ? plan.hash.slice(0, 12) : "";
  switch (result.action) {
    case "opened":
    case "reopened":
    case "updated": {
      const why = result.reason ? ` (${result.reason})` : "";
      return `${capital(result.action)} #${pull?.number} for ${account} with plan ${hash}${why}: ${plan ? planSummary(plan) : ""}${link}`;
    }
    case "kept":
      return `#${pull?.number} for ${account} keeps plan ${hash}: it is still good${result.unchanged ? "; nothing changed" : ""}${link}`;
    case "closed":
      return `Closed #${pull?.number} for ${account}: ${result.reason ?? ""}${link}`;
    case "nothing-to-do":
      return `${account}: ${result.reason ?? "nothing to do"}; no pull request to keep\n`;
    case "suspended":
      return `Nothing proposed for ${account}: ${result.reason ?? "trading is suspended"}\n`;
  }
}

export function proposeJson(result: ProposeResult): Record<string, unknown> {
  return {
    action: result.action,
    account: result.account,
    mainSha: result.mainSha,
    unchanged: result.unchanged,
    pullRequest: result.pull ? { number: result.pull.number, url: result.pull.url } : null,
    planHash: result.plan?.hash ?? null,
    orders: result.plan?.orders.length ?? 0,
    reason: result.reason ?? null,
    neverApplied: result.neverApplied ?? [],
  };
}

function capital(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
