import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addPushRule, readRules, removePushRules } from "./push-rules.js";
import type { PushRule } from "./push-rules.js";

export interface GitIdentity {
  name: string;
  email: string;
}

export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  author: GitIdentity & { date: string };
  committer: GitIdentity & { date: string };
  message: string;
}

export interface TreeEntry {
  mode: string;
  type: "blob" | "tree" | "commit";
  sha: string;
  size: number | undefined;
  path: string;
}

interface RunOptions {
  input?: string | Buffer;
  env?: Record<string, string>;
  /** Exit codes that are answers, not failures (merge-tree exits 1 on conflicts). */
  okCodes?: number[];
}

interface RunResult {
  stdout: Buffer;
  code: number;
}

/**
 * A real bare git repository on disk, driven with git plumbing: the fake GitHub's pull requests,
 * merges and contents all read and write it, so what a test sees with `git log` is what happened.
 */
export class BareRepo {
  private constructor(readonly gitDir: string) {}

  static async init(gitDir: string, defaultBranch: string): Promise<BareRepo> {
    await runGit(["init", "--quiet", "--bare", `--initial-branch=${defaultBranch}`, gitDir], {});
    return new BareRepo(gitDir);
  }

  /** The commit a ref or sha names, or undefined when there is none. */
  async resolveCommit(ref: string): Promise<string | undefined> {
    const { stdout, code } = await this.git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], {
      okCodes: [1, 128],
    });
    return code === 0 ? stdout.toString().trim() : undefined;
  }

  async branchSha(branch: string): Promise<string | undefined> {
    return this.resolveCommit(`refs/heads/${branch}`);
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const { code } = await this.git(["merge-base", "--is-ancestor", ancestor, descendant], { okCodes: [1] });
    return code === 0;
  }

  /** Commits reachable from `head` and not from `base`, newest first. */
  async commitsBetween(base: string, head: string): Promise<string[]> {
    const { stdout } = await this.git(["rev-list", `${base}..${head}`]);
    return stdout.toString().split("\n").filter(Boolean);
  }

  /** Who wrote and who committed a commit, as git records them (anyone can write any name and email). */
  async commitInfo(sha: string): Promise<CommitInfo> {
    const { stdout } = await this.git([
      "show",
      "-s",
      "--format=%H%x00%T%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B",
      sha,
    ]);
    const [
      full = "",
      tree = "",
      parents = "",
      an = "",
      ae = "",
      ad = "",
      cn = "",
      ce = "",
      cd = "",
      message = "",
    ] = stdout.toString().split("\0");
    return {
      sha: full,
      tree,
      parents: parents.split(" ").filter(Boolean),
      author: { name: an, email: ae, date: ad },
      committer: { name: cn, email: ce, date: cd },
      message: message.replace(/\n+$/, ""),
    };
  }

  /** Lines added and removed and files changed from the merge base of `base` to `head`, as a PR shows. */
  async diffStats(
    base: string,
    head: string,
  ): Promise<{ additions: number; deletions: number; files: number }> {
    const { stdout } = await this.git(["diff", "--numstat", `${base}...${head}`]);
    const rows = stdout.toString().split("\n").filter(Boolean);
    let additions = 0;
    let deletions = 0;
    for (const row of rows) {
      const [added = "0", removed = "0"] = row.split("\t");
      // Binary files show "-": they count as changed files without lines.
      additions += Number(added) || 0;
      deletions += Number(removed) || 0;
    }
    return { additions, deletions, files: rows.length };
  }

  /** Three-way merge of two commits without a work tree: the tree, or undefined on conflicts. */
  async mergeTree(base: string, head: string): Promise<string | undefined> {
    const { stdout, code } = await this.git(["merge-tree", "--write-tree", base, head], { okCodes: [1] });
    return code === 0 ? stdout.toString().split("\n")[0] : undefined;
  }

  /**
   * A commit's own change (against its first parent) applied onto `onto`'s tree, as a rebase replays it:
   * the new tree, or undefined when the change does not apply there.
   */
  async replayTree(commit: string, onto: string): Promise<string | undefined> {
    const parent = (await this.commitInfo(commit)).parents[0];
    const range = parent === undefined ? ["--root", commit] : [parent, commit];
    const patch = (await this.git(["diff-tree", "-p", "--binary", "--full-index", ...range])).stdout;
    const scratch = await mkdtemp(join(tmpdir(), "fake-github-index-"));
    try {
      const env = { GIT_INDEX_FILE: join(scratch, "index") };
      await this.git(["read-tree", onto], { env });
      if (patch.length > 0) {
        const applied = await this.git(["apply", "--cached", "--binary"], {
          env,
          input: patch,
          okCodes: [1],
        });
        if (applied.code !== 0) return undefined;
      }
      return (await this.git(["write-tree"], { env })).stdout.toString().trim();
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  async treeOf(commit: string): Promise<string> {
    return (await this.git(["rev-parse", `${commit}^{tree}`])).stdout.toString().trim();
  }

  async commitTree(
    tree: string,
    parents: string[],
    message: string,
    author: GitIdentity,
    committer: GitIdentity = author,
  ): Promise<string> {
    const args = ["commit-tree", tree, ...parents.flatMap((parent) => ["-p", parent])];
    const { stdout } = await this.git(args, { input: message, env: identityEnv(author, committer) });
    return stdout.toString().trim();
  }

  /** Moves a ref only if it still points where the caller saw it (`expected` undefined: must not exist). */
  async updateRef(ref: string, sha: string, expected: string | undefined): Promise<void> {
    await this.git(["update-ref", ref, sha, expected ?? "0".repeat(40)]);
  }

  /** The entry at `path` in a commit's tree, or undefined. An empty path is the root tree. */
  async entryAt(commit: string, path: string): Promise<TreeEntry | undefined> {
    if (path === "")
      return { mode: "040000", type: "tree", sha: await this.treeOf(commit), size: 0, path: "" };
    const { stdout } = await this.git(["ls-tree", "--long", "--full-tree", commit, "--", path]);
    return parseTree(stdout.toString())[0];
  }

  /** The entries directly inside a directory of a commit. */
  async listDirectory(commit: string, path: string): Promise<TreeEntry[]> {
    const spec = path === "" ? commit : `${commit}:${path}`;
    const { stdout } = await this.git(["ls-tree", "--long", spec]);
    const prefix = path === "" ? "" : `${path}/`;
    return parseTree(stdout.toString()).map((entry) => ({ ...entry, path: prefix + entry.path }));
  }

  async readBlob(sha: string): Promise<Buffer> {
    return (await this.git(["cat-file", "blob", sha])).stdout;
  }

  /**
   * Commits files onto a branch as a person pushing would: `files` maps paths to new content, or to
   * null to delete them. The branch starts from `from` (a ref) when it does not exist yet.
   */
  async commitFiles(options: {
    branch: string;
    files: Record<string, string | null>;
    message: string;
    author: GitIdentity;
    from?: string;
  }): Promise<string> {
    const current = await this.branchSha(options.branch);
    const parent =
      current ?? (options.from === undefined ? undefined : await this.resolveCommit(options.from));
    if (options.from !== undefined && current === undefined && parent === undefined) {
      throw new Error(`fake GitHub: cannot branch ${options.branch} from ${options.from}: no such ref`);
    }
    const scratch = await mkdtemp(join(tmpdir(), "fake-github-index-"));
    try {
      const env = { GIT_INDEX_FILE: join(scratch, "index") };
      await this.git(parent === undefined ? ["read-tree", "--empty"] : ["read-tree", parent], { env });
      for (const [path, content] of Object.entries(options.files)) {
        if (content === null) {
          // A bare repository has no work tree for --force-remove: mode 0 in --index-info drops the entry.
          await this.git(["update-index", "--index-info"], { env, input: `0 ${"0".repeat(40)}\t${path}\n` });
          continue;
        }
        const blob = (await this.git(["hash-object", "-w", "--stdin"], { input: content })).stdout
          .toString()
          .trim();
        await this.git(["update-index", "--add", "--cacheinfo", `100644,${blob},${path}`], { env });
      }
      const tree = (await this.git(["write-tree"], { env })).stdout.toString().trim();
      const sha = await this.commitTree(
        tree,
        parent === undefined ? [] : [parent],
        options.message,
        options.author,
      );
      await this.updateRef(`refs/heads/${options.branch}`, sha, current);
      return sha;
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /**
   * The next push to `ref` loses a race on GitHub's side: another push moves the ref to `concurrent` (null:
   * deletes it) after the client's lease check passed, and the remote refuses ours in GitHub's words,
   * `[remote rejected] main -> main (cannot lock ref 'refs/heads/main': is at X but expected Y)`
   * (https://github.com/slsa-framework/example-package/issues/250), or `reference already exists` for a
   * ref ours would have created. git's own receive-pack says `failed to update ref` instead.
   */
  async loseNextPushRace(ref: string, concurrent: string | null): Promise<void> {
    await addPushRule(this.gitDir, { ref, kind: "race", concurrent }, (args) => this.gitText(args));
  }

  /**
   * Every push to `ref` is refused as by a ruleset that does not list the pusher as a bypass actor:
   * `remote: error: GH013: Repository rule violations found for refs/heads/main.` and
   * `[remote rejected] HEAD -> main (push declined due to repository rule violations)`
   * (https://github.com/blinkfox/hexo-theme-matery/issues/914), until liftRuleset.
   */
  async refusePushesByRuleset(ref: string, rulesUrl: string): Promise<void> {
    await addPushRule(this.gitDir, { ref, kind: "ruleset", rulesUrl }, (args) => this.gitText(args));
  }

  async liftRuleset(ref: string): Promise<void> {
    await removePushRules(this.gitDir, ref);
  }

  /** Push rules not used up yet: a race is gone once a push lost it. */
  pushRules(): Promise<PushRule[]> {
    return readRules(this.gitDir);
  }

  private async gitText(args: string[]): Promise<string> {
    return (await this.git(args)).stdout.toString();
  }

  /** `git log --format=...` of a ref, for tests that look at history. */
  async log(ref: string, format = "%H %P %s"): Promise<string[]> {
    const { stdout } = await this.git(["log", `--format=${format}`, ref]);
    return stdout.toString().split("\n").filter(Boolean);
  }

  private git(args: string[], options: RunOptions = {}): Promise<RunResult> {
    return runGit(["--git-dir", this.gitDir, ...args], options);
  }
}

function identityEnv(author: GitIdentity, committer: GitIdentity): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
  };
}

function parseTree(text: string): TreeEntry[] {
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf("\t");
      const [mode = "", type = "", sha = "", size = ""] = line.slice(0, tab).trim().split(/\s+/);
      return {
        mode,
        type: type as TreeEntry["type"],
        sha,
        size: size === "-" ? undefined : Number(size),
        path: line.slice(tab + 1),
      };
    });
}

function runGit(args: string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      args,
      {
        encoding: "buffer",
        maxBuffer: 64 * 1024 * 1024,
        // No user or system config: the fake's repositories behave the same on every machine.
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", ...options.env },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        if (code === 0 || options.okCodes?.includes(code)) {
          resolve({ stdout, code });
          return;
        }
        reject(new Error(`git ${args.join(" ")} failed (${code}): ${stderr.toString().trim()}`));
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}
