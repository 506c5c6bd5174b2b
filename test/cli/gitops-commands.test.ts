// propose, preview and apply --on-merge through the built binary: the command lines the workflows use.
import { afterEach, describe, expect, it } from "vitest";
import { EXAMPLE, LoopWorld, portfolioYaml } from "../gitops/support/loop-world.js";
import { runCli } from "../support/run-cli.js";

let world: LoopWorld | undefined;

afterEach(async () => {
  const stopping = world;
  world = undefined;
  if (!stopping) return;
  await stopping.stop();
  stopping.github.assertNoViolations();
});

/** The environment of a run with nothing of GitHub's or folioctl's set, as on a fresh machine. */
const bare: Record<string, string | undefined> = Object.fromEntries(
  Object.keys(process.env)
    .filter((key) => /^(GITHUB_|FOLIOCTL_)/.test(key))
    .map((key) => [key, undefined]),
);

describe("the GitOps commands, as the workflows run them", () => {
  it("propose opens the pull request, then the apply workflow's command line applies the merge", async () => {
    const w = await LoopWorld.start();
    world = w;
    await w.mergeIntent(portfolioYaml(EXAMPLE));

    const proposed = await runCli(["propose"], { cwd: w.clone, env: { ...bare, ...w.env } });
    expect(proposed.stderr).toContain("opened #");
    expect(proposed.code).toBe(0);
    const number = w.openBotPull()?.number ?? 0;
    await w.alice.approve(w.repo, number);
    const sha = await w.bob.merge(w.repo, number);

    const applied = await runCli(["apply", "--on-merge"], {
      cwd: w.clone,
      env: { ...bare, ...w.env, GITHUB_SHA: sha, FOLIOCTL_CLIENT_ID: "23" },
      timeoutMs: 30_000,
    });
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain("applied in full");
    // Where the record went is said once.
    const ledgerLines = applied.stderr.split("\n").filter((line) => /ledger\/DU1234567\//.test(line));
    expect(ledgerLines).toHaveLength(1);
    expect(ledgerLines[0]).toMatch(
      /^apply: ledger ledger\/DU1234567\/\d{8}T\d{6}Z-[0-9a-f]{12}\.json committed on main at [0-9a-f]{12}$/,
    );
  }, 40_000);

  it("apply --on-merge needs the commit: --sha or GITHUB_SHA", async () => {
    const run = await runCli(["apply", "--on-merge"], { env: bare });
    expect(run.code).toBe(64);
    expect(run.stderr).toContain("apply --on-merge needs the commit pushed to main");

    const short = await runCli(["apply", "--on-merge", "--sha", "abc123"], { env: bare });
    expect(short.code).toBe(64);
    expect(short.stderr).toContain('--sha "abc123" is not a full commit sha');
  });

  it("apply takes either --plan or --on-merge", async () => {
    const both = await runCli(["apply", "--plan", "p.json", "--on-merge"], { env: bare });
    expect(both.code).toBe(64);
    expect(both.stderr).toMatch(/option '--plan <file>' cannot be used with option '--on-merge'/);

    const neither = await runCli(["apply"], { env: bare });
    expect(neither.code).toBe(64);
    expect(neither.stderr).toContain("apply needs the plan to execute");
  });

  it("apply --on-merge refuses a --require-approvals that is not a number", async () => {
    const run = await runCli(["apply", "--on-merge", "--sha", "a".repeat(40), "--require-approvals", "two"], {
      env: bare,
    });
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('--require-approvals "two" is not a whole number');
  });

  it("propose says which token variables it looked for", async () => {
    const run = await runCli(["propose", "--gateway", "127.0.0.1:4002"], { env: bare });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("No GitHub token: neither FOLIOCTL_GITHUB_TOKEN nor GITHUB_TOKEN is set.");
  });

  it("preview needs --pr", async () => {
    const run = await runCli(["preview"], { env: bare });
    expect(run.code).toBe(64);
    expect(run.stderr).toContain("required option '--pr <number>' not specified");
  });
});
