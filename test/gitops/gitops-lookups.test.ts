// The look-ups apply and propose make on GitHub and in the clone before deciding anything: which account's
// plan a commit on main brought, which merged pull request brought it, the plan on the bot's branch,
// the merged plans never applied, an earlier run's ledger records, and the identity folioctl acts as.
// One proposal, merged without an apply, for the whole file, on the fake GitHub and a real clone.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPlan } from "../../src/core/hash-plan.js";
import type { Plan } from "../../src/core/plan.js";
import { FolioctlError } from "../../src/errors.js";
import { createGitHubForge } from "../../src/forge/create-github-forge.js";
import { STATE_LABELS, type Forge } from "../../src/forge/forge.js";
import { SimpleGitRepo } from "../../src/git/simple-git-repo.js";
import { copyEarlierLedgerRecords } from "../../src/gitops/earlier-ledger-records.js";
import { findMergedPull, PULL_LOOKUP_DELAYS_MS, realSleep } from "../../src/gitops/find-merged-pull.js";
import { findPlanAccount } from "../../src/gitops/find-plan-account.js";
import { describeNeverApplied, findNeverApplied } from "../../src/gitops/never-applied.js";
import { gitBlobId, planAttestation } from "../../src/gitops/plan-attestation.js";
import { readBranchPlan } from "../../src/gitops/read-branch-plan.js";
import { requireAppIdentity } from "../../src/gitops/require-app-identity.js";
import {
  ACCOUNT,
  BOT,
  EXAMPLE,
  LoopWorld,
  PLAN_FILE,
  portfolioYaml,
  stopLoopWorlds,
} from "./support/loop-world.js";

const git = promisify(execFile);
const OTHER = "DU7654321";

let w: LoopWorld;
let forge: Forge;
let repo: SimpleGitRepo;
let plan: Plan;
let planText: string;
/** The merge of the intent change: a commit on main that changed no plan. */
let intentSha: string;
/** The bot's plan commit, head of its pull request. */
let headSha: string;
/** The merge of the bot's pull request. */
let mergeSha: string;
let number: number;
/** The repository's first commit, on main without any pull request. */
let rootSha: string;

beforeAll(async () => {
  w = await LoopWorld.start();
  ({ intentSha, number, planText, plan } = await w.mergeIntentAndPropose(portfolioYaml(EXAMPLE)));
  // No apply runs for this merge: GitHub cancelled its run (see never-applied.ts).
  mergeSha = await w.approveAndMerge(number);
  forge = createGitHubForge(w.env);
  repo = await SimpleGitRepo.open(w.clone, { clock: { now: () => new Date() } });
  await repo.fetch();
  const revParse = async (...args: string[]) =>
    (await git("git", args, { cwd: w.clone, env: w.env })).stdout.trim();
  headSha = await revParse("rev-parse", `origin/${w.branch}`);
  rootSha = await revParse("rev-list", "--max-parents=0", "origin/main");
});
afterAll(stopLoopWorlds);

/** A person's commit on a branch the clone fetches, fetched; its sha. */
async function pushed(files: Record<string, string | null>, branch: string): Promise<string> {
  const sha = await w.alice.push(w.repo, { branch, files });
  await repo.fetch();
  return sha;
}
const short = (sha: string) => sha.slice(0, 12);
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

describe("findPlanAccount", () => {
  it("names the account whose plan a merge brought, and none for a commit that changed no plan", async () => {
    expect(await findPlanAccount(repo, mergeSha)).toBe(ACCOUNT);
    expect(await findPlanAccount(repo, intentSha)).toBeUndefined();
  });

  it("ignores a deleted plan file, and refuses a commit that changes the plans of two accounts", async () => {
    const deleted = await pushed({ [PLAN_FILE]: null }, "folioctl/rebalance/t-deleted");
    expect(await findPlanAccount(repo, deleted)).toBeUndefined();
    const stray = await pushed(
      { "plans/README.md": "x\n", "plans/a/b.plan.json": "{}\n" },
      "folioctl/rebalance/t-stray",
    );
    expect(await findPlanAccount(repo, stray)).toBeUndefined();

    const both = await pushed(
      { [PLAN_FILE]: json({ ...plan, note: 1 }), [`plans/${OTHER}.plan.json`]: planText },
      "folioctl/rebalance/t-both",
    );
    const error = await findPlanAccount(repo, both).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FolioctlError);
    expect((error as FolioctlError).name).toBe("InputError");
    expect((error as FolioctlError).message).toBe(
      `commit ${short(both)} changes the plans of several accounts (${ACCOUNT}, ${OTHER}); nothing was applied`,
    );
    expect((error as FolioctlError).hint).toBe(
      "each rebalance pull request changes one plans/<account>.plan.json: revert this commit and merge the pull requests folioctl proposes",
    );
  });

  it("counts only a plan file directly under plans/, named exactly <account>.plan.json", async () => {
    const elsewhere = await pushed(
      {
        [`archive/plans/${OTHER}.plan.json`]: planText,
        [`plans/${OTHER}.plan.json.bak`]: planText,
      },
      "folioctl/rebalance/t-elsewhere",
    );
    expect(await findPlanAccount(repo, elsewhere)).toBeUndefined();
  });

  it("refuses a plan file whose name is not an account id", async () => {
    const odd = await pushed({ "plans/..plan.json": planText }, "folioctl/rebalance/t-odd");
    await expect(findPlanAccount(repo, odd)).rejects.toThrow(FolioctlError);
  });
});

describe("findMergedPull", () => {
  const lookup = () => {
    const lines: string[] = [];
    const sleeps: number[] = [];
    const deps = {
      forge,
      log: (line: string) => lines.push(line),
      sleep: async (ms: number) => void sleeps.push(ms),
    };
    return { deps, lines, sleeps };
  };

  it("waits on a timer unless told how to wait", async () => {
    await expect(realSleep(1)).resolves.toBeUndefined();
  });

  it("takes GitHub's answer for the commit at once", async () => {
    const { deps, lines, sleeps } = lookup();
    expect((await findMergedPull(deps, mergeSha, ACCOUNT))?.number).toBe(number);
    expect(sleeps).toEqual([]);
    expect(lines).toEqual([]);
  });

  it("asks again after each delay, then gives up on a commit no pull request brought", async () => {
    const { deps, lines, sleeps } = lookup();
    expect(await findMergedPull(deps, rootSha, ACCOUNT)).toBeUndefined();
    expect(sleeps).toEqual([2_000, 4_000, 8_000, 16_000, 30_000]);
    expect(PULL_LOOKUP_DELAYS_MS).toEqual(sleeps);
    expect(lines).toEqual(
      sleeps.map(
        (ms) =>
          `apply: GitHub lists no merged pull request for ${short(rootSha)} yet; asking again in ${ms / 1000} s`,
      ),
    );
  });

  it("after the last wait, finds it by its merge commit among the branch's merged pull requests", async () => {
    w.github.lagCommitPulls(24 * 3_600_000);
    try {
      const { deps, lines, sleeps } = lookup();
      expect((await findMergedPull(deps, mergeSha, ACCOUNT))?.number).toBe(number);
      expect(sleeps).toHaveLength(5);
      expect(lines.at(-1)).toBe(
        `apply: found #${number} by its merge commit among the merged pull requests from folioctl/rebalance/${ACCOUNT}`,
      );
      // A person's merge is not among the bot branch's pull requests.
      expect(await findMergedPull(deps, intentSha, ACCOUNT)).toBeUndefined();
    } finally {
      w.github.lagCommitPulls(0);
    }
  });
});

describe("readBranchPlan", () => {
  const deps = () => ({ repo, forge });
  /** A commit on a bot-like branch with these plan bytes, attested by the bot as plan `planHash`. */
  async function attested(text: string, branch: string, planHash = plan.hash): Promise<string> {
    const sha = await pushed({ [PLAN_FILE]: text }, branch);
    await forge.setCommitStatus(sha, planAttestation(ACCOUNT, planHash, gitBlobId(Buffer.from(text))));
    return sha;
  }

  it("reads the plan folioctl committed at the head of its branch", async () => {
    expect(await readBranchPlan(deps(), headSha, ACCOUNT)).toEqual({ ok: true, plan });
  });

  it("cannot keep a plan at a commit the clone does not have, or where there is none", async () => {
    const unknown = "0123456789abcdef".repeat(2) + "01234567";
    expect(await readBranchPlan(deps(), unknown, ACCOUNT)).toEqual({
      ok: false,
      reason: `${PLAN_FILE} at ${short(unknown)} cannot be read`,
    });
    expect(await readBranchPlan(deps(), intentSha, ACCOUNT)).toEqual({
      ok: false,
      reason: `there is no ${PLAN_FILE} at ${short(intentSha)}`,
    });
  });

  it("never keeps the same bytes at a commit without the bot's status for them", async () => {
    expect(await readBranchPlan(deps(), mergeSha, ACCOUNT)).toEqual({
      ok: false,
      reason: `the branch's head ${short(mergeSha)} is not a plan commit folioctl made (it has no ${BOT} status for ${PLAN_FILE})`,
    });
  });

  it("refuses attested bytes that are not a plan, that were edited, or that are another plan", async () => {
    const broken = await attested(
      json({ ...plan, orders: "none", account: 7 }),
      "folioctl/rebalance/t-broken",
    );
    const notPlan = await readBranchPlan(deps(), broken, ACCOUNT);
    expect(notPlan.ok ? "" : notPlan.reason).toMatch(
      new RegExp(`^${PLAN_FILE} is not a valid plan \\(.+; .+\\)$`),
    );

    const editedPlan = { ...plan, orders: plan.orders.slice(1) };
    const edited = await attested(json(editedPlan), "folioctl/rebalance/t-edited");
    const wasEdited = await readBranchPlan(deps(), edited, ACCOUNT);
    expect(wasEdited.ok ? "" : wasEdited.reason).toMatch(
      new RegExp(
        `^${PLAN_FILE} was edited: the plan's content hashes to [0-9a-f]{12}, not to its recorded hash`,
      ),
    );

    const other = { ...editedPlan, hash: undefined };
    const rehashed = { ...other, hash: hashPlan(other) };
    const replaced = await attested(json(rehashed), "folioctl/rebalance/t-replaced");
    expect(await readBranchPlan(deps(), replaced, ACCOUNT)).toEqual({
      ok: false,
      reason: `${PLAN_FILE} is not the plan folioctl attested at ${short(replaced)}`,
    });
  });
});

describe("findNeverApplied", () => {
  const deps = () => ({ forge, repo });
  const mergedPull = () => w.repo.pulls.find((p) => p.number === number);

  it("reports the merged pull request still pending with no ledger record of its plan on main", async () => {
    const main = await repo.fetch();
    const found = await findNeverApplied(deps(), ACCOUNT, main);
    expect(found).toEqual([
      {
        number,
        url: expect.stringContaining(`/pull/${number}`) as string,
        mergedAt: mergedPull()?.mergedAt,
        mergeCommitSha: mergeSha,
        planHash: plan.hash,
      },
    ]);
    expect(describeNeverApplied(found[0]!)).toBe(
      `#${number} was merged at ${mergedPull()?.mergedAt} (merge commit ${short(mergeSha)}), never applied: ` +
        `no ledger record of plan ${short(plan.hash)} is on main and it is still labelled \`folioctl: pending\` ` +
        "(its apply run was cancelled or never started). Unless an apply run for it is waiting for approval " +
        "or running, re-run the apply run of the push that brought it, which applies it or says why not: " +
        `gh run rerun $(gh run list --workflow apply.yml --commit ${mergeSha} --json databaseId --jq '.[0].databaseId')`,
    );
    expect(
      describeNeverApplied({ number: 3, url: "u", mergedAt: "then", mergeCommitSha: "f".repeat(40) }),
    ).toContain("no ledger record of its plan is on main");
  });

  it("leaves out another plan's record, and is satisfied by a record of this plan", async () => {
    const other = `ledger/${ACCOUNT}/2026-11-24T15-00-00Z-${"9".repeat(12)}.json`;
    const main1 = await pushed({ [other]: "{}\n" }, "main");
    expect(await findNeverApplied(deps(), ACCOUNT, main1)).toHaveLength(1);
    const ours = `ledger/${ACCOUNT}/2026-11-24T15-00-01Z-${short(plan.hash)}.json`;
    const main2 = await pushed({ [ours]: "{}\n" }, "main");
    expect(await findNeverApplied(deps(), ACCOUNT, main2)).toEqual([]);
    // Back to no record: the next cases see it pending again.
    await pushed({ [ours]: null }, "main");
  });

  it("still reports a pull request whose description lost its plan header, without a plan", async () => {
    // Another plan's record is on main (the case above left it): it is not taken for this one's.
    const fake = mergedPull()!;
    const body = fake.body;
    fake.body = "The header was edited away.";
    try {
      const found = await findNeverApplied(deps(), ACCOUNT, await repo.fetch());
      expect(found).toHaveLength(1);
      expect(found[0]).not.toHaveProperty("planHash");
      expect(describeNeverApplied(found[0]!)).toContain("no ledger record of its plan is on main");
    } finally {
      fake.body = body;
    }
  });

  it("is not asked about a pull request once its label says the apply ran", async () => {
    const main = await repo.fetch();
    await forge.setStateLabel(number, "applied");
    try {
      expect(await findNeverApplied(deps(), ACCOUNT, main)).toEqual([]);
    } finally {
      await forge.setStateLabel(number, "pending");
    }
    expect(await findNeverApplied(deps(), ACCOUNT, main)).toHaveLength(1);
    expect(STATE_LABELS.pending).toBe("folioctl: pending");
  });
});

describe("copyEarlierLedgerRecords", () => {
  it("copies this plan's records from main as it is now, and no other plan's", async () => {
    const ours = `2026-11-24T15-00-02Z-${short(plan.hash)}.json`;
    const again = `2026-11-24T15-00-02Z-${short(plan.hash)}-2.json`;
    const theirs = `2026-11-24T15-00-03Z-${"8".repeat(12)}.json`;
    await w.alice.push(w.repo, {
      branch: "main",
      files: {
        [`ledger/${ACCOUNT}/${ours}`]: "first\n",
        [`ledger/${ACCOUNT}/${again}`]: "second\n",
        [`ledger/${ACCOUNT}/${theirs}`]: "other\n",
      },
    });
    // Not fetched here: the copy fetches main itself.
    const dir = await mkdtemp(join(w.root, "earlier-"));
    expect(await copyEarlierLedgerRecords(repo, ACCOUNT, plan.hash, dir)).toBe(dir);
    expect((await readdir(join(dir, ACCOUNT))).sort()).toEqual([ours, again].sort());
    expect(await readFile(join(dir, ACCOUNT, again), "utf8")).toBe("second\n");

    // apply names a folder that does not exist yet: it is made, with the account's folder in it.
    const none = join(await mkdtemp(join(w.root, "earlier-")), "ledger");
    expect(await copyEarlierLedgerRecords(repo, OTHER, plan.hash, none)).toBe(none);
    expect(await readdir(join(none, OTHER))).toEqual([]);
  });
});

describe("requireAppIdentity", () => {
  it("refuses to act as the login every workflow shares, in any case, and nothing else", () => {
    expect(() => requireAppIdentity(BOT, "apply")).not.toThrow();
    let error: unknown;
    try {
      requireAppIdentity("GitHub-Actions[bot]", "apply --on-merge");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FolioctlError);
    expect((error as FolioctlError).name).toBe("ForgeError");
    expect((error as FolioctlError).message).toBe(
      "apply --on-merge runs as github-actions[bot], the account every workflow's GITHUB_TOKEN shares: any " +
        "workflow in the repository could attest a plan as it, so no plan is trusted. Nothing was sent.",
    );
    expect((error as FolioctlError).hint).toBe(
      "Give propose and apply the folioctl GitHub App's installation token as FOLIOCTL_GITHUB_TOKEN " +
        "(docs/operations.md, section 4), and unset FOLIOCTL_BOT_LOGIN if it names github-actions[bot].",
    );
  });
});
