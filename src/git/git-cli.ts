// The one place that calls simple-git: every command runs with the bot identity, a stall timeout, and
// failures turned into GitError by the caller's description of what it was doing.
import { simpleGit } from "simple-git";
import type { SimpleGit, SimpleGitOptions } from "simple-git";
import type { GitIdentity } from "./git-repo.js";
import { toGitError } from "./to-git-error.js";

export interface GitCliOptions {
  identity: GitIdentity;
  /** A git process that prints nothing for this long is stopped. */
  timeoutMs: number;
}

export class GitCli {
  private readonly git: SimpleGit;

  constructor(
    readonly dir: string,
    private readonly options: GitCliOptions,
  ) {
    this.git = simpleGit(this.settings());
  }

  /** Runs `git <args>` and returns its output without the trailing newline. */
  async run(action: string, args: string[], input?: string | Uint8Array): Promise<string> {
    try {
      // simple-git feeds stdin per instance, so a command with input gets its own short-lived instance.
      const git =
        input === undefined ? this.git : simpleGit({ ...this.settings(), input: () => Buffer.from(input) });
      const output = await git.raw(args);
      return output.replace(/\n$/, "");
    } catch (error) {
      throw toGitError(error, action);
    }
  }

  /** Like run, but a failure means "no" and returns null (for `rev-parse --verify` and the like). */
  async attempt(args: string[]): Promise<string | null> {
    try {
      return (await this.git.raw(args)).replace(/\n$/, "");
    } catch {
      return null;
    }
  }

  /** Like run, but the failure is handed back to the caller to interpret (push rejections). */
  async runOrFail(args: string[]): Promise<{ ok: true; output: string } | { ok: false; error: unknown }> {
    try {
      return { ok: true, output: await this.git.raw(args) };
    } catch (error) {
      return { ok: false, error };
    }
  }

  /** The raw bytes of a blob, `<sha>:<path>`; callers check first that it is a blob. */
  async blob(action: string, spec: string): Promise<Buffer> {
    try {
      return await this.git.showBuffer([spec]);
    } catch (error) {
      throw toGitError(error, action);
    }
  }

  /**
   * The output of `git cat-file --batch` for these object names, one per line of input, in one process:
   * a header and the raw content of each (no textconv or filters). Names must fit on one line.
   */
  async catFileBatch(action: string, specs: string[]): Promise<Buffer> {
    const input = specs.map((spec) => `${spec}\n`).join("");
    try {
      return await simpleGit({ ...this.settings(), input: () => Buffer.from(input) }).binaryCatFile([
        "--batch",
      ]);
    } catch (error) {
      throw toGitError(error, action);
    }
  }

  /** The raw bytes of several blobs (by object id) in one process, one after the other without separators. */
  async blobs(action: string, ids: string[]): Promise<Buffer> {
    try {
      return await this.git.showBuffer(ids);
    } catch (error) {
      throw toGitError(error, action);
    }
  }

  private settings(): Partial<SimpleGitOptions> {
    const { identity, timeoutMs } = this.options;
    return {
      baseDir: this.dir,
      config: [`user.name=${identity.name}`, `user.email=${identity.email}`],
      timeout: { block: timeoutMs },
      // simple-git counts a non-zero exit without stderr as success (`rev-parse --verify --quiet`,
      // `merge-base --is-ancestor`): here every non-zero exit is a failure.
      errors: (error, result) =>
        error ??
        (result.exitCode === 0
          ? undefined
          : Buffer.concat([
              ...result.stdErr,
              ...result.stdOut,
              Buffer.from(`git exited with ${result.exitCode}`),
            ])),
    };
  }
}
