// checkProvenance and checkApproval rule by rule, on the bot's real proposal at the fake GitHub: every
// condition but the one under test is met, so that only that rule can refuse it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHubForge } from "../../src/forge/create-github-forge.js";
import { REBALANCE_LABEL, type Forge, type PullRequest } from "../../src/forge/forge.js";
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

async function givenAProposal(): Promise<LoopWorld> {
  const w = await LoopWorld.start();
  await w.mergeIntent(portfolioYaml(EXAMPLE));
  expect((await w.run(["propose"])).code).toBe(0);
  return w;
}

describe("checkProvenance on the bot's own pull request", () => {
  let w: LoopWorld;
  let forge: Forge;
  let pull: PullRequest;
  let input: ProvenanceInput;

  beforeAll(async () => {
    w = await givenAProposal();
    forge = createGitHubForge(w.env);
    pull = (await forge.findOpenRebalancePullRequest(ACCOUNT))!;
    const planBytes = Buffer.from((await w.branchFile(PLAN_FILE)) ?? "", "utf8");
    input = { account: ACCOUNT, sha: pull.headSha, pull, botLogin: BOT, planBytes };
  });
  afterAll(stopLoopWorlds);

  const refusal = async (change: Partial<ProvenanceInput>) => {
    const result = await checkProvenance(forge, { ...input, ...change });
    return result.ok ? undefined : result.refusal.message;
  };

  it("accepts it as it is", async () => {
    expect((await checkProvenance(forge, input)).ok).toBe(true);
  });

  it("refuses it from another branch", async () => {
    expect(await refusal({ pull: { ...pull, headRef: "folioctl/rebalance/elsewhere" } })).toMatch(
      /is not folioctl's rebalance pull request/,
    );
  });

  it("refuses it without the label, or by another author, each alone", async () => {
    expect(await refusal({ pull: { ...pull, labels: ["other"] } })).toMatch(/is not folioctl's rebalance/);
    expect(await refusal({ pull: { ...pull, author: "alice" } })).toMatch(/is not folioctl's rebalance/);
    // GitHub logins are case-insensitive, labels too.
    const upper = { ...pull, author: BOT.toUpperCase(), labels: [REBALANCE_LABEL.toUpperCase()] };
    expect(await refusal({ pull: upper })).toBeUndefined();
  });

  it("refuses a header that names another account", async () => {
    const body = pull.body.replace(`"account":"${ACCOUNT}"`, `"account":"DU7654321"`);
    expect(body).not.toBe(pull.body);
    expect(await refusal({ pull: { ...pull, body } })).toBe(
      `#${pull.number} shows a plan for DU7654321, but it changed ${PLAN_FILE}`,
    );
  });

  it("refuses a plan for another account than its path, even with the bot's status for its bytes", async () => {
    // Everything about account DU7654321 checks out (branch, header, the bot's status for these bytes),
    // but the file holds the plan for DU1234567.
    const other = "DU7654321";
    await forge.setCommitStatus(pull.headSha, {
      ...planAttestation(other, readHash(pull.body), gitBlobId(input.planBytes)),
    });
    const body = pull.body.replace(`"account":"${ACCOUNT}"`, `"account":"${other}"`);
    const theirs = { ...pull, headRef: `folioctl/rebalance/${other}`, body };
    expect(await refusal({ account: other, pull: theirs })).toBe(
      `plans/${other}.plan.json holds a plan for account ${ACCOUNT}`,
    );
  });
});

function readHash(body: string): string {
  const hash = /"hash":"([0-9a-f]{64})"/.exec(body)?.[1];
  if (!hash) throw new Error("no plan header in the pull request body");
  return hash;
}

describe("checkApproval", () => {
  const pull = { number: 7 } as PullRequest;
  const approval = (approvedBy: string[], changesRequestedBy: string[] = []) => ({
    headSha: "c0ffee".repeat(7),
    approvedBy,
    changesRequestedBy,
    ignored: [],
  });

  it("counts approvals against the number required, and 0 switches the check off", () => {
    expect(checkApproval(pull, approval(["alice"]), 1)).toBeUndefined();
    expect(checkApproval(pull, approval([]), 0)).toBeUndefined();
    expect(checkApproval(pull, approval(["alice"]), 2)?.message).toBe(
      "#7 was merged with 1 approval (alice) at its head c0ffeec0ffee; 2 are required",
    );
    expect(checkApproval(pull, approval([]), 1)?.message).toBe(
      "#7 was merged with 0 approvals at its head c0ffeec0ffee; 1 is required",
    );
  });

  it("refuses while someone's latest review asks for changes, however many approved", () => {
    const refusal = checkApproval(pull, approval(["alice", "bob"], ["carol", "dave"]), 1);
    expect(refusal).toMatchObject({ reason: "unapproved", message: "carol, dave requested changes" });
  });
});
