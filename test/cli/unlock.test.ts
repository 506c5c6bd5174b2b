import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { formatAge } from "../../src/cli/unlock.js";
import type { LockInfo } from "../../src/git/git-repo.js";
import { SimpleGitRepo } from "../../src/git/simple-git-repo.js";
import { createGitSandbox, useSandboxHome } from "../support/git-fixtures.js";
import type { GitSandbox } from "../support/git-fixtures.js";
import { runCli } from "../support/run-cli.js";

const LOCK = "refs/folioctl/locks/DU1234567";
// Taken 2 days 3 h 30 min ago: the age shown reads "2 d 3 h ago" for the next half hour.
const TAKEN = new Date(Math.floor(Date.now() / 1000) * 1000 - ((2 * 24 + 3) * 3600 + 30 * 60) * 1000);
const HOUR = 3_600_000;

describe("folioctl unlock", () => {
  let sandbox: GitSandbox;
  let restoreHome: () => void;
  let clone: string;
  let waited: number[];
  let clones = 0;

  /**
   * `folioctl unlock` in this process. Its waits on this machine's clock are `sleep`: by default they
   * pass at once with nothing happening (a dead holder); a test can make a holder beat in one instead.
   */
  const folioctl = async (
    args: string[],
    options: { cwd?: string; sleep?: (ms: number) => Promise<void> } = {},
  ) => {
    let stdout = "";
    let stderr = "";
    const code = await main(["unlock", ...args], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: { ...process.env, HOME: sandbox.home },
      cwd: options.cwd ?? clone,
      debug: false,
      sleep: async (ms) => {
        waited.push(ms);
        await options.sleep?.(ms);
      },
    });
    return { code, stdout, stderr };
  };
  /** The holder's own clone, on its own clock (which may be off this machine's). */
  const holderRepo = async (clock: () => Date) =>
    SimpleGitRepo.open(await sandbox.clone(`runner-${++clones}`), {
      clock: { now: clock },
    });
  const takeLock = async (at = TAKEN, intervalMs = 30_000) =>
    (await holderRepo(() => at)).acquireLock({
      account: "DU1234567",
      holder: "apply on runner-1",
      runId: "https://ci/runs/77",
      heartbeatIntervalMs: intervalMs,
    });

  // One origin and one clone for the file: every test starts from an origin without the lock, as the
  // one before left it, and a test that changes the clone itself makes its own.
  beforeAll(async () => {
    sandbox = await createGitSandbox();
    restoreHome = useSandboxHome(sandbox);
    clone = await sandbox.clone("ops");
  });
  beforeEach(() => {
    waited = [];
  });
  afterEach(async () => {
    await sandbox.git(sandbox.origin, ["update-ref", "-d", LOCK]);
    expect(await sandbox.git(sandbox.origin, ["for-each-ref", "refs/folioctl/"])).toBe("");
  });
  afterAll(async () => {
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
    expect(waited).toEqual([]);
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
    expect(run.stderr).toContain(
      "`folioctl unlock DU1234567 --yes`: it watches the lock for 90 s and removes it only if its heartbeat stood still",
    );
    expect(await sandbox.originRef(LOCK)).toBe(lock.sha);
    expect(waited).toEqual([]);
  });

  it("with --yes watches the heartbeat for three intervals, then removes a lock that stood still and says whose it was", async () => {
    await takeLock();
    const run = await folioctl(["DU1234567", "--yes"]);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe(
      "folioctl: watching refs/folioctl/locks/DU1234567 on origin for up to 90 s: a running holder " +
        "rewrites its heartbeat every 30 s\n",
    );
    expect(waited).toEqual([30_000, 30_000, 30_000]);
    expect(run.stdout).toBe(
      `Removed refs/folioctl/locks/DU1234567 on origin, held by apply on runner-1 (run https://ci/runs/77) since ${TAKEN.toISOString()} (2 d 3 h ago), last heartbeat ${TAKEN.toISOString()} (2 d 3 h ago): its heartbeat stood still for 90 s.\n`,
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

  it("with --yes keeps the lock of a holder whose heartbeat moves while it watches, naming it", async () => {
    const holder = await holderRepo(() => new Date());
    let lock: LockInfo = await holder.acquireLock({
      account: "DU1234567",
      holder: "apply on runner-1",
      runId: "https://ci/runs/77",
      heartbeatIntervalMs: 30_000,
    });

    const run = await folioctl(["DU1234567", "--yes"], {
      sleep: async () => {
        lock = await holder.heartbeatLock(lock);
      },
    });

    expect(run.code).toBe(1);
    expect(waited).toEqual([30_000]);
    expect(run.stdout).toMatch(
      /^refs\/folioctl\/locks\/DU1234567 on origin is held by apply on runner-1 \(run https:\/\/ci\/runs\/77\) since .*, last heartbeat .*\.\n$/,
    );
    expect(run.stderr).toContain(
      "folioctl: error: not removing the lock for DU1234567: its holder is still running",
    );
    expect(run.stderr).toContain("its heartbeat moved while folioctl watched it");
    expect(run.stderr).toContain("only if you know it has stopped, use --yes --force");
    expect(await sandbox.originRef(LOCK)).toBe(lock.sha);
  });

  describe("with a holder whose clock is not this machine's", () => {
    it("keeps the lock of a running holder whose clock is an hour behind (its heartbeat looks an hour old)", async () => {
      let holderNow = Date.now() - HOUR;
      const holder = await holderRepo(() => new Date(holderNow));
      let lock: LockInfo = await holder.acquireLock({
        account: "DU1234567",
        holder: "apply on runner-1",
        runId: "https://ci/runs/77",
        heartbeatIntervalMs: 30_000,
      });

      // The holder beats on time, by its own clock, each time this machine waits an interval.
      const run = await folioctl(["DU1234567", "--yes"], {
        sleep: async (ms) => {
          holderNow += ms;
          lock = await holder.heartbeatLock(lock);
        },
      });

      expect(run.code).toBe(1);
      expect(run.stderr).toContain("its holder is still running");
      expect(await sandbox.originRef(LOCK)).toBe(lock.sha);
    });

    it("removes the lock of a dead holder whose clock is an hour ahead (its last heartbeat looks to come)", async () => {
      await takeLock(new Date(Date.now() + HOUR));

      const run = await folioctl(["DU1234567", "--yes"]);

      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain("last heartbeat");
      expect(run.stdout).toContain("(in the future: check the clocks)");
      expect(run.stdout).toMatch(/^Removed refs\/folioctl\/locks\/DU1234567 on origin/);
      expect(await sandbox.originRef(LOCK)).toBeNull();
    });
  });

  it("with --yes leaves alone a lock another apply took while it watched", async () => {
    const first = await takeLock();
    const run = await folioctl(["DU1234567", "--yes"], {
      sleep: async () => {
        const operator = await holderRepo(() => new Date());
        await operator.releaseLock(first);
        await operator.acquireLock({ account: "DU1234567", holder: "apply on runner-2", runId: "run-2" });
      },
    });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("not removing the lock for DU1234567: another apply took it meanwhile");
    expect(run.stdout).toContain("is held by apply on runner-2 (run run-2)");
    expect(await sandbox.originRef(LOCK)).not.toBeNull();
  });

  it("with --yes --force removes the lock at once, after a warning that orders may be sent twice", async () => {
    await takeLock(new Date());

    const run = await folioctl(["DU1234567", "--yes", "--force"]);

    expect(run.code).toBe(0);
    expect(waited).toEqual([]);
    expect(run.stderr).toMatch(
      /^folioctl: warning: removing the lock without watching whether its holder still runs \(apply on runner-1/,
    );
    expect(run.stderr).toContain(
      "If run https://ci/runs/77 is still applying, the next apply for DU1234567 can send its orders a second time",
    );
    expect(run.stdout).toMatch(
      /^Removed refs\/folioctl\/locks\/DU1234567 on origin, held by apply on runner-1/,
    );
    expect(await sandbox.originRef(LOCK)).toBeNull();
  });

  it("works from another directory with --repo and a named remote", async () => {
    const renamed = await sandbox.clone("ops-remote-named-ops");
    await sandbox.git(renamed, ["remote", "rename", "origin", "ops"]);
    await takeLock();
    const run = await folioctl(["DU1234567", "--repo", renamed, "--remote", "ops", "--yes"], {
      cwd: sandbox.root,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Removed refs\/folioctl\/locks\/DU1234567 on ops, held by apply on runner-1/);
    expect(await sandbox.originRef(LOCK)).toBeNull();
  });

  it("explains a directory that is not a clone of the ops repository", async () => {
    const run = await folioctl(["DU1234567", "--yes"], { cwd: sandbox.home });
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

  it("runs as the built binary too, waiting on the real clock (a lock whose holder beats every 20 ms)", async () => {
    const { existsSync } = await import("node:fs");
    const { REPO_ROOT } = await import("../support/run-cli.js");
    if (!existsSync(`${REPO_ROOT}/dist/cli/unlock.js`))
      throw new Error("run `npm run build` before these tests");
    await takeLock(TAKEN, 20);

    const run = await runCli(["unlock", "DU1234567", "--yes"], { cwd: clone, env: { HOME: sandbox.home } });

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^Removed refs\/folioctl\/locks\/DU1234567 on origin, .*: its heartbeat stood still for 60 ms\.\n$/,
    );
    expect(await sandbox.originRef(LOCK)).toBeNull();
  });

  it("states a lock's age in the largest useful units", () => {
    expect(formatAge(42_000)).toBe("42 s ago");
    expect(formatAge(5 * 60_000 + 59_000)).toBe("5 min ago");
    expect(formatAge(3 * 3_600_000 + 7 * 60_000)).toBe("3 h 7 min ago");
    expect(formatAge(49 * 3_600_000)).toBe("2 d 1 h ago");
    expect(formatAge(-1000)).toBe("in the future: check the clocks");
  });
});
