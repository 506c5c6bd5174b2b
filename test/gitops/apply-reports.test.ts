// What apply leaves behind after a merge, through reportApply and reportSuperseded: the ledger record on
// main (named by its finish time and plan, never over another run's), the report comment, the state
// label, the commit status, and, when main refuses the record, the record whole where people look.
// One world for the file: a person's merged pull request and the bot's, on the fake GitHub and a clone.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LEDGER_SCHEMA_VERSION, type LedgerRecord } from "../../src/apply/ledger.js";
import type { Refusal } from "../../src/apply/refusal.js";
import { createGitHubForge } from "../../src/forge/create-github-forge.js";
import type { Forge, PullRequest } from "../../src/forge/forge.js";
import { GitError } from "../../src/errors.js";
import { SimpleGitRepo } from "../../src/git/simple-git-repo.js";
import { reportApply, type ApplyReportInput } from "../../src/gitops/report-apply.js";
import { reportSuperseded } from "../../src/gitops/report-superseded.js";
import { ACCOUNT, EXAMPLE, LoopWorld, portfolioYaml, stopLoopWorlds } from "./support/loop-world.js";

let w: LoopWorld;
let forge: Forge;
let repo: SimpleGitRepo;
/** The bot's merged rebalance pull request, and a person's merged one. */
let botPull: PullRequest;
let personPull: PullRequest;

beforeAll(async () => {
  w = await LoopWorld.start();
  const intent = await w.mergeIntent(portfolioYaml(EXAMPLE));
  expect((await w.run(["propose"])).code).toBe(0);
  const number = w.openBotPull()?.number;
  if (number === undefined) throw new Error("propose opened no pull request");
  await w.alice.approve(w.repo, number);
  const sha = await w.bob.merge(w.repo, number);
  forge = createGitHubForge(w.env);
  botPull = (await forge.findMergedPullRequestForCommit(sha))!;
  personPull = (await forge.findMergedPullRequestForCommit(intent.sha))!;
  repo = await SimpleGitRepo.open(w.clone, { clock: { now: () => new Date() } });
  await repo.fetch();
});
afterAll(stopLoopWorlds);

const git = promisify(execFile);
const gitIn = (args: string[]) => git("git", args, { cwd: w.clone, env: w.env });
let scratch = 0;
/** A new commit on the fake GitHub (statuses are only set on commits it has). */
const aCommit = () => w.alice.push(w.repo, { branch: "scratch", files: { "scratch.txt": `${++scratch}\n` } });

const HASH = "ab12cd34ef56".padEnd(64, "0");

function record(over: Partial<LedgerRecord> = {}): LedgerRecord {
  return {
    schemaVersion: LEDGER_SCHEMA_VERSION,
    account: ACCOUNT,
    baseCurrency: "USD",
    planHash: HASH,
    planCreatedAt: "2026-11-24T15:00:00Z",
    sourceCommit: null,
    toolVersion: "test",
    startedAt: "2026-11-24T15:01:00.000Z",
    finishedAt: "2026-11-24T15:02:03.456Z",
    outcome: "applied",
    refusal: null,
    error: null,
    orders: [],
    totals: {
      legs: 2,
      filled: 2,
      partial: 0,
      unfilled: 0,
      rejected: 0,
      notSent: 0,
      boughtValue: 0,
      soldValue: 0,
      commissions: 1.5,
    },
    drift: { before: 6, planned: 1, after: 1.1 },
    ...over,
  };
}

const REFUSAL: Refusal = { reason: "stale", message: "VTI moved", hint: "Propose again." };

function report(input: Partial<ApplyReportInput>, sha: string) {
  const lines: string[] = [];
  const summaries: string[] = [];
  const deps = {
    forge,
    repo,
    log: (line: string) => lines.push(line),
    stepSummary: async (markdown: string) => void summaries.push(markdown),
  };
  const run = reportApply(deps, { account: ACCOUNT, sha, labelPull: true, ...input });
  return { run, lines, summaries, sha };
}

const statusOf = (sha: string) => w.repo.statuses.filter((s) => s.sha === sha).at(-1);
const commentOn = (number: number) =>
  w.repo.comments.filter((c) => c.issueNumber === number && c.body.includes("apply-report")).at(-1)?.body;
const labelsOf = (number: number) => w.repo.pulls.find((p) => p.number === number)?.labels ?? [];

describe("reportApply", () => {
  it("commits the record under its finish time and plan, comments, labels and sets the status", async () => {
    const sha = await aCommit();
    const { run, lines, summaries } = report(
      { pull: botPull, record: record(), runUrl: "https://run/1" },
      sha,
    );
    const done = await run;

    const path = `ledger/${ACCOUNT}/20261124T150203Z-ab12cd34ef56.json`;
    expect(done.problems).toEqual([]);
    expect(done.ledger).toMatchObject({ path, committed: true });
    const main = await repo.fetch();
    expect(done.ledger?.sha).toBe(main);
    expect(lines).toEqual([`apply: ledger ${path} committed on main at ${main.slice(0, 12)}`]);
    expect(Buffer.from((await repo.readFile(main, path))!).toString()).toBe(
      `${JSON.stringify(record(), null, 2)}\n`,
    );
    const { stdout: message } = await gitIn(["log", "-1", "--format=%B", main]);
    expect(message.trim()).toBe(
      `folioctl ledger: applied plan ab12cd34ef56 for ${ACCOUNT} from #${botPull.number}\n\n` +
        "2/2 legs filled, commissions 1.50 USD.",
    );
    expect(statusOf(sha)).toMatchObject({
      state: "success",
      context: `folioctl/apply (${ACCOUNT})`,
      description: "applied in full: 2/2 legs filled",
      targetUrl: "https://run/1",
    });
    const ledgerLine = `<sub>ledger: \`${path}\` at ${main.slice(0, 12)} · merge commit ${sha.slice(0, 12)}</sub>`;
    expect(commentOn(botPull.number)).toContain(ledgerLine);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toContain(ledgerLine);
    expect(summaries[0]!.endsWith("</sub>\n\n")).toBe(true);
    expect(labelsOf(botPull.number)).toContain("folioctl: applied");
  });

  it("finds the same record already on main, and gives a second run of the same second its own name", async () => {
    const again = report({ record: record() }, await aCommit());
    expect((await again.run).ledger).toMatchObject({ committed: false });
    expect(again.lines[0]).toMatch(/^apply: ledger \S+ already on main at [0-9a-f]{12}$/);

    const second = report(
      { record: record({ outcome: "partial", totals: { ...record().totals, filled: 1 } }) },
      await aCommit(),
    );
    const done = await second.run;
    expect(done.ledger).toMatchObject({
      path: `ledger/${ACCOUNT}/20261124T150203Z-ab12cd34ef56-2.json`,
      committed: true,
    });
    expect(statusOf(second.sha)).toMatchObject({
      state: "failure",
      description: "partly applied: 1/2 legs filled",
    });
    const third = report(
      { record: record({ outcome: "refused", refusal: { ...REFUSAL, differences: [] } }) },
      await aCommit(),
    );
    expect((await third.run).ledger?.path).toBe(`ledger/${ACCOUNT}/20261124T150203Z-ab12cd34ef56-3.json`);
    const { stdout } = await gitIn(["log", "-1", "--format=%s", await repo.fetch()]);
    expect(stdout.trim()).toBe(`folioctl ledger: refused (stale) plan ab12cd34ef56 for ${ACCOUNT}`);
    expect(statusOf(third.sha)).toMatchObject({ description: "refused (stale): nothing was sent" });
  });

  it("describes each outcome in the commit status, linking the pull request without a run", async () => {
    const at = (n: number) => `2026-11-24T16:0${n}:00.000Z`;
    const cases: Array<[Partial<LedgerRecord>, string, string]> = [
      [{ outcome: "already-applied" }, "success", "already applied: nothing was sent"],
      [{ outcome: "error", error: "the gateway went away" }, "error", "failed: the gateway went away"],
      [{ outcome: "error" }, "error", "failed: see the run's log"],
      [{ outcome: "refused" }, "failure", "refused (?): nothing was sent"],
    ];
    for (const [i, [over, state, description]] of cases.entries()) {
      const sha = await aCommit();
      await report(
        { pull: personPull, labelPull: false, record: record({ ...over, finishedAt: at(i) }) },
        sha,
      ).run;
      expect(statusOf(sha)).toMatchObject({ state, description, targetUrl: personPull.url });
    }
    // A person's pull request is never labelled.
    expect(labelsOf(personPull.number).filter((l) => l.startsWith("folioctl"))).toEqual([]);
  });

  it("reports a refusal without a record: comment, label and status say why and what to do", async () => {
    const sha = await aCommit();
    const { run, summaries } = report({ pull: botPull, refusal: { ...REFUSAL, reason: "tampered" } }, sha);
    const done = await run;
    expect(done).toEqual({ problems: [] });
    const text =
      `### Apply for ${ACCOUNT}: refused (tampered): nothing was sent\n\nVTI moved\n\n` +
      `**What to do:** Propose again.\n\n<sub>merge commit ${sha.slice(0, 12)}</sub>\n`;
    expect(summaries).toEqual([`${text}\n`]);
    expect(commentOn(botPull.number)).toContain(text);
    expect(labelsOf(botPull.number)).toContain("folioctl: refused");
    expect(statusOf(sha)).toMatchObject({
      state: "failure",
      description: "refused (tampered): nothing was sent",
    });

    const bare = report({}, await aCommit());
    await bare.run;
    expect(bare.summaries[0]).toContain(
      `refused (error): nothing was sent\n\n\n\n**What to do:** see the run's log\n`,
    );
    expect(statusOf(bare.sha)).toMatchObject({ description: "refused (error): nothing was sent" });
  });

  it("keeps a record main refuses whole in the summary, the comment and the log, naming the ruleset", async () => {
    await w.repo.git.refusePushesByRuleset("refs/heads/main", "https://github.com/acme/ops/rules");
    try {
      const refused = record({ finishedAt: "2026-11-24T17:00:00.000Z", orders: [] });
      const content = `${JSON.stringify(refused, null, 2)}\n`;
      const path = `ledger/${ACCOUNT}/20261124T170000Z-ab12cd34ef56.json`;
      const { run, lines, summaries } = report({ pull: botPull, record: refused }, await aCommit());
      const done = await run;
      expect(done.ledger).toBeUndefined();
      expect(done.unrecorded).toEqual({ path, content });
      expect(done.problems).toHaveLength(1);
      expect(done.problems[0]).toMatch(
        new RegExp(
          `^main refused the ledger record ${path} \\(.*repository rule violations.*\\)\\. A ruleset on main ` +
            "does not let the folioctl GitHub App push: add the App to the bypass list \\(Always allow\\) of " +
            "every ruleset that targets main, the organisation's rulesets included \\(docs/operations.md, " +
            `section 6\\)\\. The record is not lost: it is, whole, in the job summary, the report on #${botPull.number} and the log$`,
          "s",
        ),
      );
      expect(lines).toEqual([`apply: ${done.problems[0]}`, JSON.stringify(refused)]);
      const section =
        `\n**The ledger record is not on main**: main refused it. Commit it as \`${path}\` on main, byte for ` +
        "byte, before anything else is applied for this account: without it a later apply could send these " +
        `orders again.\n\n<details><summary>${path}</summary>\n\n\`\`\`json\n${content}\`\`\`\n</details>\n`;
      expect(summaries[0]).toContain(section);
      expect(commentOn(botPull.number)).toContain(section);

      // Without a summary or a pull request, the log alone keeps it.
      const alone = await reportApply(
        { forge, repo, log: () => undefined },
        { account: ACCOUNT, sha: await aCommit(), labelPull: false, record: refused },
      );
      expect(alone.problems).toHaveLength(1);
      expect(alone.problems[0]).toMatch(/The record is not lost: it is, whole, in the log$/);
    } finally {
      await w.repo.git.liftRuleset("refs/heads/main");
    }
  });

  it("points to the job summary for a refused record too long for a comment, fenced past its backticks", async () => {
    await w.repo.git.refusePushesByRuleset("refs/heads/main", "https://github.com/acme/ops/rules");
    try {
      const fenced = record({ finishedAt: "2026-11-24T18:00:00.000Z", error: "a ```` fence" });
      const short = report({ pull: botPull, record: fenced }, await aCommit());
      await short.run;
      expect(short.summaries[0]).toContain(
        `\`\`\`\`\`json\n${JSON.stringify(fenced, null, 2)}\n\`\`\`\`\`\n`,
      );

      const long = record({ finishedAt: "2026-11-24T18:00:01.000Z", error: "x".repeat(50_000) });
      const size = `${JSON.stringify(long, null, 2)}\n`.length;
      const { run, summaries } = report({ pull: botPull, record: long }, await aCommit());
      await run;
      const pointer = `\nThe record (${size} characters) is too long for a comment: it is in the job summary of the run.\n`;
      expect(commentOn(botPull.number)).toContain(pointer);
      expect(summaries[0]).not.toContain(pointer);
      expect(summaries[0]).toContain("x".repeat(50_000));
    } finally {
      await w.repo.git.liftRuleset("refs/heads/main");
    }
  });

  it("says why a record could not be committed, with the git error's hint, when main is out of reach", async () => {
    const dir = await w.cloneAgain("unreachable");
    await gitIn(["-C", dir, "remote", "set-url", "origin", `${w.root}/no-such-remote.git`]);
    const cut = await SimpleGitRepo.open(dir, { clock: { now: () => new Date() } });
    const lines: string[] = [];
    const done = await reportApply(
      { forge, repo: cut, log: (line) => lines.push(line) },
      { account: ACCOUNT, sha: await aCommit(), labelPull: false, record: record() },
    );
    const path = `ledger/${ACCOUNT}/20261124T150203Z-ab12cd34ef56.json`;
    expect(done.unrecorded?.path).toBe(path);
    expect(done.problems[0]).toMatch(
      new RegExp(
        `^could not commit the ledger record ${path} to main: .+ \\(.+\\)\\. The record is not lost: it is, whole, in the log$`,
        "s",
      ),
    );
  });

  it("says why a record could not be committed without a hint when the error has none", async () => {
    const clone = await SimpleGitRepo.open(await w.cloneAgain("failing"), {
      clock: { now: () => new Date() },
    });
    // The same clone, whose commit of the record fails with an error that carries no hint.
    const failing = Object.create(clone) as SimpleGitRepo;
    failing.commitLedger = () => Promise.reject(new GitError("no space left on device"));
    const done = await reportApply(
      { forge, repo: failing, log: () => undefined },
      { account: ACCOUNT, sha: await aCommit(), labelPull: false, record: record() },
    );
    const path = `ledger/${ACCOUNT}/20261124T150203Z-ab12cd34ef56.json`;
    expect(done.problems[0]).toBe(
      `could not commit the ledger record ${path} to main: no space left on device. The record is not lost: it is, whole, in the log`,
    );
  });

  it("names the record by its finish time and plan when main cannot be read in the clone, and commits it", async () => {
    // A clone that has lost its copy of main: the names taken on main cannot be looked up before the commit.
    const dir = await w.cloneAgain("without-main");
    await gitIn(["-C", dir, "update-ref", "-d", "refs/remotes/origin/main"]);
    const lost = await SimpleGitRepo.open(dir, { clock: { now: () => new Date() } });
    const done = await reportApply(
      { forge, repo: lost, log: () => undefined },
      {
        account: ACCOUNT,
        sha: await aCommit(),
        labelPull: false,
        record: record({ finishedAt: "2026-11-24T20:00:00.000Z" }),
      },
    );
    expect(done).toStrictEqual({
      problems: [],
      ledger: {
        path: `ledger/${ACCOUNT}/20261124T200000Z-ab12cd34ef56.json`,
        sha: await repo.fetch(),
        committed: true,
      },
    });
  });

  it("returns what it could not do, one sentence each, and still does the rest", async () => {
    const gone = { ...botPull, number: 9999 };
    const sha = await aCommit();
    const { run, lines } = report({ pull: gone, refusal: REFUSAL }, sha);
    const done = await run;
    expect(done.problems.map((p) => p.split(":")[0])).toEqual(["comment the report on #9999", "label #9999"]);
    expect(lines).toEqual(done.problems.map((p) => `apply: could not ${p}`));
    expect(statusOf(sha)).toMatchObject({ description: "refused (stale): nothing was sent" });
  });
});

describe("reportApply's labels and failures", () => {
  it("labels the bot's pull request applied after a partial or repeated apply, and leaves it after an error", async () => {
    const label = async (over: Partial<LedgerRecord>, n: number) => {
      await forge.setStateLabel(botPull.number, "pending");
      const finishedAt = `2026-11-24T19:00:0${n}.000Z`;
      await report({ pull: botPull, record: record({ ...over, finishedAt }) }, await aCommit()).run;
      return labelsOf(botPull.number).filter((l) => l.startsWith("folioctl: "));
    };
    expect(await label({ outcome: "partial" }, 1)).toEqual(["folioctl: applied"]);
    expect(await label({ outcome: "already-applied" }, 2)).toEqual(["folioctl: applied"]);
    expect(await label({ outcome: "error", error: "lost" }, 3)).toEqual(["folioctl: pending"]);
  });

  it("carries the report's marker once, and names each step that failed", async () => {
    const marker = "<!-- folioctl:comment apply-report -->";
    await report({ pull: botPull, record: record() }, await aCommit()).run;
    const body = commentOn(botPull.number) ?? "";
    expect(body.split(marker)).toHaveLength(2);
    // The report itself follows the marker: its headline, nothing in between.
    expect(body.slice(body.indexOf(marker) + marker.length).trimStart()).toMatch(/^### /);

    const lines: string[] = [];
    const done = await reportApply(
      {
        forge,
        repo,
        log: (line) => lines.push(line),
        stepSummary: () => Promise.reject(new Error("the summary file is gone")),
      },
      { account: ACCOUNT, sha: "7".repeat(40), labelPull: false, refusal: REFUSAL },
    );
    expect(done.problems.map((p) => p.split(": ")[0])).toEqual([
      "write the job summary",
      "set the status of 777777777777",
    ]);
    expect(done.problems[0]).toBe("write the job summary: the summary file is gone");
  });
});

describe("reportSuperseded", () => {
  const deps = () => {
    const lines: string[] = [];
    return { deps: { forge, log: (l: string) => lines.push(l), sleep: async () => undefined }, lines };
  };

  it("comments, labels the bot's pull request refused, and fails the plan commit's status", async () => {
    const by = "f6".repeat(20);
    const sha = botPull.mergeCommitSha!;
    const { deps: d } = deps();
    const result = await reportSuperseded(d, { sha, account: ACCOUNT, by }, "https://run/2");
    expect(result).toMatchObject({
      sha,
      account: ACCOUNT,
      by,
      pull: { number: botPull.number },
      problems: [],
    });
    expect(commentOn(botPull.number)).toContain(
      `### Apply for ${ACCOUNT}: superseded: nothing was sent\n\nThe plan merged here (commit ${sha.slice(0, 12)}) ` +
        `reached main in the same push as a newer plan for ${ACCOUNT} (commit ${by.slice(0, 12)}), which is the ` +
        "one applied: only the newest plan of an account in a push is applied, since it was made from the later " +
        "state of the account.\n\n**What to do:** nothing for this pull request; see the report on the newer " +
        "plan's pull request.\n",
    );
    expect(commentOn(botPull.number)?.endsWith("see the report on the newer plan's pull request.\n")).toBe(
      true,
    );
    expect(labelsOf(botPull.number)).toContain("folioctl: refused");
    expect(statusOf(sha)).toMatchObject({
      state: "failure",
      context: `folioctl/apply (${ACCOUNT})`,
      description: `superseded by ${by.slice(0, 12)} in the same push: nothing was sent`,
      targetUrl: "https://run/2",
    });
  });

  it("does not label a person's pull request, and sets no link without a run", async () => {
    await forge.setStateLabel(personPull.number, "pending").catch(() => undefined);
    const before = [...labelsOf(personPull.number)];
    const sha = personPull.mergeCommitSha!;
    const { deps: d } = deps();
    await reportSuperseded(d, { sha, account: ACCOUNT, by: "0".repeat(40) }, undefined);
    expect(labelsOf(personPull.number)).toEqual(before);
    expect(statusOf(sha)?.targetUrl).toBeNull();
  });

  it("names no pull request for a commit none merged, and still fails the commit's status", async () => {
    const { deps: d } = deps();
    const sha = await aCommit();
    const by = "9".repeat(40);
    const result = await reportSuperseded(d, { sha, account: ACCOUNT, by }, undefined);
    expect(result).toStrictEqual({ sha, account: ACCOUNT, by, problems: [] });
    expect(statusOf(sha)).toMatchObject({
      state: "failure",
      description: "superseded by 999999999999 in the same push: nothing was sent",
    });
  });

  it("says the comment and the label failed when the token cannot tell whose it is, and still sets the status", async () => {
    // An App's installation token without FOLIOCTL_BOT_LOGIN: GitHub shows it no user (403).
    const anonymous = createGitHubForge({ ...w.env, FOLIOCTL_BOT_LOGIN: undefined });
    await forge.setStateLabel(botPull.number, "pending");
    const lines: string[] = [];
    const sha = botPull.mergeCommitSha!;
    const by = "e5".repeat(20);
    const result = await reportSuperseded(
      { forge: anonymous, log: (l) => lines.push(l), sleep: async () => undefined },
      { sha, account: ACCOUNT, by },
      undefined,
    );
    expect(result.pull?.number).toBe(botPull.number);
    // Whether the pull request is the bot's cannot be told either: the label is said to have failed.
    expect(result.problems).toEqual([
      `comment on #${botPull.number}: The token for acme/ops cannot tell which account it is (403).`,
      `label #${botPull.number}: The token for acme/ops cannot tell which account it is (403).`,
    ]);
    expect(lines).toEqual(result.problems.map((p) => `apply: could not ${p}`));
    expect(labelsOf(botPull.number).filter((l) => l.startsWith("folioctl: "))).toEqual(["folioctl: pending"]);
    expect(statusOf(sha)).toMatchObject({
      description: `superseded by ${by.slice(0, 12)} in the same push: nothing was sent`,
    });
  });

  it("says the label failed after the comment, and still sets the status", async () => {
    await forge.setStateLabel(botPull.number, "pending");
    w.github.failNext({ operationId: "issues/add-labels", status: 422, message: "Validation Failed" });
    const { deps: d } = deps();
    const sha = botPull.mergeCommitSha!;
    const by = "d4".repeat(20);
    const result = await reportSuperseded(d, { sha, account: ACCOUNT, by }, undefined);
    expect(result.problems).toEqual([
      expect.stringMatching(new RegExp(`^label #${botPull.number}: .*Validation Failed`)),
    ]);
    expect(commentOn(botPull.number)).toContain(`(commit ${by.slice(0, 12)})`);
    expect(statusOf(sha)).toMatchObject({
      description: `superseded by ${by.slice(0, 12)} in the same push: nothing was sent`,
    });
  });

  it("says each step it could not do, one sentence each, and still tries the next", async () => {
    const { deps: d, lines } = deps();
    // A commit GitHub does not have: neither its pull request nor its status can be had.
    const sha = "7".repeat(40);
    const result = await reportSuperseded(d, { sha, account: ACCOUNT, by: "8".repeat(40) }, undefined);
    expect(Object.keys(result)).not.toContain("pull");
    expect(result.problems.map((p) => p.split(": ")[0])).toEqual([
      "find the pull request of 777777777777",
      "set the status of 777777777777",
    ]);
    expect(lines.slice(-2)).toEqual(result.problems.map((p) => `apply: could not ${p}`));
  });
});
