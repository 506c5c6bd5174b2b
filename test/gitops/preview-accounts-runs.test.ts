// runPreview (preview.ts) on an accounts/ repository: a model change previews every account it drives in
// one comment, an account file added or removed previews that account, and with --group each group's run
// comments on its own accounts and problems only. One world for the file: a shared model on main, three
// accounts in two groups (one with an order limit no plan fits), and one person's pull request per case.
// Every account is planned from one snapshot of the simulator's example account, with the account's id.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readGatewaySnapshot } from "../../src/broker/read-gateway-snapshot.js";
import type { Snapshot } from "../../src/core/snapshot.js";
import { createGitHubForge } from "../../src/forge/create-github-forge.js";
import type { Forge } from "../../src/forge/forge.js";
import { runPreview, type PreviewOptions } from "../../src/gitops/preview.js";
import { model } from "./support/two-account-world.js";
import { ACCOUNT, BOT, EXAMPLE, IN_BAND, LoopWorld, stopLoopWorlds } from "./support/loop-world.js";
import { previewDeps } from "./support/preview-deps.js";

const NOW = "2026-12-03T15:00:00.000Z";
const WEST = "DU7654321";
const TIGHT = "DU2222222";
const ADDED = "DU3333333";
const NEW_WEST = "DU4444444";
const file = (account: string, group: string, extra = "") =>
  `account: ${account}\nmodel: core\ngroup: ${group}\n${extra}`;

let w: LoopWorld;
let forge: Forge;
let example: Promise<Snapshot> | undefined;
const pulls: Record<string, number> = {};

const CASES: Record<string, Record<string, string | null>> = {
  // Drives all three accounts; the tight one cannot be planned under main's limit.
  model: { "models/core.yaml": model(EXAMPLE) },
  // West's own file: only west's account changes.
  westOnly: { [`accounts/${WEST}.yaml`]: file(WEST, "west", "limits:\n  maxTurnover: 100\n") },
  removed: { [`accounts/${WEST}.yaml`]: null },
  added: { [`accounts/${ADDED}.yaml`]: file(ADDED, "east") },
  // Two of west's files broken, one of them a new account's: both are west's to comment.
  brokenWest: {
    [`accounts/${WEST}.yaml`]: file(WEST, "west", "colour: blue\n"),
    [`accounts/${NEW_WEST}.yaml`]: file(NEW_WEST, "west", "colour: blue\n"),
  },
  // One account moved to a new model, which trades, and one reworded, which holds its model already.
  growth: {
    "models/growth.yaml": model(EXAMPLE),
    [`accounts/${ACCOUNT}.yaml`]: `account: ${ACCOUNT}\nmodel: growth\ngroup: east\n`,
    [`accounts/${WEST}.yaml`]: `${file(WEST, "west")}# reviewed\n`,
  },
  // Two account files edited without changing what they hold, and one moved to a suspended model
  // (sorted between them): nothing to trade, and nothing read for the suspended one.
  reworded: {
    "models/paused.yaml": model(IN_BAND).replace("suspend: false", "suspend: true"),
    [`accounts/${ACCOUNT}.yaml`]: `${file(ACCOUNT, "east")}# reviewed\n`,
    [`accounts/${TIGHT}.yaml`]: `account: ${TIGHT}\nmodel: paused\ngroup: east\n`,
    [`accounts/${WEST}.yaml`]: `${file(WEST, "west")}# reviewed\n`,
  },
  // The shared model broken (its problem is every account's) and a model no account names, broken too.
  brokenModels: {
    "models/core.yaml": model(IN_BAND).replace("suspend: false", "suspend: maybe"),
    "models/spare.yaml": model(EXAMPLE).replace("weight: 40 #", "weigth: 40 #"),
  },
  // A new account's invalid file: its own `group:` line names the group that comments on it.
  brokenNew: { [`accounts/${NEW_WEST}.yaml`]: file(NEW_WEST, "west", "colour: blue\n") },
  // The tight account alone, moved to a model that trades: its order limit fits no plan.
  tightAlone: {
    "models/tight.yaml": model(EXAMPLE),
    [`accounts/${TIGHT}.yaml`]: `account: ${TIGHT}\nmodel: tight\ngroup: east\nlimits:\n  maxOrderValue: 100\n`,
  },
  // Changes no intent file.
  readme: { "README.md": "# acme/ops\n\nTo read.\n" },
  // The same, previewed against a main that loses a file while it is read.
  race: { "README.md": "# acme/ops\n\nRaced.\n" },
};
/** Branches no pull request is opened for: each is given as the main branch of a preview. */
const MAINS: Record<string, Record<string, string | null>> = {
  // A model and no account file: no account's guardrails to preview with.
  modelOnly: {
    [`accounts/${ACCOUNT}.yaml`]: null,
    [`accounts/${TIGHT}.yaml`]: null,
    [`accounts/${WEST}.yaml`]: null,
  },
  // The first account's file broken: main's other accounts still give their guardrails.
  brokenFirst: { [`accounts/${ACCOUNT}.yaml`]: file(ACCOUNT, "east", "colour: blue\n") },
  // The tight account's file broken: a pull request's own tight limit is the one it is planned with.
  brokenTight: { [`accounts/${TIGHT}.yaml`]: file(TIGHT, "east", "colour: blue\n") },
  // Both layouts at once: main says which it must keep.
  bothLayouts: { "portfolio.yaml": "account: DU1234567\n" },
  // Main as it is; a push deletes the tight account's file between its listing and its reading.
  racing: { "NOTES.md": "Main, as a push lands on it.\n" },
};

beforeAll(async () => {
  w = await LoopWorld.start({
    files: {
      "models/core.yaml": model(IN_BAND),
      [`accounts/${ACCOUNT}.yaml`]: file(ACCOUNT, "east"),
      [`accounts/${TIGHT}.yaml`]: file(TIGHT, "east", "limits:\n  maxOrderValue: 100\n"),
      [`accounts/${WEST}.yaml`]: file(WEST, "west"),
    },
  });
  for (const [name, files] of Object.entries(CASES)) {
    await w.alice.push(w.repo, { branch: name, files });
    pulls[name] = (await w.alice.openPullRequest(w.repo, { head: name, title: name })).number;
  }
  for (const [name, files] of Object.entries(MAINS)) await w.alice.push(w.repo, { branch: name, files });
  forge = createGitHubForge(w.env);
});
afterAll(stopLoopWorlds);

/** Every account planned from one read of the example account, under the account's own id. */
function deps() {
  return previewDeps(forge, NOW, async (portfolio) => {
    example ??= readGatewaySnapshot(
      { host: "127.0.0.1", port: w.sim.port, clientId: 42 },
      { ...portfolio, account: ACCOUNT },
      () => new Date(NOW),
    );
    return { ...(await example), account: portfolio.account };
  });
}

const preview = async (name: string, over: Partial<PreviewOptions> = {}) => {
  const { deps: d, lines } = deps();
  const result = await runPreview(d, { pr: pulls[name]!, mainBranch: "main", ...over });
  return { result, lines };
};
const botComments = (name: string) =>
  w.repo.comments.filter((c) => c.issueNumber === pulls[name] && c.author === BOT).map((c) => c.body);

describe("runPreview on accounts and models", () => {
  it("previews a model change for every account it drives in one comment, failing on the one it cannot plan", async () => {
    const { result } = await preview("model");

    expect(result).toMatchObject({ outcome: "unplannable", exitCode: 1 });
    expect(result.comment).toContain(
      `### folioctl preview of #${pulls["model"]}: the trades merging it would cause in 2 of 3 accounts`,
    );
    for (const account of [ACCOUNT, TIGHT, WEST]) expect(result.comment).toContain(`#### ${account} (`);
    expect(result.comment).toContain("limits.maxOrderValue");
  });

  it("trades when every account it previews can be planned and one trades, and says nothing to trade when none does", async () => {
    const growth = await preview("growth");
    expect(growth.result).toMatchObject({ outcome: "trades", exitCode: 0 });
    expect(growth.result.comment).toContain("the trades merging it would cause in 1 of 2 accounts");
    expect(growth.result.comment).toContain("with `limits:` and `tolerances:` from `main`.");

    const reworded = await preview("reworded");
    expect(reworded.result).toMatchObject({ outcome: "nothing-to-do", exitCode: 0 });
    expect(reworded.result.comment).toContain("nothing to trade in 3 accounts");
    for (const account of [ACCOUNT, TIGHT, WEST])
      expect(reworded.result.comment).toContain(`#### ${account} (`);
  });

  it("previews only its group's accounts of a model change, in a comment of the group's own", async () => {
    const { result } = await preview("model", { group: "west" });

    expect(result).toMatchObject({ outcome: "trades", exitCode: 0 });
    expect(result.comment).toContain(`### folioctl preview of #${pulls["model"]} for group \`west\``);
    expect(result.comment).toContain(WEST);
    expect(result.comment).not.toContain(ACCOUNT);
    expect(botComments("model")).toContainEqual(
      expect.stringMatching(/^<!-- folioctl:comment preview-group-west -->\n/),
    );
  });

  it("previews the one account whose file changed, and nothing for another group", async () => {
    const west = await preview("westOnly");
    // The model is in band for every account: the change is planned, and nothing is to trade.
    expect(west.result).toMatchObject({ outcome: "nothing-to-do", exitCode: 0 });
    expect(west.result.comment).toContain(`\`accounts/${WEST}.yaml\``);
    expect(west.result.comment).not.toContain(`${TIGHT}`);

    const east = await preview("westOnly", { group: "east" });
    expect(east.result).toEqual({ outcome: "nothing-to-do", exitCode: 0 });
    expect(east.lines).toEqual([
      `preview: #${pulls["westOnly"]} changes no account of group east; no comment from this group`,
    ]);
    expect(botComments("westOnly").filter((b) => b.includes("preview-group-east"))).toEqual([]);
  });

  it("says which account a removed file stops trading, only to that account's group", async () => {
    const { result } = await preview("removed");
    expect(result).toMatchObject({ outcome: "nothing-to-do", exitCode: 0 });
    expect(result.comment).toContain(WEST);

    const east = await preview("removed", { group: "east" });
    expect(east.result).toEqual({ outcome: "nothing-to-do", exitCode: 0 });
    const west = await preview("removed", { group: "west" });
    expect(west.result.comment).toContain(WEST);
  });

  it("plans a new account with its own limits, saying main has none for it", async () => {
    const { result } = await preview("added");
    expect(result).toMatchObject({ outcome: "nothing-to-do", exitCode: 0 });
    expect(result.comment).toContain(ADDED);
    // With no file on main there is nothing to loosen: no guardrail note at all.
    expect(result.comment).not.toContain("This pull request changes");
    expect(result.comment).toContain(
      "with its own `limits:` and `tolerances:` (`main` has no file for this account yet)",
    );
  });

  it("leaves another group's invalid file to that group's run, and comments it in the owner's", async () => {
    const east = await preview("brokenWest", { group: "east" });
    expect(east.result).toEqual({ outcome: "nothing-to-do", exitCode: 0 });
    expect(east.lines).toContain(
      `preview: #${pulls["brokenWest"]}: accounts/${NEW_WEST}.yaml, accounts/${WEST}.yaml not valid: left to group west's run, which comments on it`,
    );

    const west = await preview("brokenWest", { group: "west" });
    expect(west.result).toMatchObject({ outcome: "invalid", exitCode: 1 });
    expect(west.result.comment).toContain(`accounts/${WEST}.yaml`);
    expect(west.result.comment).toContain(`accounts/${NEW_WEST}.yaml`);
    expect(west.result.comment).toContain("colour");
    // Its own group's problems are commented, not said to be left to it.
    expect(west.lines.filter((line) => line.includes("left to group"))).toEqual([]);
  });

  it("comments each problem once: a broken model's, which every account it drives shares, and an unused model's", async () => {
    const { result } = await preview("brokenModels");
    expect(result).toMatchObject({ outcome: "invalid", exitCode: 1 });
    const lines = (result.comment ?? "").split("\n");
    expect(lines.filter((l) => l.includes("models/core.yaml:") && l.includes("suspend"))).toHaveLength(1);
    expect(lines.filter((l) => l.includes("models/spare.yaml:") && l.includes("weigth"))).toHaveLength(1);
  });

  it("gives a new account's invalid file to the group its own `group:` line names", async () => {
    const west = await preview("brokenNew", { group: "west" });
    expect(west.result).toMatchObject({ outcome: "invalid", exitCode: 1 });
    expect(west.result.comment).toContain(`accounts/${NEW_WEST}.yaml`);

    const east = await preview("brokenNew", { group: "east" });
    expect(east.result).toEqual({ outcome: "nothing-to-do", exitCode: 0 });
  });

  it("says a pull request that changes no intent file changes no account", async () => {
    const { result } = await preview("readme");
    expect(result).toMatchObject({ outcome: "nothing-to-do", exitCode: 0, commentOutcome: "created" });
    expect(botComments("readme")).toHaveLength(1);
  });

  it("refuses to preview against a main with no account file, or with both layouts, commenting nothing", async () => {
    const comments = w.repo.comments.length;
    await expect(preview("westOnly", { mainBranch: "modelOnly" })).rejects.toMatchObject({
      message: `there is no readable intent on modelOnly in ${forge.repository}`,
    });
    await expect(preview("westOnly", { mainBranch: "bothLayouts" })).rejects.toMatchObject({
      message:
        `the ops repository on bothLayouts in ${forge.repository} cannot be read:\n  portfolio.yaml: error: ` +
        "the repository holds both portfolio.yaml and accounts/ or models/: it must use one layout",
      hint: expect.stringMatching(
        /^keep portfolio\.yaml for one account, or move it to models\/<name>\.yaml/,
      ),
    });
    expect(w.repo.comments).toHaveLength(comments);
  });

  it("reads main's files as listed, leaving out one a push deleted between the listing and the reading", async () => {
    const { deps: d } = deps();
    // The real forge on the fake GitHub; the push lands right after main's account files are listed.
    const racing: Forge = Object.assign(Object.create(forge) as Forge, {
      listFiles: async (folder: string, ref: string) => {
        const names = await forge.listFiles(folder, ref);
        if (folder === "accounts" && ref === "racing") {
          await w.alice.push(w.repo, { branch: "racing", files: { [`accounts/${TIGHT}.yaml`]: null } });
        }
        return names;
      },
    });
    const result = await runPreview({ ...d, forge: racing }, { pr: pulls["race"]!, mainBranch: "racing" });
    // The pull request still has the tight account's file: to main as read, it is a new account.
    expect(result).toMatchObject({ exitCode: 0 });
    expect(result.comment).toContain(TIGHT);
    expect(result.comment).toContain("(`racing` has no file for this account yet)");
  });

  it("previews against a main whose first account file is invalid, with its other accounts' guardrails", async () => {
    const { result } = await preview("race", { mainBranch: "brokenFirst" });
    // Main has no valid file for the account whose file it broke: the pull request's is planned with its own
    // guardrails, and the comment says main's file is broken, where, and how to fix it; not that there is none.
    expect(result).toMatchObject({ outcome: "nothing-to-do", exitCode: 0 });
    expect(result.comment).toContain(ACCOUNT);
    expect(result.comment).not.toContain(TIGHT);
    expect(result.comment).not.toContain("has no file for this account");
    expect(result.comment).toContain(
      "with its own `limits:` and `tolerances:` (`brokenFirst`'s file for this account is not valid).",
    );
    expect(result.comment).toContain(
      "`brokenFirst`'s file for this account is not valid, so its `limits:` and `tolerances:` could not be " +
        "used. Fix it on `brokenFirst` (`folioctl validate` names each problem):\n\n```text\n" +
        `accounts/${ACCOUNT}.yaml:4:1: error: colour: unknown key`,
    );
  });

  it("says main's file for the account is not valid when the plan made with its own guardrails fails", async () => {
    const { result } = await preview("tightAlone", { mainBranch: "brokenTight" });
    expect(result).toMatchObject({ outcome: "unplannable", exitCode: 1 });
    expect(result.comment).toContain("limits.maxOrderValue");
    expect(result.comment).toContain(
      "`brokenTight`'s file for this account is not valid: it was planned with its own `limits:` and " +
        "`tolerances:`. Fix it on `brokenTight` (`folioctl validate` names each problem):\n\n```text\n" +
        `accounts/${TIGHT}.yaml:4:1: error: colour: unknown key`,
    );
  });
});
