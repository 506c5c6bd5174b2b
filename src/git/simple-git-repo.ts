// GitRepo over a local clone of the ops repository, through simple-git. Only the remote is authoritative:
// every decision (lease, lock, retry) is taken against what the remote said, never local branches.
import { mkdir, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { simpleGit } from "simple-git";
import type { Clock } from "../core/clock.js";
import { GitError, NotAFileError } from "../errors.js";
import { fitsBatchLine, parseBatch } from "./cat-file-batch.js";
import { GitCli } from "./git-cli.js";
import type {
  FileChange,
  GitIdentity,
  GitRepo,
  LedgerCommit,
  LedgerCommitRequest,
  LockInfo,
  LockRelease,
  LockRequest,
  PlanCommit,
  PlanCommitRequest,
} from "./git-repo.js";
import { LockRefs } from "./lock-refs.js";
import { ledgerPath, planBranch, planPath } from "./ops-repo-layout.js";
import { isRefMoved, pushRejection, toGitError } from "./to-git-error.js";
import { commitTree, writeTree } from "./write-tree.js";

export const DEFAULT_BOT_IDENTITY: GitIdentity = {
  name: "folioctl[bot]",
  email: "folioctl[bot]@users.noreply.github.com",
};

export interface SimpleGitRepoOptions {
  /** Time source for lock records. */
  clock: Clock;
  remote?: string;
  mainBranch?: string;
  identity?: GitIdentity;
  /** How many times a ledger commit is rebuilt on a main that moved before giving up (default 5). */
  maxPushAttempts?: number;
  /** A git process silent for this long is stopped (default 120 s). */
  timeoutMs?: number;
}

const REMOTE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const BRANCH_NAME = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

/** A full object id (SHA-1 or SHA-256): what it names never changes. */
const FULL_OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** Blobs per `git show`: a command line of object ids well under any system's limit. */
const READ_FOLDER_BATCH = 500;

export class SimpleGitRepo implements GitRepo {
  readonly remote: string;
  readonly mainBranch: string;
  readonly mainRef: string;
  private readonly cli: GitCli;
  private readonly locks: LockRefs;
  private readonly maxPushAttempts: number;
  /**
   * Full object ids known to name a commit (or being looked up): once a commit, always one. Only
   * positive answers stay (a fetch can bring a missing commit), and never a ref name's (refs move).
   */
  private readonly commits = new Map<string, Promise<string | null>>();

  private constructor(
    readonly dir: string,
    options: SimpleGitRepoOptions,
  ) {
    this.remote = options.remote ?? "origin";
    this.mainBranch = options.mainBranch ?? "main";
    if (!REMOTE_NAME.test(this.remote)) {
      throw new GitError(`"${this.remote}" is not a usable remote name`, {
        hint: "name the remote as `git remote -v` lists it, for example origin",
      });
    }
    if (!BRANCH_NAME.test(this.mainBranch) || this.mainBranch.includes("..")) {
      throw new GitError(`"${this.mainBranch}" is not a usable branch name`, {
        hint: "give the main branch's plain name, for example main",
      });
    }
    this.mainRef = `refs/remotes/${this.remote}/${this.mainBranch}`;
    this.maxPushAttempts = options.maxPushAttempts ?? 5;
    this.cli = new GitCli(dir, {
      identity: options.identity ?? DEFAULT_BOT_IDENTITY,
      timeoutMs: options.timeoutMs ?? 120_000,
    });
    this.locks = new LockRefs(this.cli, this.remote, options.clock);
  }

  /** Opens an existing clone; checks that it is a git repository with the remote. */
  static async open(dir: string, options: SimpleGitRepoOptions): Promise<SimpleGitRepo> {
    const path = resolve(dir);
    const found = await stat(path).catch(() => null);
    if (!found?.isDirectory()) {
      throw new GitError(`${path} is not a directory`, {
        hint: "pass --repo with the path of a clone of the ops repository",
      });
    }
    const repo = new SimpleGitRepo(path, options);
    await repo.cli.run(`opening ${path} as a git repository`, ["rev-parse", "--git-dir"]);
    await repo.cli.run(`looking up the remote "${repo.remote}" in ${path}`, [
      "remote",
      "get-url",
      repo.remote,
    ]);
    return repo;
  }

  /**
   * Clones `url` into `dir` (which must not exist yet) and opens the clone. No files are checked out:
   * folioctl reads and writes through git objects only.
   */
  static async clone(url: string, dir: string, options: SimpleGitRepoOptions): Promise<SimpleGitRepo> {
    const path = resolve(dir);
    await mkdir(dirname(path), { recursive: true });
    const remote = options.remote ?? "origin";
    try {
      await simpleGit({ baseDir: dirname(path) }).clone(url, path, ["--origin", remote, "--no-checkout"]);
    } catch (error) {
      throw toGitError(error, `cloning the ops repository into ${path}`);
    }
    return SimpleGitRepo.open(path, options);
  }

  async fetch(): Promise<string> {
    const { remote, mainBranch } = this;
    await this.cli.run(`fetching ${mainBranch} and the folioctl branches from ${remote}`, [
      "fetch",
      "--prune",
      "--no-tags",
      "--no-write-fetch-head",
      remote,
      `+refs/heads/${mainBranch}:${this.mainRef}`,
      `+refs/heads/folioctl/rebalance/*:refs/remotes/${remote}/folioctl/rebalance/*`,
    ]);
    return this.mainHead();
  }

  async mainHead(): Promise<string> {
    const sha = await this.resolveCommit(this.mainRef);
    if (sha === null) {
      throw new GitError(`${this.remote}/${this.mainBranch} is not known in ${this.dir}`, {
        hint: `fetch first; check that the remote has a branch named ${this.mainBranch}`,
      });
    }
    return sha;
  }

  async readFile(ref: string, path: string): Promise<Uint8Array | null> {
    const sha = await this.requireCommit(ref);
    const spec = `${sha}:${path}`;
    const action = `reading ${path} at ${sha.slice(0, 12)}`;
    let type: string | null;
    let content: () => Promise<Buffer>;
    if (fitsBatchLine(spec)) {
      // Type and bytes from one process.
      const [object] = parseBatch(await this.cli.catFileBatch(action, [spec]), 1);
      type = object?.type ?? null;
      content = () => Promise.resolve(object?.content ?? Buffer.alloc(0));
    } else {
      type = await this.cli.attempt(["cat-file", "-t", spec]);
      content = () => this.cli.blob(action, spec);
    }
    if (type === null) return null;
    if (type !== "blob") {
      throw new NotAFileError(`${path} at ${sha.slice(0, 12)} is a ${type}, not a file`, {
        hint: `${path} must be a regular file in the ops repository`,
      });
    }
    return new Uint8Array(await content());
  }

  async listFiles(ref: string, folder: string): Promise<string[]> {
    const sha = await this.requireCommit(ref);
    const type = await this.cli.attempt(["cat-file", "-t", `${sha}:${folder}`]);
    if (type === null) return [];
    if (type !== "tree") {
      throw new GitError(`${folder} at ${sha.slice(0, 12)} is a ${type}, not a folder`, {
        hint: `${folder} must be a folder in the ops repository`,
      });
    }
    const out = await this.cli.run(`listing ${folder} at ${sha.slice(0, 12)}`, [
      "ls-tree",
      "-z",
      `${sha}:${folder}`,
    ]);
    // Each entry is "<mode> <type> <object>\t<name>", NUL-terminated; only blobs are files.
    return out
      .split("\0")
      .filter((entry) => entry.includes(" blob "))
      .map((entry) => entry.slice(entry.indexOf("\t") + 1));
  }

  async readFolder(
    ref: string,
    folder: string,
    wanted: (name: string) => boolean,
  ): Promise<Map<string, Uint8Array>> {
    const sha = await this.requireCommit(ref);
    const files = new Map<string, Uint8Array>();
    const type = await this.cli.attempt(["cat-file", "-t", `${sha}:${folder}`]);
    if (type === null) return files;
    if (type !== "tree") {
      throw new GitError(`${folder} at ${sha.slice(0, 12)} is a ${type}, not a folder`, {
        hint: `${folder} must be a folder in the ops repository`,
      });
    }
    const where = `${folder} at ${sha.slice(0, 12)}`;
    const out = await this.cli.run(`listing ${where}`, ["ls-tree", "-l", "-z", `${sha}:${folder}`]);
    // Each entry is "<mode> blob <object> <size>\t<name>", NUL-terminated (sizes padded with spaces).
    const blobs = out.split("\0").flatMap((entry) => {
      const match = /^\d+ blob ([0-9a-f]+) +(\d+)\t(.+)$/s.exec(entry);
      return match?.[1] && match[2] && match[3] && wanted(match[3])
        ? [{ id: match[1], size: Number(match[2]), name: match[3] }]
        : [];
    });
    // One `git show` of many blobs prints them back to back; their sizes from ls-tree split them again.
    for (let start = 0; start < blobs.length; start += READ_FOLDER_BATCH) {
      const batch = blobs.slice(start, start + READ_FOLDER_BATCH);
      const bytes = await this.cli.blobs(
        `reading ${where}`,
        batch.map((blob) => blob.id),
      );
      const expected = batch.reduce((sum, blob) => sum + blob.size, 0);
      if (bytes.length !== expected) {
        throw new GitError(
          `reading ${where} gave ${bytes.length} bytes, not the ${expected} its files hold`,
          {
            hint: "check the clone with `git fsck`; a git filter (textconv) on these files would also change them",
          },
        );
      }
      let offset = 0;
      for (const blob of batch) {
        files.set(blob.name, new Uint8Array(bytes.subarray(offset, offset + blob.size)));
        offset += blob.size;
      }
    }
    return files;
  }

  async changedFiles(sha: string): Promise<FileChange[]> {
    const commit = await this.requireCommit(sha);
    const line = await this.cli.run("reading the commit's parents", [
      "rev-list",
      "--parents",
      "-n",
      "1",
      commit,
    ]);
    const parent = line.split(" ")[1];
    if (parent === undefined && (await this.isShallow())) {
      throw new GitError(`cannot tell what ${commit.slice(0, 12)} changed: the clone's history is shallow`, {
        hint: "fetch more history (actions/checkout with `fetch-depth: 0`, or at least 2)",
      });
    }
    const range = parent === undefined ? ["--root", commit] : [parent, commit];
    const args = ["diff-tree", "-r", "--no-commit-id", "--no-renames", "--name-status", "-z", ...range];
    const fields = (await this.cli.run(`listing the files ${commit.slice(0, 12)} changed`, args)).split("\0");
    const changes: FileChange[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const code = fields[i];
      const status = code === "A" ? "added" : code === "M" ? "modified" : code === "D" ? "deleted" : "other";
      changes.push({ path: fields[i + 1] ?? "", status });
    }
    return changes;
  }

  async firstParentRange(before: string, after: string): Promise<string[]> {
    const to = await this.requireCommit(after);
    const from = await this.resolveCommit(before);
    if (from === null) {
      throw new GitError(`the commit main pointed to before the push (${before}) is not in ${this.dir}`, {
        hint: "check out the whole history (actions/checkout with `fetch-depth: 0`) so that every commit of the push can be read",
      });
    }
    if (!(await this.isAncestor(from, to))) {
      throw new GitError(
        `${from.slice(0, 12)} is not an ancestor of ${to.slice(0, 12)}: ${this.mainBranch} was rewritten, so ` +
          "which commits the push brought cannot be told; nothing was applied",
        {
          hint: `block force pushes to ${this.mainBranch} (the branch ruleset), then apply each plan commit with \`folioctl apply --on-merge --sha <commit>\``,
        },
      );
    }
    const out = await this.cli.run(`listing the commits from ${from.slice(0, 12)} to ${to.slice(0, 12)}`, [
      "rev-list",
      "--first-parent",
      "--reverse",
      `${from}..${to}`,
    ]);
    return out.split("\n").filter(Boolean);
  }

  async commitPlan(request: PlanCommitRequest): Promise<PlanCommit> {
    const { account } = request;
    const branch = planBranch(account);
    const main = await this.fetch();
    const remoteSha = await this.resolveCommit(`refs/remotes/${this.remote}/${branch}`);
    const tree = await writeTree(this.cli, await this.treeOf(main), [
      { path: planPath(account), content: request.content },
    ]);
    // Unchanged means: the branch already sits on the current main and holds exactly this tree.
    if (
      remoteSha !== null &&
      (await this.treeOf(remoteSha)) === tree &&
      (await this.isAncestor(main, remoteSha))
    ) {
      return { account, branch, sha: remoteSha, remoteSha, changed: false };
    }
    const sha = await commitTree(this.cli, tree, [main], request.message);
    return { account, branch, sha, remoteSha, changed: true };
  }

  async pushPlan(commit: PlanCommit): Promise<void> {
    if (!commit.changed) return;
    const target = `refs/heads/${commit.branch}`;
    const result = await this.cli.runOrFail([
      "push",
      "--porcelain",
      `--force-with-lease=${target}:${commit.remoteSha ?? ""}`,
      this.remote,
      `${commit.sha}:${target}`,
    ]);
    if (!result.ok) {
      const rejection = pushRejection(result.error);
      if (isRefMoved(rejection)) {
        throw new GitError(
          `${commit.branch} on ${this.remote} changed since folioctl read it (someone else pushed to it); ` +
            "nothing was overwritten",
          {
            hint: "run propose again: it rebuilds the bot branch from main (commits pushed to it by hand are replaced)",
            cause: result.error,
          },
        );
      }
      throw toGitError(result.error, `pushing ${commit.branch} to ${this.remote}`);
    }
    await this.cli.run("recording the pushed branch", [
      "update-ref",
      `refs/remotes/${this.remote}/${commit.branch}`,
      commit.sha,
    ]);
  }

  acquireLock(request: LockRequest): Promise<LockInfo> {
    return this.locks.acquire(request);
  }

  readLock(account: string): Promise<LockInfo | null> {
    return this.locks.read(account);
  }

  releaseLock(lock: LockInfo): Promise<LockRelease> {
    return this.locks.release(lock);
  }

  heartbeatLock(lock: LockInfo): Promise<LockInfo> {
    return this.locks.heartbeat(lock);
  }

  forceRemoveLock(
    account: string,
    check?: (lock: LockInfo) => void | Promise<void>,
  ): Promise<LockInfo | null> {
    return this.locks.forceRemove(account, check);
  }

  async commitLedger(request: LedgerCommitRequest): Promise<LedgerCommit> {
    if (request.files.length === 0) throw new GitError("internal: commitLedger was called without files");
    const files = request.files.map((file) => ({
      path: ledgerPath(request.account, file.name),
      content: file.content,
    }));
    for (let attempt = 1; attempt <= this.maxPushAttempts; attempt++) {
      const main = await this.fetch();
      if (await this.holdsAlready(main, files)) return { sha: main, committed: false, attempts: attempt };
      const tree = await writeTree(this.cli, await this.treeOf(main), files);
      const sha = await commitTree(this.cli, tree, [main], request.message);
      // Never forced: if main moved, the remote refuses and the commit is rebuilt on the new main.
      const result = await this.cli.runOrFail([
        "push",
        "--porcelain",
        this.remote,
        `${sha}:refs/heads/${this.mainBranch}`,
      ]);
      if (result.ok) {
        await this.cli.run("recording the pushed main", ["update-ref", this.mainRef, sha]);
        return { sha, committed: true, attempts: attempt };
      }
      const rejection = pushRejection(result.error);
      if (!isRefMoved(rejection))
        throw toGitError(result.error, `pushing the ledger to ${this.mainBranch} on ${this.remote}`);
    }
    throw new GitError(
      `${this.mainBranch} on ${this.remote} kept moving: the ledger commit was rebuilt and pushed ` +
        `${this.maxPushAttempts} times without landing`,
      { hint: `find out what pushes to ${this.mainBranch} so often, then commit the ledger again` },
    );
  }

  // Ledger files are append-only: one already on main must be byte-identical, never rewritten.
  private async holdsAlready(main: string, files: { path: string; content: string | Uint8Array }[]) {
    let all = true;
    for (const file of files) {
      const existing = await this.readFile(main, file.path);
      if (existing === null) {
        all = false;
        continue;
      }
      if (!Buffer.from(existing).equals(Buffer.from(file.content))) {
        throw new GitError(`${file.path} already exists on ${this.mainBranch} with different content`, {
          hint: "ledger records are never rewritten: write this record under a new file name",
        });
      }
    }
    return all;
  }

  private resolveCommit(ref: string): Promise<string | null> {
    // A leading dash would be read as an option by git.
    if (ref.startsWith("-")) return Promise.reject(new GitError(`"${ref}" is not a valid git ref`));
    if (!FULL_OBJECT_ID.test(ref)) return this.lookUpCommit(ref);
    const known = this.commits.get(ref);
    if (known !== undefined) return known;
    // Concurrent reads of one commit share a single lookup; a "no" is forgotten once it is given.
    const lookup = this.lookUpCommit(ref);
    this.commits.set(ref, lookup);
    void lookup.then((sha) => {
      if (sha === null && this.commits.get(ref) === lookup) this.commits.delete(ref);
    });
    return lookup;
  }

  private async lookUpCommit(ref: string): Promise<string | null> {
    const sha = await this.cli.attempt(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    // What a ref pointed to is a commit for good, whatever the ref does next.
    if (sha !== null && FULL_OBJECT_ID.test(sha) && !this.commits.has(sha)) {
      this.commits.set(sha, Promise.resolve(sha));
    }
    return sha;
  }

  private async requireCommit(ref: string): Promise<string> {
    const sha = await this.resolveCommit(ref);
    if (sha === null) {
      throw new GitError(`${ref} is not a commit in ${this.dir}`, {
        hint: "fetch first, and check the sha or ref name",
      });
    }
    return sha;
  }

  private treeOf(commit: string): Promise<string> {
    return this.cli.run("reading a commit's tree", ["rev-parse", `${commit}^{tree}`]);
  }

  private async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return (await this.cli.attempt(["merge-base", "--is-ancestor", ancestor, descendant])) !== null;
  }

  private async isShallow(): Promise<boolean> {
    return (await this.cli.run("checking the clone", ["rev-parse", "--is-shallow-repository"])) === "true";
  }
}
