// The GitOps loop for two accounts of one login driven by one shared model (models/core.yaml with
// accounts/<ID>.yaml): one preview comment for a model change with every account's trades, one rebalance
// pull request per account, and both plans applied from one push, each under its own lock and to its own
// account only.
import { afterEach, describe, expect, it } from "vitest";
import { parsePlan } from "../../src/config/load-plan.js";
import { accountIntentHash } from "../../src/config/ops-intent.js";
import type { Plan } from "../../src/core/plan.js";
import { sha256Of } from "../../src/config/account-files.js";
import { SECOND_ACCOUNT as SECOND } from "../gateway-sim/support/two-account-example.js";
import { model, SECOND_FILE, twoAccountWorld } from "./support/two-account-world.js";
import type { LoopWorld } from "./support/loop-world.js";
import { ACCOUNT, BOT, EXAMPLE, stopLoopWorlds } from "./support/loop-world.js";

const APPLY = { FOLIOCTL_CLIENT_ID: "23" };

afterEach(stopLoopWorlds);

async function planOn(w: LoopWorld, account: string): Promise<Plan> {
  const text = await w.branchFile(`plans/${account}.plan.json`, `folioctl/rebalance/${account}`);
  if (text === undefined) throw new Error(`no plan for ${account}`);
  const parsed = parsePlan(text, account);
  if (!parsed.ok) throw new Error(`the plan for ${account} is not valid`);
  return parsed.plan;
}

describe("two accounts driven by one model", () => {
  it("previews a model change for both, proposes one pull request each, and applies both from one push", async () => {
    const w = await twoAccountWorld();
    expect((await w.run(["validate"])).code).toBe(0);

    // A person changes the shared model in a pull request: one preview comment covers both accounts.
    const intent = await w.openIntent({ "models/core.yaml": model(EXAMPLE) });
    const preview = await w.run(["preview", "--pr", String(intent)], { FOLIOCTL_CLIENT_ID: "21" });
    expect(preview.code).toBe(0);
    const comments = w.repo.comments.filter((c) => c.issueNumber === intent);
    expect(comments).toHaveLength(1);
    const comment = comments[0]?.body ?? "";
    expect(comment).toContain(
      `### folioctl preview of #${intent}: the trades merging it would cause in 2 of 2 accounts`,
    );
    expect(comment).toContain("driven by `models/core.yaml`");
    expect(comment).toContain("**All accounts together**");
    // The first account sells VTI, the second buys it: both show in the sum and in each account's section.
    expect(comment).toMatch(/\| SELL \| VTI \| 10 \| [\d,.]+ USD \| 1 \|/);
    expect(comment).toMatch(/\| BUY \| VTI \| \d+ \| [\d,.]+ USD \| 1 \|/);
    expect(comment).toContain(`#### ${ACCOUNT} (\`accounts/${ACCOUNT}.yaml\` with \`models/core.yaml\`)`);
    expect(comment).toContain(`#### ${SECOND} (\`accounts/${SECOND}.yaml\` with \`models/core.yaml\`)`);
    await w.bob.approve(w.repo, intent);
    await w.bob.merge(w.repo, intent);

    // propose keeps one pull request per account, each made from that account's resolved portfolio,
    // and reads both accounts in one gateway session.
    const connections = w.sim.stats().connections;
    const proposed = await w.run(["propose"]);
    expect(proposed.code).toBe(0);
    expect(w.sim.stats().connections - connections).toBe(1);
    const pulls = (account: string) =>
      w.repo.pulls.filter(
        (p) => p.author === BOT && p.head === `folioctl/rebalance/${account}` && p.state === "open",
      );
    expect(pulls(ACCOUNT)).toHaveLength(1);
    expect(pulls(SECOND)).toHaveLength(1);
    const first = await planOn(w, ACCOUNT);
    const second = await planOn(w, SECOND);
    const onMain = async (path: string) => sha256Of(Buffer.from((await w.mainFile(path)) ?? "", "utf8"));
    expect(first.portfolioHash).toBe(
      accountIntentHash(await onMain(`accounts/${ACCOUNT}.yaml`), "core", await onMain("models/core.yaml")),
    );
    expect(second.portfolioHash).toBe(
      accountIntentHash(await onMain(`accounts/${SECOND}.yaml`), "core", await onMain("models/core.yaml")),
    );

    // Both are approved and merged; one push brings both plans to main.
    const before = (await w.repo.git.branchSha("main")) ?? "";
    for (const account of [ACCOUNT, SECOND]) {
      const number = pulls(account)[0]?.number ?? 0;
      await w.alice.approve(w.repo, number);
      await w.bob.merge(w.repo, number);
    }
    const after = (await w.repo.git.branchSha("main")) ?? "";
    const applied = await w.run(["apply", "--on-merge", "--before", before, "--sha", after], APPLY);
    expect(applied.stderr).not.toContain("refused");
    expect(applied.code).toBe(0);

    // Each plan's orders went out once, each to its own account, and each account has its ledger record.
    for (const plan of [first, second]) {
      const ref = `folioctl:${plan.hash.slice(0, 12)}:`;
      const sent = w.sim.orders().filter((o) => o.orderRef.startsWith(ref));
      expect(sent.map((o) => o.orderRef).sort()).toEqual(plan.orders.map((o) => `${ref}${o.leg}`).sort());
      expect(sent.every((o) => o.account === plan.account)).toBe(true);
      const ledger = await w.filesOnMain(`ledger/${plan.account}`);
      expect(ledger).toHaveLength(1);
      const record = JSON.parse((await w.mainFile(ledger[0] ?? "")) ?? "{}") as {
        outcome: string;
        planHash: string;
      };
      expect(record).toMatchObject({ outcome: "applied", planHash: plan.hash });
    }
    expect(w.sim.orders()).toHaveLength(first.orders.length + second.orders.length);
  });

  it("a change to one account file proposes a new plan for that account only", async () => {
    const w = await twoAccountWorld();
    await w.mergeIntentFiles({ "models/core.yaml": model(EXAMPLE) });
    expect((await w.run(["propose"])).code).toBe(0);
    const first = await planOn(w, ACCOUNT);
    const second = await planOn(w, SECOND);

    await w.mergeIntentFiles({ [`accounts/${SECOND}.yaml`]: `${SECOND_FILE}cash:\n  minimum: 100\n` });
    const again = await w.run(["propose"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      `keeps plan ${first.hash.slice(0, 12)}: it is still good; nothing changed`,
    );
    expect(again.stdout).toContain(
      `accounts/${SECOND}.yaml with models/core.yaml on main changed since the plan was made`,
    );
    expect((await planOn(w, SECOND)).hash).not.toBe(second.hash);
    expect((await planOn(w, ACCOUNT)).hash).toBe(first.hash);
  });

  it("reports an account it cannot plan, proposes the others, and fails the run", async () => {
    const w = await twoAccountWorld();
    // An account this login does not manage, and an account file naming a model that is not there.
    await w.mergeIntentFiles({
      "models/core.yaml": model(EXAMPLE),
      "accounts/DU5555555.yaml": "account: DU5555555\nmodel: core\n",
      "accounts/DU6666666.yaml": "account: DU6666666\nmodel: growth\n",
    });
    const run = await w.run(["propose", "--json"]);
    expect(run.code).toBe(1);
    // The one session for all accounts fails on the account the login does not manage: each is read alone.
    expect(run.stderr).toMatch(
      /propose: reading 3 accounts in one session failed \(.*DU5555555.*\); reading each alone/,
    );
    expect(run.stderr).toContain("folioctl: error: DU5555555: ");
    expect(run.stderr).toContain("folioctl: error: DU6666666: accounts/DU6666666.yaml at ");
    expect(run.stderr).toContain("accounts/DU6666666.yaml:2:8: error: model: there is no model `growth`");
    const json = JSON.parse(run.stdout) as { accounts: { account: string; action: string }[] };
    expect(json.accounts.map((a) => [a.account, a.action])).toEqual([
      [ACCOUNT, "opened"],
      ["DU5555555", "failed"],
      ["DU6666666", "failed"],
      [SECOND, "opened"],
    ]);
    expect(w.repo.pulls.filter((p) => p.author === BOT && p.state === "open")).toHaveLength(2);
  });

  it("closes the open pull request of an account whose file left main, and keeps the other's", async () => {
    const w = await twoAccountWorld();
    await w.mergeIntentFiles({ "models/core.yaml": model(EXAMPLE) });
    expect((await w.run(["propose"])).code).toBe(0);
    const open = (account: string) =>
      w.repo.pulls.find((p) => p.head === `folioctl/rebalance/${account}` && p.state === "open");
    const orphan = open(SECOND)?.number;
    expect(orphan).toBeDefined();
    const leaving = await w.openIntent({ [`accounts/${SECOND}.yaml`]: null }, "Stop managing DU7654321");
    await w.bob.approve(w.repo, leaving);
    await w.bob.merge(w.repo, leaving);

    const run = await w.run(["propose", "--json"]);
    expect(run.code).toBe(0);
    expect(open(SECOND)).toBeUndefined();
    expect(open(ACCOUNT)).toBeDefined();
    const closing = w.repo.comments.find((c) => c.issueNumber === orphan && c.body.includes("Closing:"));
    expect(closing?.body).toContain(`${SECOND} is no longer an account on main`);
    const json = JSON.parse(run.stdout) as { accounts: { account: string; action: string }[] };
    expect(json.accounts.map((a) => [a.account, a.action])).toEqual([
      [ACCOUNT, "kept"],
      [SECOND, "closed"],
    ]);
  });

  it("refuses the plan of an account whose file left main, and applies the other account's", async () => {
    const w = await twoAccountWorld();
    await w.mergeIntentFiles({ "models/core.yaml": model(EXAMPLE) });
    expect((await w.run(["propose"])).code).toBe(0);
    const first = await planOn(w, ACCOUNT);
    const numbers = [ACCOUNT, SECOND].map(
      (account) =>
        w.repo.pulls.find((p) => p.head === `folioctl/rebalance/${account}` && p.state === "open")?.number ??
        0,
    );
    // The second account leaves the repository while its plan waits for review; preview says so.
    const leaving = await w.openIntent({ [`accounts/${SECOND}.yaml`]: null }, "Stop managing DU7654321");
    const preview = await w.run(["preview", "--pr", String(leaving)], { FOLIOCTL_CLIENT_ID: "21" });
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain(
      `It removes the account ${SECOND}: once it is merged, nothing is proposed`,
    );
    await w.bob.approve(w.repo, leaving);
    await w.bob.merge(w.repo, leaving);
    const before = (await w.repo.git.branchSha("main")) ?? "";
    for (const number of numbers) {
      await w.alice.approve(w.repo, number);
      await w.bob.merge(w.repo, number);
    }
    const after = (await w.repo.git.branchSha("main")) ?? "";
    const run = await w.run(["apply", "--on-merge", "--before", before, "--sha", after], APPLY);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      `folioctl: refused (intent-changed): accounts/${SECOND}.yaml is no longer on main`,
    );
    expect(w.sim.orders().filter((o) => o.account === SECOND)).toEqual([]);
    expect(
      w.sim
        .orders()
        .map((o) => o.orderRef)
        .sort(),
    ).toEqual(first.orders.map((o) => `folioctl:${first.hash.slice(0, 12)}:${o.leg}`).sort());
    expect(await w.filesOnMain(`ledger/${ACCOUNT}`)).toHaveLength(1);
  });
});
