import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { formatAge } from "../../src/cli/unlock.js";
import { SimpleGitRepo } from "../../src/git/simple-git-repo.js";
import { createGitSandbox, useSandboxHome } from "../support/git-fixtures.js";
import type { GitSandbox } from "../support/git-fixtures.js";
import { runCli } from "../support/run-cli.js";

const LOCK = "refs/folioctl/locks/DU1234567";
// Taken 2 days 3 h 30 min ago: the age shown reads "2 d 3 h ago" for the next half hour.
const TAKEN = new Date(Math.floor(Date.now() / 1000) * 1000 - ((2 * 24 + 3) * 3600 + 30 * 60) * 1000);

describe("folioctl unlock", () => {
  let sandbox: GitSandbox;
  let restoreHome: () => void;
  let clone: string;
  const folioctl = (args: string[], cwd = clone) =>
    runCli(["unlock", ...args], { cwd, env: { HOME: sandbox.home } });
  const holderRepo = async (at: Date) =>
    SimpleGitRepo.open(await sandbox.clone(`runner-${at.getTime()}`), { clock: { now: () => at } });
  const takeLock = async (at = TAKEN) =>
    (await holderRepo(at)).acquireLock({
      account: "DU1234567",
      holder: "apply on runner-1",
      runId: "https://ci/runs/77",
      heartbeatIntervalMs: 30_000,
    });

  beforeAll(async () => {
    // The CLI is tested as built; `npm test` builds before vitest runs.
    const { existsSync } = await import("node:fs");
    const { REPO_ROOT } = await import("../support/run-cli.js");
    if (!existsSync(`${REPO_ROOT}/dist/cli/unlock.js`))
      throw new Error("run `npm run build` before these tests");
  });
  beforeEach(async () => {
    sandbox = await createGitSandbox();
    restoreHome = useSandboxHome(sandbox);
    clone = await sandbox.clone("ops");
  });
  afterEach(async () => {
    restoreHome();
    await sandbox.cleanup();
  });

  it("says there is no lock and exits 0", async () => {
    const run = await folioctl(["DU1234567"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      "No lock for DU1234567: refs/folioctl/locks/DU1234567 on origin does not exist. Nothing to do.\n",
    );
    expect((await folioctl(["DU1234567", "--yes"])).code).toBe(0);
  });

  it("without --yes shows the holder, removes nothing and exits 1 with a hint", async () => {
    const lock = await takeLock();
    const run = await folioctl(["DU1234567"]);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      `refs/folioctl/locks/DU1234567 on origin is held by apply on runner-1 (run https://ci/runs/77) since ${TAKEN.toISOString()} (2 d 3 h ago), last heartbeat ${TAKEN.toISOString()} (2 d 3 h ago).\n`,
    );
    expect(run.stderr).toContain("folioctl: error: not removing the lock for DU1234567 without --yes");
    expect(run.stderr).toContain("hint: make sure run https://ci/runs/77 is no longer applying orders");
    expect(run.stderr).toContain("`folioctl unlock DU1234567 --yes`");
    expect(await sandbox.originRef(LOCK)).toBe(lock.sha);
  });

  it("with --yes removes the lock from the remote and says who held it since when", async () => {
    await takeLock();
    const run = await folioctl(["DU1234567", "--yes"]);

    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `Removed refs/folioctl/locks/DU1234567 on origin, held by apply on runner-1 (run https://ci/runs/77) since ${TAKEN.toISOString()} (2 d 3 h ago), last heartbeat ${TAKEN.toISOString()} (2 d 3 h ago).\n`,
    );
    expect(await sandbox.originRef(LOCK)).toBeNull();
  });

  it("takes the account id in any case, as IB's upper case", async () => {
    const lock = await takeLock();
    const shown = await folioctl(["du1234567"]);
    expect(shown.code).toBe(1);
    expect(shown.stdout).toContain("refs/folioctl/locks/DU1234567 on origin is held by apply on runner-1");
    expect(await sandbox.originRef(LOCK)).toBe(lock.sha);

    const removed = await folioctl(["du1234567", "--yes"]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/^Removed refs\/folioctl\/locks\/DU1234567 on origin/);
    expect(await sandbox.originRef(LOCK)).toBeNull();
  });

  it("with --yes refuses to remove the lock of a holder whose heartbeat is recent, naming it", async () => {
    const lock = await takeLock();
    // The holder has been running for two days and renewed its heartbeat just now.
    const renewed = await (await holderRepo(new Date())).heartbeatLock(lock);

    const run = await folioctl(["DU1234567", "--yes"]);

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^refs\/folioctl\/locks\/DU1234567 on origin is held by apply on runner-1 \(run https:\/\/ci\/runs\/77\) since .* \(2 d 3 h ago\), last heartbeat .* \(\d+ s ago\)\.\n$/,
    );
    expect(run.stderr).toContain(
      "folioctl: error: not removing the lock for DU1234567: its holder is still running",
    );
    expect(run.stderr).toContain("wait until its heartbeat is older than 90 s or use --yes --force");
    expect(await sandbox.originRef(LOCK)).toBe(renewed.sha);
  });

  it("with --yes --force removes a live holder's lock after a warning that orders may be sent twice", async () => {
    await takeLock(new Date());

    const run = await folioctl(["DU1234567", "--yes", "--force"]);

    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /^folioctl: warning: removing the lock of a holder that looks alive \(apply on runner-1/,
    );
    expect(run.stderr).toContain(
      "If run https://ci/runs/77 is still applying, the next apply for DU1234567 can send its orders a second time",
    );
    expect(run.stdout).toMatch(
      /^Removed refs\/folioctl\/locks\/DU1234567 on origin, held by apply on runner-1/,
    );
    expect(await sandbox.originRef(LOCK)).toBeNull();
  });

  it("without --yes says a live holder is running rather than suggesting to remove its lock", async () => {
    await takeLock(new Date());
    const run = await folioctl(["DU1234567"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("hint: its holder is running: wait for run https://ci/runs/77 to finish");
  });

  it("works from another directory with --repo and a named remote", async () => {
    await sandbox.git(clone, ["remote", "rename", "origin", "ops"]);
    await takeLock();
    const run = await folioctl(["DU1234567", "--repo", clone, "--remote", "ops", "--yes"], sandbox.root);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Removed refs\/folioctl\/locks\/DU1234567 on ops, held by apply on runner-1/);
    expect(await sandbox.originRef(LOCK)).toBeNull();
  });

  it("explains a directory that is not a clone of the ops repository", async () => {
    const run = await folioctl(["DU1234567", "--yes"], sandbox.home);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /folioctl: error: opening .* as a git repository failed: not a git repository/,
    );
    expect(run.stderr).toContain(
      "hint: run folioctl inside a clone of the ops repository or pass --repo DIR",
    );
  });

  it("rejects an account id that cannot be a ref name", async () => {
    const run = await folioctl(["../../heads/main", "--yes"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('"../../heads/main" is not a usable account id');
  });

  it("exits 64 without an account", async () => {
    const run = await folioctl([]);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain("missing required argument 'account'");
  });

  it("states a lock's age in the largest useful units", () => {
    expect(formatAge(42_000)).toBe("42 s ago");
    expect(formatAge(5 * 60_000 + 59_000)).toBe("5 min ago");
    expect(formatAge(3 * 3_600_000 + 7 * 60_000)).toBe("3 h 7 min ago");
    expect(formatAge(49 * 3_600_000)).toBe("2 d 1 h ago");
    expect(formatAge(-1000)).toBe("in the future: check the clocks");
  });
});
