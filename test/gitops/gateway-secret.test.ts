// The gateway's address is a secret of the workflows: when the gateway does not answer, what folioctl
// writes to GitHub (comments, statuses, pull requests, the ledger and every commit) names it only as
// FOLIOCTL_GATEWAY, and so does the job's log.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { EXAMPLE, LoopWorld, portfolioYaml, stopLoopWorlds } from "./support/loop-world.js";

const execFileAsync = promisify(execFile);
// A loopback address nothing listens on, distinctive enough to search for.
const HOST = "127.0.0.77";
const UNREACHABLE = { FOLIOCTL_GATEWAY: `${HOST}:9`, FOLIOCTL_CLIENT_ID: "23" };

afterEach(stopLoopWorlds);

/** Every request body GitHub received, and every commit message and change on every ref, as text. */
async function everythingGitHubHolds(w: LoopWorld): Promise<string> {
  const bodies = w.github.requests().map((request) => JSON.stringify(request.body ?? null));
  const { stdout } = await execFileAsync(
    "git",
    ["--git-dir", w.repo.git.gitDir, "log", "--all", "-p", "--format=%H%n%B"],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return [...bodies, stdout].join("\n");
}

describe("an unreachable gateway", () => {
  it("is never named by its address: not by propose, nor by apply --on-merge, its report or its ledger", async () => {
    const w = await LoopWorld.start();
    await w.mergeIntent(portfolioYaml(EXAMPLE));
    await w.run(["propose"]);
    const number = w.openBotPull()?.number ?? 0;
    await w.alice.approve(w.repo, number);
    const sha = await w.bob.merge(w.repo, number);

    const proposed = await w.run(["propose"], UNREACHABLE);
    const applied = await w.run(["apply", "--on-merge", "--sha", sha], UNREACHABLE);

    expect(proposed.code).not.toBe(0);
    expect(applied.code).not.toBe(0);
    // Both failed at the gateway, which they name by its setting.
    expect(proposed.stderr).toContain("FOLIOCTL_GATEWAY");
    expect(applied.stderr).toContain("FOLIOCTL_GATEWAY");
    expect(await everythingGitHubHolds(w)).not.toContain(HOST);
    expect(`${proposed.stdout}${proposed.stderr}${applied.stdout}${applied.stderr}`).not.toContain(HOST);
    // The failure was reported where people look, by the neutral name.
    const report = w.repo.comments
      .filter((c) => c.issueNumber === number)
      .map((c) => c.body)
      .join("\n");
    expect(report).toContain("the IB Gateway (FOLIOCTL_GATEWAY)");
    expect(w.sim.orders()).toEqual([]);
  });
});
