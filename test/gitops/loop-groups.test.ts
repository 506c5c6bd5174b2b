// Account groups in the loop: each group (one IB login, one runner) proposes and applies its own
// accounts only, leaving the other groups' accounts unread, their pull requests and merges untouched.
// Both groups' gateways are one simulator here; a third group's account that this login does not
// manage shows that a run never reads another group's account from its gateway.
import { afterEach, describe, expect, it } from "vitest";
import { SECOND_ACCOUNT as SECOND } from "../gateway-sim/support/two-account-example.js";
import { twoAccountExampleState } from "../gateway-sim/support/two-account-example.js";
import { FIRST_FILE, model } from "./support/two-account-world.js";
import { ACCOUNT, BOT, EXAMPLE, LoopWorld, stopLoopWorlds } from "./support/loop-world.js";

const APPLY = { FOLIOCTL_CLIENT_ID: "23" };
const PREVIEW = { FOLIOCTL_CLIENT_ID: "21" };
/** An account of another login: reading it through this gateway would fail the run. */
const OTHER = "DU5555555";

afterEach(stopLoopWorlds);

/** The first account in `default`, the second in `partner`, the advisor's in `advisor`; null leaves one out. */
async function groupedWorld(files: Record<string, string | null> = {}): Promise<LoopWorld> {
  const all: Record<string, string | null> = {
    "models/core.yaml": model(EXAMPLE),
    [`accounts/${ACCOUNT}.yaml`]: FIRST_FILE,
    [`accounts/${SECOND}.yaml`]: `account: ${SECOND}\nmodel: core\ngroup: partner\nlimits:\n  maxTurnover: 100\n`,
    [`accounts/${OTHER}.yaml`]: `account: ${OTHER}\nmodel: core\ngroup: advisor\n`,
    ...files,
  };
  return LoopWorld.start({
    files: Object.fromEntries(
      Object.entries(all).flatMap(([path, text]) => (text === null ? [] : [[path, text]])),
    ),
    sim: { state: await twoAccountExampleState() },
  });
}

const openPull = (w: LoopWorld, account: string) =>
  w.repo.pulls.find(
    (p) => p.author === BOT && p.head === `folioctl/rebalance/${account}` && p.state === "open",
  );

/** GitHub writes that name pull request (or issue) `number`. */
const writesTo = (w: LoopWorld, number: number) =>
  w.writes().filter((r) => new RegExp(`/(pulls|issues)/${number}(/|$)`).test(r.path));

describe("account groups, one runner each", () => {
  it("proposes and applies each group's accounts only, and refuses a group main does not have", async () => {
    const w = await groupedWorld();

    // A group no account names: a usage error before any pull request or gateway is touched.
    const connections = w.sim.stats().connections;
    const typo = await w.run(["propose", "--group", "partnr"]);
    expect(typo.code).toBe(64);
    expect(typo.stderr).toContain("folioctl: error: there is no account in group `partnr` on main");
    expect(typo.stderr).toContain("hint: the groups are `advisor`, `default`, `partner`");
    expect(w.sim.stats().connections).toBe(connections);
    expect(w.writes()).toEqual([]);

    // A model change reaches every group: each group's runner previews its own accounts, in its own comment.
    const change = await w.openIntent({ "models/core.yaml": model({ ...EXAMPLE, VTI: 41, BND: 34 }) });
    const wrongGroup = await w.run(["preview", "--pr", String(change), "--group", "partnr"], PREVIEW);
    expect(wrongGroup.code).toBe(64);
    expect(wrongGroup.stderr).toContain(`there is no account in group \`partnr\` on main or in #${change}`);
    for (const group of ["partner", "default"]) {
      const preview = await w.run(["preview", "--pr", String(change), "--group", group], PREVIEW);
      expect(preview.stderr).not.toContain(OTHER);
      expect(preview.code).toBe(0);
    }
    const comments = w.repo.comments.filter((c) => c.issueNumber === change).map((c) => c.body);
    expect(comments).toHaveLength(2);
    expect(comments[0]).toContain(`### folioctl preview of #${change} for group \`partner\`: `);
    expect(comments[0]).toContain(`against the live account ${SECOND}`);
    expect(comments[0]).not.toContain(ACCOUNT);
    expect(comments[1]).toContain(`### folioctl preview of #${change} for group \`default\`: `);
    expect(comments[1]).not.toContain(SECOND);
    expect(comments.join("")).not.toContain(OTHER);

    // `default` proposes the first account alone; the advisor's account is never read from this gateway.
    const first = await w.run(["propose", "--group", "default", "--json"]);
    expect(first.stderr).not.toContain(OTHER);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ action: "opened", account: ACCOUNT });
    expect(openPull(w, SECOND)).toBeUndefined();
    const firstPull = openPull(w, ACCOUNT);
    expect(firstPull).toBeDefined();
    const firstNumber = firstPull?.number ?? 0;
    const firstHead = await w.repo.git.branchSha(`folioctl/rebalance/${ACCOUNT}`);

    // `partner` (the same with --account) proposes the second account and leaves the first's pull request be.
    const writes = writesTo(w, firstNumber).length;
    const second = await w.run(["propose", "--group", "partner", "--account", SECOND.toLowerCase()]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`Opened #`);
    expect(second.stdout).toContain(`for ${SECOND} with plan`);
    expect(await w.repo.git.branchSha(`folioctl/rebalance/${ACCOUNT}`)).toBe(firstHead);
    expect(writesTo(w, firstNumber)).toHaveLength(writes);
    const mismatch = await w.run(["propose", "--group", "partner", "--account", ACCOUNT]);
    expect(mismatch.code).toBe(64);
    expect(mismatch.stderr).toContain(`account ${ACCOUNT} is in group \`default\`, not in \`partner\``);

    // Both plans are merged in one push: each group's apply takes its own account's plan only.
    const secondNumber = openPull(w, SECOND)?.number ?? 0;
    const before = (await w.repo.git.branchSha("main")) ?? "";
    for (const number of [firstNumber, secondNumber]) {
      await w.alice.approve(w.repo, number);
      await w.bob.merge(w.repo, number);
    }
    const after = (await w.repo.git.branchSha("main")) ?? "";
    const range = ["apply", "--on-merge", "--before", before, "--sha", after];
    const wrong = await w.run([...range, "--group", "advisr"], APPLY);
    expect(wrong.code).toBe(64);
    expect(wrong.stderr).toContain("there is no account in group `advisr` on main");

    const firstWrites = writesTo(w, firstNumber).length;
    const partner = await w.run([...range, "--group", "partner"], APPLY);
    expect(partner.stderr).not.toContain("refused");
    expect(partner.code).toBe(0);
    expect(partner.stderr).toMatch(
      /apply: [0-9a-f]{12} \(DU1234567\) is in group default: left to that group's run/,
    );
    expect(w.sim.orders().length).toBeGreaterThan(0);
    expect(w.sim.orders().every((o) => o.account === SECOND)).toBe(true);
    expect(await w.filesOnMain(`ledger/${SECOND}`)).toHaveLength(1);
    expect(await w.filesOnMain(`ledger/${ACCOUNT}`)).toEqual([]);
    // The first account's merged pull request got no comment, label or status from the partner's run.
    expect(writesTo(w, firstNumber)).toHaveLength(firstWrites);

    const sentForSecond = w.sim.orders().length;
    const own = await w.run([...range, "--group", "default"], APPLY);
    expect(own.code).toBe(0);
    expect(w.sim.orders().filter((o) => o.account === ACCOUNT).length).toBeGreaterThan(0);
    // The partner's plan is not looked at again, let alone sent twice.
    expect(w.sim.orders().filter((o) => o.account === SECOND)).toHaveLength(sentForSecond);
    expect(await w.filesOnMain(`ledger/${ACCOUNT}`)).toHaveLength(1);
  });

  it("fails a group's apply on a merged plan whose account has no file to tell its group, sending nothing for it", async () => {
    const w = await groupedWorld({ [`accounts/${OTHER}.yaml`]: null });
    // Two groups in one run: this login manages both accounts.
    expect((await w.run(["propose", "--group", "default", "--group", "partner"])).code).toBe(0);
    const numbers = [ACCOUNT, SECOND].map((account) => openPull(w, account)?.number ?? 0);
    // The second account leaves while its plan waits; its plan is merged anyway, with the first's.
    await w.mergeIntentFiles({ [`accounts/${SECOND}.yaml`]: null }, "Stop managing DU7654321");
    const before = (await w.repo.git.branchSha("main")) ?? "";
    for (const number of numbers) {
      await w.alice.approve(w.repo, number);
      await w.bob.merge(w.repo, number);
    }
    const after = (await w.repo.git.branchSha("main")) ?? "";
    const run = await w.run(
      ["apply", "--on-merge", "--before", before, "--sha", after, "--group", "default"],
      APPLY,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /apply: [0-9a-f]{12} \(DU7654321\): the account's group cannot be read at that commit \(no valid accounts\/DU7654321.yaml\); nothing was sent/,
    );
    expect(w.sim.orders().filter((o) => o.account === SECOND)).toEqual([]);
    expect(w.sim.orders().filter((o) => o.account === ACCOUNT).length).toBeGreaterThan(0);
    expect(await w.filesOnMain(`ledger/${ACCOUNT}`)).toHaveLength(1);
  });

  it("closes an orphaned pull request in its own group's run only", async () => {
    const w = await groupedWorld({ [`accounts/${ACCOUNT}.yaml`]: `${FIRST_FILE}group: partner\n` });
    expect((await w.run(["propose", "--group", "partner"])).code).toBe(0);
    const orphan = openPull(w, SECOND)?.number ?? 0;
    expect(orphan).toBeGreaterThan(0);
    await w.mergeIntentFiles({ [`accounts/${SECOND}.yaml`]: null }, "Stop managing DU7654321");

    // Another group's run leaves it open (it fails on its own account, which this login does not manage).
    const writes = writesTo(w, orphan).length;
    const advisor = await w.run(["propose", "--group", "advisor"]);
    expect(advisor.stderr).toContain(`folioctl: error: ${OTHER}: `);
    expect(openPull(w, SECOND)?.number).toBe(orphan);
    expect(writesTo(w, orphan)).toHaveLength(writes);

    const partner = await w.run(["propose", "--group", "partner"]);
    expect(partner.code).toBe(0);
    expect(partner.stdout).toContain(
      `Closed #${orphan} for ${SECOND}: ${SECOND} is no longer an account on main`,
    );
    expect(openPull(w, SECOND)).toBeUndefined();
    expect(openPull(w, ACCOUNT)).toBeDefined();

    // A pull request that brings an account back previews it with its own limits: main has none for it.
    // Without its own maxTurnover, the model's limit stops its plan; with it, the trades are shown.
    const back = `account: ${SECOND}\nmodel: core\ngroup: partner\n`;
    const plain = await w.openIntent({ [`accounts/${SECOND}.yaml`]: back }, "Manage DU7654321 again");
    const refused = await w.run(["preview", "--pr", String(plain), "--group", "partner"], PREVIEW);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/turnover/i);
    const own = await w.openIntent(
      { [`accounts/${SECOND}.yaml`]: `${back}limits:\n  maxTurnover: 100\n` },
      "Manage DU7654321 again, with its own turnover limit",
    );
    const shown = await w.run(["preview", "--pr", String(own), "--group", "partner"], PREVIEW);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/\| (BUY|SELL) \| \d+ \| VTI \|/);
    expect(shown.stdout).toContain(
      "with its own `limits:` and `tolerances:` (`main` has no file for this account yet)",
    );
  });
});

describe("a pull request whose file cannot be read, previewed by every group", () => {
  it("is commented on once, by the group that owns the file; the other groups stay silent", async () => {
    const w = await groupedWorld();
    const previewAll = async (number: number) => {
      const runs = new Map<string, Awaited<ReturnType<LoopWorld["run"]>>>();
      for (const group of ["advisor", "default", "partner"]) {
        runs.set(group, await w.run(["preview", "--pr", String(number), "--group", group], PREVIEW));
      }
      return runs;
    };
    const commentsOn = (number: number) => w.repo.comments.filter((c) => c.issueNumber === number);

    // The partner's account file is broken YAML, but its `group:` line still says whose it is.
    const brokenAccount = await w.openIntent(
      {
        [`accounts/${SECOND}.yaml`]: `account: ${SECOND}\nmodel: core\ngroup: partner\nlimits: [maxTurnover\n`,
      },
      "Break the partner's account file",
    );
    const first = await previewAll(brokenAccount);
    expect(commentsOn(brokenAccount)).toHaveLength(1);
    const [comment] = commentsOn(brokenAccount);
    expect(comment?.body).toContain(`### folioctl preview of #${brokenAccount} for group \`partner\`: `);
    expect(comment?.body).toContain(`accounts/${SECOND}.yaml is not valid`);
    expect(first.get("partner")?.code).toBe(1);
    for (const group of ["advisor", "default"]) {
      expect(first.get(group)?.code).toBe(0);
      expect(first.get(group)?.stderr).toContain(
        `accounts/${SECOND}.yaml not valid: left to group partner's run, which comments on it`,
      );
    }

    // A model drives accounts of several groups: its problems are the `default` group's to report.
    const brokenModel = await w.openIntent({ "models/core.yaml": "targets: [VTI\n" }, "Break the model");
    const second = await previewAll(brokenModel);
    expect(commentsOn(brokenModel)).toHaveLength(1);
    expect(commentsOn(brokenModel)[0]?.body).toContain(
      `### folioctl preview of #${brokenModel} for group \`default\`: models/core.yaml is not valid`,
    );
    expect(second.get("default")?.code).toBe(1);
    expect(second.get("partner")?.code).toBe(0);
    expect(second.get("advisor")?.code).toBe(0);
  });
});
