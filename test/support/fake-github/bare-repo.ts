import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFile, cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dropSampleHooks, template } from "../run-templates.js";
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
  /**
   * Answers about objects named by full shas. Git objects never change and the fake never prunes, so
   * what git said about a commit (or a pair of commits) once stays true: asking again only starts git.
   * Answers about refs, which move, are never kept here.
   */
  private readonly known = new Map<string, unknown>();

  private constructor(readonly gitDir: string) {}

  static async init(gitDir: string, defaultBranch: string): Promise<BareRepo> {
    // `git init` once per process and default branch, copied for each repository after that.
    const empty = await template(`fake-github-repo ${defaultBranch}`, async (dir) => {
      const made = join(dir, "repo.git");
      await runGit(["init", "--quiet", "--bare", `--initial-branch=${defaultBranch}`, made], {});
      // commitFiles builds commits under this namespace before moving the branch; nobody fetching or
      // pushing over the git remote may see it, as nothing of it exists on GitHub.
      await appendFile(join(made, "config"), `[transfer]\n\thideRefs = ${SCRATCH_REFS}\n`);
      await dropSampleHooks(made);
    });
    await cp(join(empty, "repo.git"), gitDir, { recursive: true, errorOnExist: true, force: false });
    return new BareRepo(gitDir);
  }

  /**
   * A new repository whose default branch holds one commit of `files`. The first one of each content in
   * a process is made with git; later ones are copies of it, the same commit (made when the first was).
   */
  static async withInitialCommit(
    gitDir: string,
    initial: { defaultBranch: string; files: Record<string, string>; message: string; author: GitIdentity },
  ): Promise<BareRepo> {
    const made = await template(`fake-github-repo-with ${JSON.stringify(initial)}`, async (dir) => {
      const repo = await BareRepo.init(join(dir, "repo.git"), initial.defaultBranch);
      await repo.commitFiles({ branch: initial.defaultBranch, ...initial });
    });
    await cp(join(made, "repo.git"), gitDir, { recursive: true, errorOnExist: true, force: false });
    return new BareRepo(gitDir);
  }

  /** The commit a ref or sha names, or undefined when there is none. */
  async resolveCommit(ref: string): Promise<string | undefined> {
    if (ref.startsWith("refs/heads/")) {
      // Read from the ref files: this runs several times a request, and a file is far cheaper than git.
      const target = await readRefFiles(this.gitDir, ref);
      if (target === null) return undefined;
      if (target !== undefined) return this.commitNamed(target);
    }
    return isFullSha(ref) ? this.commitNamed(ref) : this.revParseCommit(ref);
  }

  /** The commit a full sha names (a tag peeled), once git has found it; a missing object is asked again. */
  private async commitNamed(sha: string): Promise<string | undefined> {
    const key = `commit ${sha}`;
    const cached = this.known.get(key) as string | undefined;
    if (cached !== undefined) return cached;
    const commit = await this.revParseCommit(sha);
    if (commit !== undefined) this.known.set(key, commit);
    return commit;
  }

  private async revParseCommit(ref: string): Promise<string | undefined> {
    const { stdout, code } = await this.git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], {
      okCodes: [1, 128],
    });
    return code === 0 ? stdout.toString().trim() : undefined;
  }

  /**
   * `compute`'s answer, kept when every name in `key` after the first (the question) is a full sha: then
   * it is an answer about fixed objects. Failures are not kept.
   */
  private async remember<T>(key: string[], compute: () => Promise<T>): Promise<T> {
    if (!key.slice(1).every(isFullSha)) return compute();
    const id = key.join(" ");
    if (this.known.has(id)) return this.known.get(id) as T;
    const value = await compute();
    this.known.set(id, value);
    return value;
  }

  async branchSha(branch: string): Promise<string | undefined> {
    return this.resolveCommit(`refs/heads/${branch}`);
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return this.remember(["is-ancestor", ancestor, descendant], async () => {
      const { code } = await this.git(["merge-base", "--is-ancestor", ancestor, descendant], {
        okCodes: [1],
      });
      return code === 0;
    });
  }

  /** Commits reachable from `head` and not from `base`, newest first. */
  async commitsBetween(base: string, head: string): Promise<string[]> {
    const list = await this.remember(["rev-list", base, head], async () => {
      const { stdout } = await this.git(["rev-list", `${base}..${head}`]);
      return stdout.toString().split("\n").filter(Boolean);
    });
    return [...list];
  }

  /** Who wrote and who committed a commit, as git records them (anyone can write any name and email). */
  async commitInfo(sha: string): Promise<CommitInfo> {
    const info = await this.remember(["commit-info", sha], () => this.readCommitInfo(sha));
    return structuredClone(info);
  }

  private async readCommitInfo(sha: string): Promise<CommitInfo> {
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
    const stats = await this.remember(["diff-stats", base, head], () => this.readDiffStats(base, head));
    return { ...stats };
  }

  private async readDiffStats(
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
    // A conflict is as permanent as a clean merge: both are answers about two fixed commits.
    const { tree } = await this.remember(["merge-tree", base, head], async () => {
      const { stdout, code } = await this.git(["merge-tree", "--write-tree", base, head], {
        okCodes: [1],
      });
      return { tree: code === 0 ? stdout.toString().split("\n")[0] : undefined };
    });
    return tree;
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
    return this.remember(["tree", commit], async () =>
      (await this.git(["rev-parse", `${commit}^{tree}`])).stdout.toString().trim(),
    );
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
    const sha = stdout.toString().trim();
    this.known.set(`commit ${sha}`, sha);
    return sha;
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
    // One fast-import writes the blobs, the tree and the commit onto a hidden scratch ref; one update-ref
    // then moves the branch only if it is still where we read it, and drops the scratch ref, in one
    // transaction. (Index, hash-object, write-tree and commit-tree took six processes for one file.)
    const scratch = `${SCRATCH_REFS}/${randomBytes(8).toString("hex")}`;
    const person = `${options.author.name} <${options.author.email}> now`;
    const stream: Buffer[] = [
      Buffer.from(`commit ${scratch}\nauthor ${person}\ncommitter ${person}\n`),
      data(options.message),
    ];
    if (parent !== undefined) stream.push(Buffer.from(`from ${parent}\n`));
    for (const [path, content] of Object.entries(options.files)) {
      if (content === null) stream.push(Buffer.from(`D ${quotePath(path)}\n`));
      else stream.push(Buffer.from(`M 100644 inline ${quotePath(path)}\n`), data(content));
    }
    stream.push(Buffer.from("\n"));
    await this.git(["fast-import", "--quiet", "--date-format=now"], { input: Buffer.concat(stream) });
    const sha = await readRefFiles(this.gitDir, scratch);
    if (typeof sha !== "string") throw new Error(`fake GitHub: fast-import left no commit at ${scratch}`);
    this.known.set(`commit ${sha}`, sha);
    const ref = `refs/heads/${options.branch}`;
    try {
      await this.git(["update-ref", "--stdin"], {
        input: `update ${ref} ${sha} ${current ?? "0".repeat(40)}\ndelete ${scratch} ${sha}\n`,
      });
    } catch (error) {
      await this.git(["update-ref", "-d", scratch]);
      throw error;
    }
    return sha;
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

/** Where commitFiles builds a commit before it moves the branch (hidden from the git remote). */
const SCRATCH_REFS = "refs/fake-github-scratch";

/** A fast-import `data` command with its exact byte count. */
function data(text: string): Buffer {
  const bytes = Buffer.from(text, "utf8");
  return Buffer.concat([Buffer.from(`data ${bytes.length}\n`), bytes, Buffer.from("\n")]);
}

/** A path as fast-import reads it: C-quoted, so spaces, quotes and newlines in names stay what they are. */
function quotePath(path: string): string {
  return `"${path.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

function isFullSha(name: string): boolean {
  return /^[0-9a-f]{40}$/.test(name);
}

/**
 * A ref as the ref files hold it: the sha it points to, null when it does not exist, undefined when the
 * files do not say plainly (a symbolic ref, say) and git must be asked. git writes a loose ref by renaming
 * a lock file over it, and packs refs before removing the loose files, so loose first, then packed-refs,
 * sees one state or the next, never neither.
 */
async function readRefFiles(gitDir: string, ref: string): Promise<string | null | undefined> {
  try {
    const text = (await readFile(join(gitDir, ref), "utf8")).trim();
    return isFullSha(text) ? text : undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR" && code !== "EISDIR") return undefined;
  }
  let packed: string;
  try {
    packed = await readFile(join(gitDir, "packed-refs"), "utf8");
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? null : undefined;
  }
  for (const line of packed.split("\n")) {
    const space = line.indexOf(" ");
    if (space === 40 && line.slice(space + 1) === ref) return line.slice(0, 40);
  }
  return null;
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
