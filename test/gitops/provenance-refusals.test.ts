// Every refusal checkProvenance and checkApproval can give, word for word, and what each refusal carries
// (its reason, its hint, the plan when one could be read). One proposal at the fake GitHub for the whole
// file; each case varies the bot's pull request, the plan's bytes, or the statuses on its head.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Refusal } from "../../src/apply/refusal.js";
import { hashPlan } from "../../src/core/hash-plan.js";
import type { Plan } from "../../src/core/plan.js";
import { createGitHubForge } from "../../src/forge/create-github-forge.js";
import type { Approval, Forge, PullRequest } from "../../src/forge/forge.js";
import { checkApproval } from "../../src/gitops/check-approval.js";
import { checkProvenance, type ProvenanceInput } from "../../src/gitops/check-provenance.js";
import { gitBlobId, planAttestation } from "../../src/gitops/plan-attestation.js";
import {
  ACCOUNT,
  BOT,
  EXAMPLE,
  LoopWorld,
  PLAN_FILE,
  portfolioYaml,
  stopLoopWorlds,
} from "./support/loop-world.js";

const TAMPERED_HINT =
  "Nothing was sent. Plans reach main only by merging the pull request `folioctl propose` opens, unedited " +
  "and with no commit pushed to its branch by anyone else; a fresh plan is proposed for review.";

describe("checkProvenance's refusals, each alone", () => {
  let w: LoopWorld;
  let forge: Forge;
  let pull: PullRequest;
  let input: ProvenanceInput;
  let plan: Plan;
  let headerHash: string;
  /** A commit on main that no status was ever set on. */
  let mainSha: string;

  beforeAll(async () => {
    w = await LoopWorld.start();
    const { intentSha, planText, plan: proposed } = await w.mergeIntentAndPropose(portfolioYaml(EXAMPLE));
    mainSha = intentSha;
    plan = proposed;
    forge = createGitHubForge(w.env);
    pull = (await forge.findOpenRebalancePullRequest(ACCOUNT))!;
    headerHash = plan.hash;
    input = { account: ACCOUNT, sha: mainSha, pull, botLogin: BOT, planBytes: Buffer.from(planText, "utf8") };
  });
  afterAll(stopLoopWorlds);

  const refused = async (change: Partial<ProvenanceInput>): Promise<{ refusal: Refusal; plan?: Plan }> => {
    const result = await checkProvenance(forge, { ...input, ...change });
    if (result.ok) throw new Error("checkProvenance accepted it");
    return result;
  };
  /** The bot's status on the pull request's head for these bytes, naming `planHash`. */
  const attest = async (bytes: Uint8Array, planHash = headerHash): Promise<void> => {
    await forge.setCommitStatus(pull.headSha, planAttestation(ACCOUNT, planHash, gitBlobId(bytes)));
  };
  const bytesOf = (value: unknown): Uint8Array => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, "utf8");
  const n = () => `#${pull.number}`;
  const short = (sha: string) => sha.slice(0, 12);

  it("accepts the bot's plan as it is, and returns it with its pull request", async () => {
    const result = await checkProvenance(forge, input);
    expect(result).toEqual({ ok: true, plan, pull });
  });

  it("refuses a commit no merged pull request brought, as tampered with the hint, and no plan", async () => {
    const result = await refused({ pull: undefined });
    // Strictly: a refusal made before the file is read carries no `plan` key at all.
    expect(result).toStrictEqual({
      ok: false,
      refusal: {
        reason: "tampered",
        message: `no merged pull request brought ${PLAN_FILE} to main at ${short(mainSha)}`,
        hint: TAMPERED_HINT,
      },
    });
  });

  it("names the pull request, its author and branch, and what is required", async () => {
    const theirs = { ...pull, author: "mallory", headRef: "patch-1" };
    expect((await refused({ pull: theirs })).refusal.message).toBe(
      `${n()} (by mallory, from patch-1) is not folioctl's rebalance pull request for ${ACCOUNT}: only a ` +
        `pull request by ${BOT} from folioctl/rebalance/${ACCOUNT} with the label \`folioctl\` may bring a plan`,
    );
  });

  it("refuses a description without the plan header", async () => {
    const result = await refused({ pull: { ...pull, body: "Rebalance, trust me." } });
    expect(result.refusal.message).toBe(`${n()}'s description has lost its folioctl plan header`);
    expect(result.plan).toBeUndefined();
  });

  it("refuses a head without the bot's status: someone else pushed after folioctl", async () => {
    const result = await refused({ pull: { ...pull, headSha: mainSha } });
    expect(result.refusal.message).toBe(
      `the head of ${n()} (${short(mainSha)}) is not a plan commit folioctl made: it has no ` +
        `\`folioctl/plan (${ACCOUNT})\` status by ${BOT}, so someone else pushed to ` +
        `folioctl/rebalance/${ACCOUNT} after folioctl`,
    );
  });

  it("refuses other bytes than the ones the bot's status names", async () => {
    const edited = bytesOf({ ...plan, orders: [] });
    const result = await refused({ planBytes: edited });
    expect(result.refusal.message).toBe(
      `${PLAN_FILE} on main is not the file folioctl committed at the head of ${n()} (${short(pull.headSha)})`,
    );
    expect(result.plan).toBeUndefined();
  });

  it("refuses a description whose hash is not the one folioctl committed", async () => {
    const other = "ab".repeat(32);
    const body = pull.body.replace(headerHash, other);
    expect(body).not.toBe(pull.body);
    const result = await refused({ pull: { ...pull, body } });
    expect(result.refusal.message).toBe(
      `${n()} shows plan ${short(other)}, but folioctl committed plan ${short(headerHash)} at its head: ` +
        "the description was edited",
    );
  });

  it("refuses bytes the bot attested that are not a plan, naming every problem", async () => {
    const bytes = bytesOf({ ...plan, account: 7, orders: "none" });
    await attest(bytes);
    const result = await refused({ planBytes: bytes });
    expect(result.refusal.message).toMatch(new RegExp(`^${PLAN_FILE} is not a valid plan: .+; .+`));
    expect(result.refusal.message).toContain(`${PLAN_FILE}:`);
    expect(result.plan).toBeUndefined();
  });

  it("refuses a plan that does not match its own hash, and returns the plan", async () => {
    const edited = { ...plan, orders: plan.orders.slice(1) };
    const bytes = bytesOf(edited);
    await attest(bytes);
    const result = await refused({ planBytes: bytes });
    expect(result.refusal.message).toMatch(
      new RegExp(`^${PLAN_FILE} does not match its own hash: the plan's content hashes to [0-9a-f]{12}, `),
    );
    expect(result.plan).toEqual(edited);
  });

  it("refuses another valid plan than the one the description shows, and returns it", async () => {
    const other = { ...plan, orders: plan.orders.slice(1), hash: undefined };
    const replaced = { ...other, hash: hashPlan(other) } as Plan;
    const bytes = bytesOf(replaced);
    // The bot's status for these bytes names the description's plan: only the file's own hash differs.
    await attest(bytes, headerHash);
    const result = await refused({ planBytes: bytes });
    expect(result.refusal.message).toBe(
      `${PLAN_FILE} on main is plan ${short(replaced.hash)}, but ${n()} shows plan ${short(headerHash)}: ` +
        "the file was replaced after folioctl proposed it",
    );
    expect(result.plan).toEqual(replaced);
  });
});

describe("checkApproval's refusals", () => {
  const pull = { number: 7 } as PullRequest;
  const head = "c0ffee".repeat(7);
  const approval = (over: Partial<Approval>): Approval => ({
    headSha: head,
    approvedBy: [],
    changesRequestedBy: [],
    ignored: [],
    ...over,
  });

  it("switches off entirely at 0 required, even with changes requested and no approval", () => {
    expect(checkApproval(pull, approval({ changesRequestedBy: ["carol"] }), 0)).toBeUndefined();
  });

  it("names every approver and every problem, then each ignored approval and why", () => {
    const refusal = checkApproval(
      pull,
      approval({
        approvedBy: ["alice", "bob"],
        changesRequestedBy: ["carol"],
        ignored: [
          { reviewer: "folioctl-ops[bot]", reason: "author" },
          { reviewer: "ci", reason: "bot" },
          { reviewer: "dave", reason: "committer" },
          { reviewer: "erin", reason: "pusher" },
          { reviewer: "frank", reason: "stale" },
          { reviewer: "grace", reason: "after-merge" },
          { reviewer: "heidi", reason: "no-write-access" },
        ],
      }),
      3,
    );
    expect(refusal).toEqual({
      reason: "unapproved",
      message: [
        "#7 was merged with 2 approvals (alice, bob) at its head c0ffeec0ffee; 3 are required",
        "carol requested changes",
        "folioctl-ops[bot]'s approval does not count (the author)",
        "ci's approval does not count (a bot)",
        "dave's approval does not count (they pushed a commit to the pull request)",
        "erin's approval does not count (they force-pushed, deleted or restored its branch)",
        "frank's approval does not count (given before the last push)",
        "grace's approval does not count (given after the merge)",
        "heidi's approval does not count (they cannot write to the repository)",
      ].join("; "),
      hint:
        "Nothing was sent. A plan needs an approval at its latest commit before it is merged; a fresh plan is " +
        "proposed for review (require approvals in the branch ruleset so that such a merge is impossible).",
    });
  });

  it("says nothing of ignored approvals when there are enough others", () => {
    const enough = approval({ approvedBy: ["alice"], ignored: [{ reviewer: "dave", reason: "stale" }] });
    expect(checkApproval(pull, enough, 1)).toBeUndefined();
  });
});
