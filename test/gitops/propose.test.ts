// `folioctl propose` beyond the main story: closing, the kill switch, repairs, and what it refuses to do.
import { afterEach, describe, expect, it } from "vitest";
import {
  ACCOUNT,
  BOT,
  BRANCH,
  EXAMPLE,
  IN_BAND,
  LoopWorld,
  stopLoopWorlds,
  PLAN_FILE,
  portfolioYaml,
} from "./support/loop-world.js";

afterEach(stopLoopWorlds);

async function start(portfolio = portfolioYaml(EXAMPLE)): Promise<LoopWorld> {
  return LoopWorld.start({ portfolio });
}

function botComments(w: LoopWorld, number: number): string[] {
  return w.repo.comments.filter((c) => c.issueNumber === number && c.author === BOT).map((c) => c.body);
}

describe("folioctl propose", () => {
  it("closes its open pull request with a comment when nothing is out of band any more", async () => {
    const w = await start();
    await w.run(["propose"]);
    const number = w.openBotPull()?.number ?? 0;

    // When the intent on main is changed to what the account already holds
    await w.mergeIntent(portfolioYaml(IN_BAND));
    const run = await w.run(["propose"]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `Closed #${number} for ${ACCOUNT}: Nothing to do: every holding is within its band`,
    );
    expect(w.botPulls().map((p) => p.state)).toEqual(["closed"]);
    expect(botComments(w, number)).toEqual([
      expect.stringMatching(
        /^<!-- folioctl:comment closing-[0-9a-f]{12} -->\nClosing: nothing to do for DU1234567 any more\. Nothing to do: every holding/,
      ),
    ]);
    // And a second run has nothing to close and writes nothing.
    const writes = w.writes().length;
    expect((await w.run(["propose"])).code).toBe(0);
    expect(w.writes().slice(writes)).toEqual([]);
  });

  it("proposes nothing while trading is suspended, and closes the pull request saying why", async () => {
    const w = await start();
    await w.run(["propose"]);
    const number = w.openBotPull()?.number ?? 0;

    await w.mergeIntent(portfolioYaml(EXAMPLE, (y) => y.replace("suspend: false", "suspend: true")));
    const run = await w.run(["propose"]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Closed #${number}`);
    expect(botComments(w, number)[0]).toMatch(
      /^<!-- folioctl:comment closing-[0-9a-f]{12} -->\nClosing: trading is suspended: portfolio\.yaml on main \(\w{12}\) has `suspend: true`/,
    );
    expect(w.openBotPull()).toBeUndefined();
    // The gateway was not even asked: nothing is planned while suspended.
    const again = await w.run(["propose"], { FOLIOCTL_GATEWAY: "127.0.0.1:1" });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Nothing proposed for ${ACCOUNT}: trading is suspended`);
  });

  it("puts back a hand-edited title and body without touching the plan or its branch", async () => {
    const w = await start();
    await w.run(["propose"]);
    const pull = w.openBotPull();
    const body = pull?.body;
    const head = await w.repo.git.branchSha(BRANCH);
    await w.alice.call("PATCH", `/repos/acme/ops/pulls/${pull?.number}`, { title: "mine now", body: "gone" });

    const run = await w.run(["propose"]);

    expect(run.code).toBe(0);
    expect(run.stderr).toContain("(title and body restored)");
    expect(w.openBotPull()).toMatchObject({ title: "Rebalance DU1234567: 1 sell, 2 buys", body });
    expect(await w.repo.git.branchSha(BRANCH)).toBe(head);
  });

  it("replaces a plan file edited on the branch with a fresh plan, on the same pull request", async () => {
    const w = await start();
    await w.run(["propose"]);
    const number = w.openBotPull()?.number;
    await w.alice.push(w.repo, { branch: BRANCH, files: { [PLAN_FILE]: "{}\n" } });

    const run = await w.run(["propose"]);

    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      new RegExp(
        `replacing plan on #${number}: the branch's head \\w{12} is not a plan commit folioctl made`,
      ),
    );
    expect(w.botPulls()).toHaveLength(1);
    // Force-pushed over the person's commit: the branch is main plus one plan commit again.
    const log = await w.repo.git.log(`refs/heads/${BRANCH}`, "%an %s");
    expect(log[0]).toMatch(/^folioctl\[bot\] folioctl plan \w{12} for DU1234567$/);
    expect(log.slice(1)).toEqual(["Alice Initial commit"]);
  });

  it("never takes over a person's pull request from the bot's branch", async () => {
    const w = await start();
    await w.alice.push(w.repo, { branch: BRANCH, files: { "notes.txt": "mine\n" } });
    const theirs = await w.alice.openPullRequest(w.repo, { head: BRANCH, title: "Mine" });

    const run = await w.run(["propose"]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`alice's pull request #${theirs.number} is already open from that branch`);
    expect(w.botPulls()).toEqual([]);
  });

  it("fails with every problem and its line when portfolio.yaml on main is invalid, changing nothing", async () => {
    const w = await start(portfolioYaml(EXAMPLE, (y) => y.replace("weight: 40 #", "weigth: 40 #")));

    const run = await w.run(["propose"]);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /portfolio\.yaml at \w{12} is not valid:\n {2}portfolio\.yaml:8:5: error: targets\[0\]\.weigth: unknown key/,
    );
    expect(w.writes()).toEqual([]);
  });

  it("says how to name a gateway when none is configured", async () => {
    const w = await start();

    const run = await w.run(["propose"], { FOLIOCTL_GATEWAY: "" });

    expect(run.code).toBe(64);
    expect(run.stderr).toContain("propose needs an IB Gateway: none is configured");
  });

  it("prints what it did as JSON", async () => {
    const w = await start();

    const run = await w.run(["propose", "--json"]);

    expect(run.code).toBe(0);
    const number = w.openBotPull()?.number;
    expect(JSON.parse(run.stdout)).toMatchObject({
      action: "opened",
      account: ACCOUNT,
      unchanged: false,
      pullRequest: { number, url: `${w.github.url}/acme/ops/pull/${number}` },
      orders: 3,
    });
  });
});
