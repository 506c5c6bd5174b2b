import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import { GitError } from "../../src/errors.js";
import { DEFAULT_BOT_IDENTITY, SimpleGitRepo } from "../../src/git/simple-git-repo.js";
import { createGitSandbox, fetchMoverHook, mainMoverHook, useSandboxHome } from "../support/git-fixtures.js";
import type { GitSandbox } from "../support/git-fixtures.js";

const clock = { now: () => new Date("2026-11-24T15:30:00Z") };
const record = (n: number) => `{\n  "fills": ${n}\n}\n`;

describe("SimpleGitRepo: ledger commits to main", () => {
  let sandbox: GitSandbox;
  let restoreHome: () => void;
  let repo: SimpleGitRepo;
  beforeEach(async () => {
    sandbox = await createGitSandbox();
    restoreHome = useSandboxHome(sandbox);
    repo = await SimpleGitRepo.open(await sandbox.clone("bot"), { clock, maxPushAttempts: 3 });
  });
  afterEach(async () => {
    restoreHome();
    await sandbox.cleanup();
  });

  it("commits the ledger files on top of main and pushes, by the bot", async () => {
    const before = await sandbox.originRef("refs/heads/main");
    const result = await repo.commitLedger({
      account: "DU1234567",
      files: [{ name: "2026-11-24T15-30-00Z-1a2b3c4d5e6f.json", content: record(2) }],
      message: "Ledger DU1234567: 2 fills",
    });

    expect(result).toMatchObject({ committed: true, attempts: 1 });
    expect(await sandbox.originRef("refs/heads/main")).toBe(result.sha);
    expect(await sandbox.git(sandbox.origin, ["log", "-1", "--format=%P|%an|%s", "main"])).toBe(
      `${before}|${DEFAULT_BOT_IDENTITY.name}|Ledger DU1234567: 2 fills`,
    );
    expect(await sandbox.originFile("main", "ledger/DU1234567/2026-11-24T15-30-00Z-1a2b3c4d5e6f.json")).toBe(
      record(2).trimEnd(),
    );
    expect(await sandbox.originFile("main", "portfolio.yaml")).not.toBeNull();
  });

  it("rebuilds on the new main and pushes again when another clone pushed in between", async () => {
    const human = await sandbox.clone("human");
    await sandbox.preReceive(mainMoverHook(sandbox, human, join(sandbox.root, "moves"), 1));

    const result = await repo.commitLedger({
      account: "DU1234567",
      files: [{ name: "a.json", content: record(1) }],
      message: "Ledger",
    });

    expect(result).toMatchObject({ committed: true, attempts: 2 });
    const history = await sandbox.git(sandbox.origin, ["log", "--format=%s", "main"]);
    expect(history.split("\n")).toEqual(["Ledger", "Edit notes meanwhile", "Initial commit"]);
    expect(await sandbox.originFile("main", "notes.txt")).not.toBeNull();
    expect(await sandbox.originFile("main", "ledger/DU1234567/a.json")).toBe(record(1).trimEnd());
  });

  it("rebuilds instead of forcing when main moved between its fetch and its push", async () => {
    const human = await sandbox.clone("human");
    await sandbox.commitAndPush(human, { "notes.txt": "first\n" }, "Earlier edit");
    // Right after the folioctl clone fetches, the human pushes again: its push then meets a main it never saw.
    await sandbox.hook(
      repo.dir,
      "reference-transaction",
      fetchMoverHook(sandbox, human, join(sandbox.root, "n"), 1),
    );

    const result = await repo.commitLedger({
      account: "DU1234567",
      files: [{ name: "a.json", content: record(1) }],
      message: "Ledger",
    });

    expect(result).toMatchObject({ committed: true, attempts: 2 });
    const history = await sandbox.git(sandbox.origin, ["log", "--format=%s", "main"]);
    expect(history.split("\n")).toEqual(["Ledger", "Edit notes meanwhile", "Earlier edit", "Initial commit"]);
  });

  it("gives up after the configured number of attempts when main keeps moving, never forcing", async () => {
    const human = await sandbox.clone("human");
    await sandbox.preReceive(mainMoverHook(sandbox, human, join(sandbox.root, "moves"), 100));

    const error = (await repo
      .commitLedger({
        account: "DU1234567",
        files: [{ name: "a.json", content: record(1) }],
        message: "Ledger",
      })
      .catch((e: unknown) => e)) as GitError;

    expect(error).toBeInstanceOf(GitError);
    expect(error.message).toBe(
      "main on origin kept moving: the ledger commit was rebuilt and pushed 3 times without landing",
    );
    const history = (await sandbox.git(sandbox.origin, ["log", "--format=%s", "main"])).split("\n");
    expect(history).toEqual([...Array(3).fill("Edit notes meanwhile"), "Initial commit"]);
  });

  it("lands every record when several clones commit ledgers at once", async () => {
    const clones = await Promise.all(
      ["b1", "b2", "b3"].map(async (name) => SimpleGitRepo.open(await sandbox.clone(name), { clock })),
    );
    const results = await Promise.all(
      clones.map((clone, i) =>
        clone.commitLedger({
          account: "DU1234567",
          files: [{ name: `r${i}.json`, content: record(i) }],
          message: `L${i}`,
        }),
      ),
    );
    expect(results.every((r) => r.committed)).toBe(true);
    for (let i = 0; i < 3; i++)
      expect(await sandbox.originFile("main", `ledger/DU1234567/r${i}.json`)).not.toBeNull();
    // Linear history: nothing was overwritten or merged.
    expect(await sandbox.git(sandbox.origin, ["rev-list", "--count", "--merges", "main"])).toBe("0");
    expect(await sandbox.git(sandbox.origin, ["rev-list", "--count", "main"])).toBe("4");
  });

  it("commits nothing when main already holds the same files", async () => {
    const files = [{ name: "a.json", content: record(1) }];
    const first = await repo.commitLedger({ account: "DU1234567", files, message: "Ledger" });
    const again = await repo.commitLedger({ account: "DU1234567", files, message: "Ledger" });
    expect(again).toEqual({ sha: first.sha, committed: false, attempts: 1 });
    expect(await sandbox.originRef("refs/heads/main")).toBe(first.sha);
  });

  it("never rewrites a ledger file that main has with different content", async () => {
    await repo.commitLedger({
      account: "DU1234567",
      files: [{ name: "a.json", content: record(1) }],
      message: "L",
    });
    const main = await sandbox.originRef("refs/heads/main");
    await expect(
      repo.commitLedger({
        account: "DU1234567",
        files: [{ name: "a.json", content: record(9) }],
        message: "L",
      }),
    ).rejects.toThrow("ledger/DU1234567/a.json already exists on main with different content");
    expect(await sandbox.originRef("refs/heads/main")).toBe(main);
  });

  it("rejects file names that would escape the account's ledger folder", async () => {
    for (const name of ["../x.json", "sub/x.json", "x.txt", ".json"]) {
      await expect(
        repo.commitLedger({ account: "DU1234567", files: [{ name, content: "{}" }], message: "L" }),
      ).rejects.toThrow(/not a valid ledger file name/);
    }
  });

  it("names the fix when the remote refuses the push", async () => {
    await sandbox.preReceive('echo "main is protected" >&2\nexit 1');
    const error = (await repo
      .commitLedger({ account: "DU1234567", files: [{ name: "a.json", content: "{}" }], message: "L" })
      .catch((e: unknown) => e)) as GitError;
    expect(error).toBeInstanceOf(GitError);
    expect(error.message).toMatch(
      /^pushing the ledger to main on origin failed: .*pre-receive hook declined/,
    );
    expect(error.hint).toMatch(/add the folioctl GitHub App to the bypass list/);
  });
});
