// applyMergedCommit's checks before the lock and the broker (apply-on-merge.ts): provenance, approval,
// and the intent on main as it is when the run starts (changed, suspended, the account gone). Each refusal
// is recorded on main when the plan can be read, reported on the pull request, labelled, and no broker is
// ever opened. One world for the file: the bot's plan merged with one approval, given at an older head of
// the pull request whose plan file is the merged one byte for byte; main then moves under it.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitError } from "../../src/errors.js";
import { createGitHubForge } from "../../src/forge/create-github-forge.js";
import type { Forge, PullRequest } from "../../src/forge/forge.js";
import type { ScheduleBeat } from "../../src/git/lock-heartbeat.js";
import { SimpleGitRepo } from "../../src/git/simple-git-repo.js";
import { applyMergedCommit, isBotPull, type ApplyOnMergeOptions } from "../../src/gitops/apply-on-merge.js";
import { gitBlobId, planAttestation } from "../../src/gitops/plan-attestation.js";
import {
  ACCOUNT,
  BOT,
  BRANCH,
  EXAMPLE,
  LoopWorld,
  PLAN_FILE,
  portfolioYaml,
  stopLoopWorlds,
} from "./support/loop-world.js";
import { model, SECOND_FILE } from "./support/two-account-world.js";
import { applyOnMergeDeps } from "./support/apply-on-merge-deps.js";

let w: LoopWorld;
let forge: Forge;
let repo: SimpleGitRepo;
let number: number;
/** The merge of the bot's pull request, with Alice's approval given before the bot's last commit. */
let sha: string;
/** The merged head: the bot's second commit, which left the plan file as it was. */
let head: string;
let pull: PullRequest;
let planHash: string;

beforeAll(async () => {
  w = await LoopWorld.start();
  const proposal = await w.mergeIntentAndPropose(portfolioYaml(EXAMPLE));
  number = proposal.number;
  planHash = proposal.plan.hash;
  forge = createGitHubForge(w.env);
  // Alice approves; the bot then commits again without touching the plan file, and attests that commit
  // for the same bytes: her approval, now at an older head, still covers the plan that is merged.
  await w.alice.approve(w.repo, number);
  head = await w.bot.push(w.repo, { branch: BRANCH, files: {}, message: "Keep the plan" });
  const bytes = Buffer.from((await w.branchFile(PLAN_FILE)) ?? "");
  await forge.setCommitStatus(head, planAttestation(ACCOUNT, planHash, gitBlobId(bytes)));
  sha = await w.bob.merge(w.repo, number);
  pull = (await forge.findMergedPullRequestForCommit(sha))!;
  repo = await SimpleGitRepo.open(w.clone, { clock: { now: () => new Date() } });
});
afterAll(stopLoopWorlds);

/** Nothing may read a snapshot or open a broker before the checks pass. */
function deps() {
  return applyOnMergeDeps(forge, repo, { now: () => new Date("2026-11-24T15:05:00.000Z") });
}
const options = (requireApprovals: number): ApplyOnMergeOptions => ({
  sha,
  requireApprovals,
  waveTimeoutMs: 1_000,
  identity: { holder: "test", runId: "run-1", url: "https://run/1" },
});
const latestStatus = () => w.repo.statuses.filter((s) => s.sha === sha).at(-1);
const labels = () => w.repo.pulls.find((p) => p.number === number)?.labels ?? [];

describe("applyMergedCommit before the lock", () => {
  it("tells the bot's pull request from another by author, branch and label, each in any case", () => {
    expect(isBotPull(pull, ACCOUNT, BOT)).toBe(true);
    expect(isBotPull({ ...pull, author: BOT.toUpperCase(), labels: ["FOLIOCTL"] }, ACCOUNT, BOT)).toBe(true);
    expect(isBotPull({ ...pull, author: "alice" }, ACCOUNT, BOT)).toBe(false);
    expect(isBotPull({ ...pull, headRef: "folioctl/rebalance/DU7654321" }, ACCOUNT, BOT)).toBe(false);
    expect(isBotPull({ ...pull, labels: ["folioctl: pending"] }, ACCOUNT, BOT)).toBe(false);
  });

  it("acts as no login every workflow shares: it names the command and reports nothing", async () => {
    const { deps: d, lines } = deps();
    const shared = createGitHubForge({ ...w.env, FOLIOCTL_BOT_LOGIN: "github-actions[bot]" });
    const statuses = w.repo.statuses.length;
    await expect(applyMergedCommit({ ...d, forge: shared }, options(1), sha, ACCOUNT)).rejects.toThrow(
      /^apply --on-merge runs as github-actions\[bot\], the account every workflow's GITHUB_TOKEN shares/,
    );
    expect(lines).toEqual([]);
    expect(w.repo.statuses).toHaveLength(statuses);
  });

  it("refuses a merge without the approvals required, records it, labels and reports it", async () => {
    const { deps: d, lines } = deps();
    const result = await applyMergedCommit(d, options(2), sha, ACCOUNT);
    expect(result.exitCode).toBe(3);
    expect(result.pull?.number).toBe(number);
    expect(result.refusal).toBeUndefined();
    expect(result.record).toMatchObject({
      outcome: "refused",
      planHash,
      startedAt: "2026-11-24T15:05:00.000Z",
      refusal: { reason: "unapproved" },
    });
    // Alice's approval, given before the bot's last commit, counts: that commit left the plan file alone.
    expect(result.record?.refusal?.message).toBe(
      `#${number} was merged with 1 approval (alice) at its head ${head.slice(0, 12)}; 2 are required`,
    );
    expect(result.report?.ledger?.path).toMatch(
      new RegExp(`^ledger/${ACCOUNT}/20261124T150500Z-${planHash.slice(0, 12)}\\.json$`),
    );
    expect(lines[0]).toBe(`apply: ${PLAN_FILE} at ${sha.slice(0, 12)}, merged in #${number}`);
    expect(labels()).toContain("folioctl: refused");
    expect(latestStatus()).toMatchObject({
      state: "failure",
      description: "refused (unapproved): nothing was sent",
      targetUrl: "https://run/1",
    });
  });

  it("opens the broker only once every check passed, and releases the lock when it cannot", async () => {
    const { deps: d } = deps();
    // One approval is required: Alice's, at the older head with the same plan file, is enough.
    await expect(applyMergedCommit(d, options(1), sha, ACCOUNT)).rejects.toThrow("this test opens no broker");
    expect(latestStatus()).toMatchObject({
      state: "error",
      description: "failed: this test opens no broker",
    });
    expect(await repo.readLock(ACCOUNT)).toBeNull();
  });

  it("holds the lock with a heartbeat every 30 s when no interval is given", async () => {
    const { deps: d } = deps();
    // The heartbeat's intervals, as scheduled: no beat is due before the broker fails.
    const intervals: number[] = [];
    const schedule: ScheduleBeat = (_beat, ms) => {
      intervals.push(ms);
      return () => undefined;
    };
    await expect(
      applyMergedCommit(d, { ...options(0), heartbeat: { schedule } }, sha, ACCOUNT),
    ).rejects.toThrow("this test opens no broker");
    expect(intervals).toEqual([30_000]);
    expect(await repo.readLock(ACCOUNT)).toBeNull();
  });

  it("refuses a plan whose portfolio.yaml on main changed since, naming both hashes", async () => {
    const main = (await w.mergeIntent(portfolioYaml({ ...EXAMPLE, VTI: 41, BND: 34 }))).sha;
    const { deps: d } = deps();
    const result = await applyMergedCommit(d, options(0), sha, ACCOUNT);
    expect(result.exitCode).toBe(3);
    expect(result.record?.refusal).toMatchObject({
      reason: "intent-changed",
      hint: "Nothing was sent. A fresh plan for the new portfolio.yaml is proposed for review.",
    });
    expect(result.record?.refusal?.message).toMatch(
      new RegExp(
        `^portfolio\\.yaml on main \\(at ${main.slice(0, 12)}\\) is not the one the plan was made from ` +
          `\\(plan made from [0-9a-f]{12}, main has [0-9a-f]{12}\\)$`,
      ),
    );
  });

  it("names the kill switch as such when main suspends trading", async () => {
    const suspend = (yaml: string) => yaml.replace("suspend: false", "suspend: true");
    const main = (await w.mergeIntent(portfolioYaml(EXAMPLE, suspend))).sha;
    const { deps: d } = deps();
    const result = await applyMergedCommit(d, options(0), sha, ACCOUNT);
    expect(result.record?.refusal).toEqual({
      reason: "suspended",
      message: `trading is suspended: portfolio.yaml on main (at ${main.slice(0, 12)}) has \`suspend: true\``,
      hint: "Nothing was sent. Set `suspend: false` in portfolio.yaml on main when trading may resume.",
      differences: [],
    });
    expect(latestStatus()).toMatchObject({ description: "refused (suspended): nothing was sent" });
  });

  it.each([
    ["a commit of another repository, which git has no object for", () => "5".repeat(40)],
    ["a commit of this repository, which git reads as a commit", (parent: string) => parent],
  ])("refuses a plan path on main that holds a submodule, not a file, as tampered: %s", async (_, target) => {
    // Someone pushes a gitlink where the plan file goes: the commit changes the plan's path, yet there is
    // no file there to read.
    const parent = (await w.repo.git.branchSha("main"))!;
    execFileSync("git", ["fast-import", "--quiet", "--date-format=now"], {
      cwd: w.repo.git.gitDir,
      env: w.env,
      input:
        "commit refs/heads/main\ncommitter Alice <alice@example.test> now\ndata 15\nVendor the plan\n" +
        `from ${parent}\nM 160000 ${target(parent)} ${PLAN_FILE}\n\n`,
    });
    const pushed = (await w.repo.git.branchSha("main"))!;
    const { deps: d, lines } = deps();
    const result = await applyMergedCommit(d, { ...options(0), sha: pushed }, pushed, ACCOUNT);
    expect(result).toMatchObject({ exitCode: 3, refusal: { reason: "tampered" } });
    expect(result.record).toBeUndefined();
    expect(result.refusal?.message).toBe(
      `${PLAN_FILE} at ${pushed.slice(0, 12)} is not a file: git holds no bytes for it (a submodule?)`,
    );
    expect(result.refusal?.hint).toBe(
      "Nothing was sent. Plans reach main only as the file `folioctl propose` commits, by merging its pull " +
        "request; a fresh plan is proposed for review.",
    );
    expect(lines).toContain(`apply: ${PLAN_FILE} at ${pushed.slice(0, 12)}`);
    expect(w.repo.statuses.filter((s) => s.sha === pushed).at(-1)).toMatchObject({
      description: "refused (tampered): nothing was sent",
    });
  });

  it("fails, refusing nothing and reporting nothing, on a commit the clone does not have", async () => {
    // Not a plan that is not a file: git cannot read the commit at all, which is the runner's to fix.
    const missing = "f".repeat(40);
    const statuses = w.repo.statuses.length;
    const { deps: d } = deps();
    await expect(
      applyMergedCommit(d, { ...options(0), sha: missing }, missing, ACCOUNT),
    ).rejects.toBeInstanceOf(GitError);
    expect(w.repo.statuses).toHaveLength(statuses);
  });

  it("refuses a plan pushed to main without a pull request, after asking GitHub for one", async () => {
    const pushed = await w.alice.push(w.repo, { branch: "main", files: { [PLAN_FILE]: "{}\n" } });
    const { deps: d, lines } = deps();
    const result = await applyMergedCommit(d, { ...options(0), sha: pushed }, pushed, ACCOUNT);
    expect(result).toMatchObject({ exitCode: 3, refusal: { reason: "tampered" } });
    expect(result).not.toHaveProperty("pull", expect.anything());
    expect(result.refusal?.message).toBe(
      `no merged pull request brought ${PLAN_FILE} to main at ${pushed.slice(0, 12)}`,
    );
    expect(lines).toContain(`apply: ${PLAN_FILE} at ${pushed.slice(0, 12)}`);
  });

  it("refuses a plan a person brought, with no record when it cannot even be read, and no label", async () => {
    const branch = "edit-plan";
    await w.alice.push(w.repo, { branch, files: { [PLAN_FILE]: "not a plan\n" } });
    const opened = await w.alice.openPullRequest(w.repo, { head: branch, title: "Edit the plan" });
    await w.bob.approve(w.repo, opened.number);
    const theirs = await w.bob.merge(w.repo, opened.number);
    const { deps: d } = deps();
    const result = await applyMergedCommit(d, { ...options(0), sha: theirs }, theirs, ACCOUNT);
    expect(result.exitCode).toBe(3);
    expect(result.record).toBeUndefined();
    expect(result.pull?.number).toBe(opened.number);
    expect(result.refusal?.reason).toBe("tampered");
    expect(result.refusal?.message).toMatch(
      new RegExp(`^#${opened.number} \\(by alice, from ${branch}\\) is not`),
    );
    expect(w.repo.pulls.find((p) => p.number === opened.number)?.labels).toEqual([]);
    expect(w.repo.statuses.filter((s) => s.sha === theirs).at(-1)).toMatchObject({
      description: "refused (tampered): nothing was sent",
    });
  });

  it("refuses a plan whose account file is no longer on main, in the accounts layout", async () => {
    // main now manages another account only: DU1234567 has no file any more.
    const main = await w.mergeIntentFiles(
      {
        "portfolio.yaml": null,
        "models/core.yaml": model(EXAMPLE),
        "accounts/DU7654321.yaml": SECOND_FILE,
      },
      "Manage DU7654321 alone",
    );
    const { deps: d } = deps();
    const result = await applyMergedCommit(d, options(0), sha, ACCOUNT);
    expect(result.exitCode).toBe(3);
    expect(result.record?.refusal).toEqual({
      reason: "intent-changed",
      message:
        `accounts/${ACCOUNT}.yaml is no longer on main (at ${main.slice(0, 12)}): ` +
        `nothing is to be traded for ${ACCOUNT}`,
      hint: "Nothing was sent. Restore the account file in a reviewed pull request if the account is still to be managed.",
      differences: [],
    });
    expect(latestStatus()).toMatchObject({ description: "refused (intent-changed): nothing was sent" });
  });
});
