// Races for a ref as GitHub reports them. The fake GitHub's remote lets another push land between our
// lease check and our update, then refuses ours with GitHub's `cannot lock ref ...` (git's own server says
// `failed to update ref`). The ledger push must read main again and retry; a lock race lost must be
// "someone else holds it" (apply's `locked`), never an error.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LockHeldError } from "../../src/git/lock-held-error.js";
import { LockLostError } from "../../src/git/lock-lost-error.js";
import { LOCK_FILE, encodeLockRecord } from "../../src/git/lock-record.js";
import { SimpleGitRepo } from "../../src/git/simple-git-repo.js";
import { FakeGitHub } from "../support/fake-github/index.js";
import type { FakeRepo } from "../support/fake-github/index.js";

const execFileAsync = promisify(execFile);
const ACCOUNT = "DU1234567";
const LOCK = `refs/folioctl/locks/${ACCOUNT}`;
const clock = { now: () => new Date("2026-11-24T15:30:00Z") };

let github: FakeGitHub;
let repo: FakeRepo;
let dir: string;
let restore: () => void;

beforeEach(async () => {
  github = await FakeGitHub.start();
  repo = await github.createRepo("acme", "ops", { files: { "portfolio.yaml": "a: 1\n" } });
  dir = await mkdtemp(join(tmpdir(), "github-push-races-"));
  // simple-git runs git with this process's environment: no user or system config may leak in.
  const saved = { HOME: process.env["HOME"], GIT_CONFIG_NOSYSTEM: process.env["GIT_CONFIG_NOSYSTEM"] };
  process.env["HOME"] = dir;
  process.env["GIT_CONFIG_NOSYSTEM"] = "1";
  restore = () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
});

afterEach(async () => {
  restore();
  await github.stop();
  await rm(dir, { recursive: true, force: true });
});

async function clone(name: string): Promise<SimpleGitRepo> {
  const path = join(dir, name);
  await execFileAsync("git", ["clone", "--quiet", repo.git.gitDir, path]);
  return SimpleGitRepo.open(path, { clock });
}

/** A lock commit of another run, present in the remote but not (yet) at the lock ref. */
async function othersLock(holder: string, runId: string): Promise<string> {
  return repo.git.commitFiles({
    branch: `scratch/${runId}`,
    files: {
      [LOCK_FILE]: encodeLockRecord({
        account: ACCOUNT,
        holder,
        runId,
        acquiredAt: "2026-11-24T15:29:00Z",
        heartbeatAt: "2026-11-24T15:29:00Z",
      }),
    },
    message: `folioctl lock ${ACCOUNT}`,
    author: { name: "folioctl[bot]", email: "bot@example.test" },
  });
}

describe("the ledger push against GitHub's `cannot lock ref`", () => {
  it("reads main again and lands the record on top of the push that won", async () => {
    const bot = await clone("bot");
    const old = (await repo.git.branchSha("main")) as string;
    const theirs = await repo.git.commitTree(await repo.git.treeOf(old), [old], "A person's commit\n", {
      name: "Pat",
      email: "pat@example.test",
    });
    await repo.git.loseNextPushRace("refs/heads/main", theirs);

    const result = await bot.commitLedger({
      account: ACCOUNT,
      files: [{ name: "a.json", content: "{}\n" }],
      message: "folioctl ledger",
    });

    expect(result).toMatchObject({ committed: true, attempts: 2 });
    expect(await repo.git.pushRules()).toEqual([]);
    expect(await repo.git.log("refs/heads/main", "%H %s")).toEqual([
      `${result.sha} folioctl ledger`,
      `${theirs} A person's commit`,
      expect.stringMatching(/ Initial commit$/),
    ]);
  });
});

describe("the account lock against GitHub's `cannot lock ref`", () => {
  it("a lock taken by another run between our look and our push is `locked`, naming that run", async () => {
    const bot = await clone("bot");
    await repo.git.loseNextPushRace(LOCK, await othersLock("apply on runner-2", "run-2"));

    const error = await bot
      .acquireLock({ account: ACCOUNT, holder: "apply on runner-1", runId: "run-1" })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(LockHeldError);
    expect((error as LockHeldError).lock).toMatchObject({ holder: "apply on runner-2", runId: "run-2" });
  });

  it("a heartbeat that finds the lock taken over is a lost lease, naming the new holder", async () => {
    const bot = await clone("bot");
    const lock = await bot.acquireLock({ account: ACCOUNT, holder: "apply on runner-1", runId: "run-1" });
    await repo.git.loseNextPushRace(LOCK, await othersLock("apply on runner-2", "run-2"));

    const error = await bot.heartbeatLock(lock).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(LockLostError);
    expect((error as LockLostError).message).toBe(
      `the lock ${LOCK} is no longer ours: it is now held by apply on runner-2 (run run-2)`,
    );
  });
});
