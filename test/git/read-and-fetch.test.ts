import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";
import { join } from "node:path";
import { GitError } from "../../src/errors.js";
import { SimpleGitRepo } from "../../src/git/simple-git-repo.js";
import { createGitSandbox, INITIAL_FILES, useSandboxHome } from "../support/git-fixtures.js";
import type { GitSandbox } from "../support/git-fixtures.js";

const clock = { now: () => new Date("2026-11-24T15:30:00Z") };
const text = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString("utf8"));

describe("SimpleGitRepo: opening, fetching and reading", () => {
  let sandbox: GitSandbox;
  let restoreHome: () => void;
  beforeEach(async () => {
    sandbox = await createGitSandbox();
    restoreHome = useSandboxHome(sandbox);
  });
  afterEach(async () => {
    restoreHome();
    await sandbox.cleanup();
  });

  it("fetches the remote main and reports its sha", async () => {
    const repo = await SimpleGitRepo.open(await sandbox.clone("bot"), { clock });
    const human = await sandbox.clone("human");
    const pushed = await sandbox.commitAndPush(human, { "notes.txt": "x\n" }, "Add notes");

    expect(await repo.fetch()).toBe(pushed);
    expect(await repo.mainHead()).toBe(pushed);
    expect(repo.mainRef).toBe("refs/remotes/origin/main");
  });

  it("clones a URL into a new directory without checking out files", async () => {
    const repo = await SimpleGitRepo.clone(sandbox.origin, join(sandbox.root, "fresh", "ops"), { clock });
    expect(await repo.fetch()).toBe(await sandbox.originRef("refs/heads/main"));
    expect(text(await repo.readFile(repo.mainRef, "README.md"))).toBe(INITIAL_FILES["README.md"]);
  });

  it("honours a configured remote and main branch name", async () => {
    const dir = await sandbox.clone("bot");
    await sandbox.git(dir, ["remote", "rename", "origin", "ops"]);
    const human = await sandbox.clone("human");
    const sha = await sandbox.commitAndPush(human, { "a.txt": "a" }, "On trunk", "trunk");
    const repo = await SimpleGitRepo.open(dir, { clock, remote: "ops", mainBranch: "trunk" });
    expect(await repo.fetch()).toBe(sha);
    expect(repo.mainRef).toBe("refs/remotes/ops/trunk");
  });

  it("reads a file's bytes at a commit, and null when the file is not there", async () => {
    const human = await sandbox.clone("human");
    const first = await sandbox.commitAndPush(human, { "plans/DU1.plan.json": '{"v":1}\n' }, "Plan v1");
    const second = await sandbox.commitAndPush(human, { "plans/DU1.plan.json": '{"v":2}\n' }, "Plan v2");
    const repo = await SimpleGitRepo.open(await sandbox.clone("bot"), { clock });
    await repo.fetch();

    expect(text(await repo.readFile(first, "plans/DU1.plan.json"))).toBe('{"v":1}\n');
    expect(text(await repo.readFile(second, "plans/DU1.plan.json"))).toBe('{"v":2}\n');
    expect(text(await repo.readFile(repo.mainRef, "portfolio.yaml"))).toBe(INITIAL_FILES["portfolio.yaml"]);
    expect(await repo.readFile(second, "plans/DU2.plan.json")).toBeNull();
    expect(await repo.readFile(second, "nowhere/at/all.json")).toBeNull();
  });

  it("returns binary content byte for byte", async () => {
    const human = await sandbox.clone("human");
    const bytes = Buffer.from([0, 255, 10, 13, 10, 128, 0]);
    await sandbox.git(human, ["checkout", "-q", "main"]);
    const { writeFile } = await import("node:fs/promises");
    await writeFile(join(human, "blob.bin"), bytes);
    await sandbox.git(human, ["add", "blob.bin"]);
    await sandbox.git(human, ["commit", "-q", "-m", "Binary"]);
    await sandbox.git(human, ["push", "-q", "origin", "HEAD:main"]);
    const repo = await SimpleGitRepo.open(await sandbox.clone("bot"), { clock });
    const sha = await repo.fetch();
    expect(Buffer.from((await repo.readFile(sha, "blob.bin")) ?? [])).toEqual(bytes);
  });

  it("reads a folder's wanted files in a few processes, byte for byte, and nothing of a missing folder", async () => {
    const human = await sandbox.clone("human");
    // More files than one `git show` takes, of different sizes, one with bytes that are not UTF-8.
    const files: Record<string, string> = {};
    for (let i = 0; i < 1203; i++)
      files[`accounts/DU${1000 + i}.yaml`] = `account: DU${1000 + i}\n${"#".repeat(i % 7)}\n`;
    files["accounts/README.md"] = "not wanted\n";
    files["accounts/nested/DU9.yaml"] = "in a sub-folder\n";
    await sandbox.commitAndPush(human, files, "Many accounts");
    const { writeFile } = await import("node:fs/promises");
    const binary = Buffer.from([0, 255, 10, 128, 0]);
    await writeFile(join(human, "accounts", "odd.yaml"), binary);
    await sandbox.git(human, ["add", "accounts/odd.yaml"]);
    await sandbox.git(human, ["commit", "-q", "-m", "Binary"]);
    await sandbox.git(human, ["push", "-q", "origin", "HEAD:main"]);
    const repo = await SimpleGitRepo.open(await sandbox.clone("bot"), { clock });
    const sha = await repo.fetch();

    const read = await repo.readFolder(sha, "accounts", (name) => name.endsWith(".yaml"));
    expect(read.size).toBe(1204);
    for (const [path, content] of Object.entries(files)) {
      const name = path.slice("accounts/".length);
      if (name.endsWith(".yaml") && !name.includes("/")) expect(text(read.get(name) ?? null)).toBe(content);
    }
    expect(Buffer.from(read.get("odd.yaml") ?? [])).toEqual(binary);
    expect(read.has("README.md")).toBe(false);
    expect((await repo.readFolder(sha, "models", () => true)).size).toBe(0);
  });

  it("reads files whose names hold spaces, quotes, newlines and carriage returns exactly", async () => {
    const names = [
      "notes/with space.txt",
      " leading and trailing ",
      `quo"te's.txt`,
      "new\nline.txt",
      "carriage\r",
      "looks missing",
      "tab\there.txt",
    ];
    const human = await sandbox.clone("human");
    const sha = await sandbox.commitAndPush(
      human,
      Object.fromEntries(names.map((name, i) => [name, `file ${i}: ${JSON.stringify(name)}\n`])),
      "Odd names",
    );
    const repo = await SimpleGitRepo.open(await sandbox.clone("bot"), { clock });
    await repo.fetch();

    for (const [i, name] of names.entries()) {
      expect(text(await repo.readFile(sha, name))).toBe(`file ${i}: ${JSON.stringify(name)}\n`);
    }
    expect(await repo.readFile(sha, "new\nline")).toBeNull();
    expect(await repo.readFile(sha, "looks")).toBeNull();
    await expect(repo.readFile(sha, "notes")).rejects.toThrow(/notes at [0-9a-f]{12} is a tree, not a file/);
  });

  it("reads a commit it did not have once a fetch brings it, and reads it again without a fetch", async () => {
    const repo = await SimpleGitRepo.open(await sandbox.clone("bot"), { clock });
    await repo.fetch();
    const human = await sandbox.clone("human");
    const sha = await sandbox.commitAndPush(human, { "later.txt": "later\n" }, "Later");

    await expect(repo.readFile(sha, "later.txt")).rejects.toThrow(/is not a commit/);
    expect(await repo.fetch()).toBe(sha);
    expect(text(await repo.readFile(sha, "later.txt"))).toBe("later\n");
    const again = await Promise.all([repo.readFile(sha, "later.txt"), repo.readFile(sha, "README.md")]);
    expect(again.map(text)).toEqual(["later\n", INITIAL_FILES["README.md"]]);
  });

  it("refuses to read a folder as a file and an unknown ref", async () => {
    const human = await sandbox.clone("human");
    const sha = await sandbox.commitAndPush(human, { "plans/DU1.plan.json": "{}" }, "Plan");
    const repo = await SimpleGitRepo.open(await sandbox.clone("bot"), { clock });
    await repo.fetch();
    await expect(repo.readFile(sha, "plans")).rejects.toThrow(/plans at [0-9a-f]{12} is a tree, not a file/);
    await expect(repo.readFile("0".repeat(40), "portfolio.yaml")).rejects.toBeInstanceOf(GitError);
    await expect(repo.readFile("--output=x", "portfolio.yaml")).rejects.toThrow(/not a valid git ref/);
  });

  it("lists the files a commit changed, relative to its first parent for a merge", async () => {
    const human = await sandbox.clone("human");
    await sandbox.commitAndPush(human, { "plans/DU1.plan.json": "{}" }, "Plan", "folioctl/rebalance/DU1");
    await sandbox.commitAndPush(human, { "README.md": "# ops, edited\n" }, "Edit readme");
    await sandbox.git(human, ["merge", "-q", "--no-ff", "-m", "Merge plan", "origin/folioctl/rebalance/DU1"]);
    await sandbox.git(human, ["push", "-q", "origin", "HEAD:main"]);
    const merge = await sandbox.git(human, ["rev-parse", "HEAD"]);
    const deletion = await (async () => {
      await sandbox.git(human, ["rm", "-q", "portfolio.yaml"]);
      await sandbox.git(human, ["commit", "-q", "-m", "Remove intent"]);
      await sandbox.git(human, ["push", "-q", "origin", "HEAD:main"]);
      return sandbox.git(human, ["rev-parse", "HEAD"]);
    })();
    const repo = await SimpleGitRepo.open(await sandbox.clone("bot"), { clock });
    await repo.fetch();

    expect(await repo.changedFiles(merge)).toEqual([{ path: "plans/DU1.plan.json", status: "added" }]);
    expect(await repo.changedFiles(deletion)).toEqual([{ path: "portfolio.yaml", status: "deleted" }]);
    const root = await sandbox.git(human, ["rev-list", "--max-parents=0", "HEAD"]);
    expect(await repo.changedFiles(root)).toEqual([
      { path: "README.md", status: "added" },
      { path: "portfolio.yaml", status: "added" },
    ]);
  });

  it("refuses to guess what a commit changed in a shallow clone", async () => {
    const human = await sandbox.clone("human");
    const sha = await sandbox.commitAndPush(human, { "plans/DU1.plan.json": "{}" }, "Plan");
    const shallow = join(sandbox.root, "shallow");
    await sandbox.git(sandbox.root, ["clone", "-q", "--depth=1", `file://${sandbox.origin}`, shallow]);
    const repo = await SimpleGitRepo.open(shallow, { clock });
    await expect(repo.changedFiles(sha)).rejects.toThrow(/history is shallow/);
  });

  it("explains a directory that is not a clone, a missing remote and an unreachable remote", async () => {
    await expect(SimpleGitRepo.open(join(sandbox.root, "nope"), { clock })).rejects.toThrow(
      /is not a directory/,
    );
    const error = await SimpleGitRepo.open(sandbox.home, { clock }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).message).toMatch(
      /opening .* as a git repository failed: not a git repository/,
    );
    expect((error as GitError).hint).toMatch(/--repo DIR/);

    const dir = await sandbox.clone("bot");
    await expect(SimpleGitRepo.open(dir, { clock, remote: "upstream" })).rejects.toThrow(/"upstream"/);
    await sandbox.git(dir, ["remote", "set-url", "origin", join(sandbox.root, "gone.git")]);
    const repo = await SimpleGitRepo.open(dir, { clock });
    const fetchError = (await repo.fetch().catch((e: unknown) => e)) as GitError;
    expect(fetchError).toBeInstanceOf(GitError);
    expect(fetchError.message).toMatch(/fetching main and the folioctl branches from origin failed/);
    expect(fetchError.hint).toMatch(/ops repository|remote/);
  });

  it("never shows credentials embedded in a remote URL", async () => {
    const dir = await sandbox.clone("bot");
    await sandbox.git(dir, [
      "remote",
      "set-url",
      "origin",
      "https://x-access-token:ghs_SECRET@127.0.0.1:9/o/r.git",
    ]);
    const repo = await SimpleGitRepo.open(dir, { clock });
    const error = (await repo.fetch().catch((e: unknown) => e)) as GitError;
    expect(error).toBeInstanceOf(GitError);
    expect(`${error.message} ${error.hint ?? ""}`).not.toContain("ghs_SECRET");
  });
});

describe("SimpleGitRepo: a remote that never answers", () => {
  let sandbox: GitSandbox;
  let restoreHome: () => void;
  let server: Server;
  const sockets = new Set<Socket>();
  beforeEach(async () => {
    sandbox = await createGitSandbox();
    restoreHome = useSandboxHome(sandbox);
    // Accepts connections and never says a word, like a hung proxy.
    server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  });
  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((done) => server.close(done));
    restoreHome();
    await sandbox.cleanup();
  });

  it("stops git after the configured silence and says so", async () => {
    const dir = await sandbox.clone("bot");
    const { port } = server.address() as AddressInfo;
    await sandbox.git(dir, ["remote", "set-url", "origin", `http://127.0.0.1:${port}/ops.git`]);
    const repo = await SimpleGitRepo.open(dir, { clock, timeoutMs: 500 });
    const error = (await repo.fetch().catch((e: unknown) => e)) as GitError;
    expect(error).toBeInstanceOf(GitError);
    expect(error.message).toBe(
      "fetching main and the folioctl branches from origin failed: git did not answer in time and was stopped",
    );
  });
});
