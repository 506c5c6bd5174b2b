// simple-git rejects with git's raw output; users get one GitError that says what failed and what to do.
import { GitPluginError } from "simple-git";
import { GitError } from "../errors.js";

/** What a failed git command printed, with credentials in URLs masked so they never reach logs. */
export function gitOutput(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return redactCredentials(text);
}

export function redactCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@'"]+@/gi, "$1***@");
}

/** A ref the remote refused in `git push --porcelain` output, and git's reason in brackets. */
export interface PushRejection {
  ref: string;
  /** `rejected`: refused by our git before sending (stale lease, not a fast-forward); `remote rejected`: by the server. */
  kind: "rejected" | "remote rejected";
  /** For example `stale info`, `fetch first`, `non-fast-forward`, `failed to update ref`. */
  reason: string;
}

export function pushRejection(error: unknown): PushRejection | null {
  const match = /^!\t[^\t]*:([^\t]+)\t\[(rejected|remote rejected)\] \(([^)]*)\)/m.exec(gitOutput(error));
  if (!match) return null;
  return { ref: match[1] ?? "", kind: match[2] as PushRejection["kind"], reason: match[3] ?? "" };
}

/**
 * The ref moved between our read and our push, in any of the words git and servers use for it: our git's
 * lease check (`stale info`), a non-fast-forward, or the server's own compare-and-swap failing, which
 * GitHub reports as `cannot lock ref 'refs/heads/main': is at X but expected Y` and newer git as
 * `incorrect old value provided` or `reference already exists`. The push can be retried after a fetch;
 * any other rejection cannot.
 */
export function isRefMoved(rejection: PushRejection | null): boolean {
  if (rejection === null) return false;
  return /^(stale info|fetch first|non-fast-forward|failed to update ref|incorrect old value provided|reference already exists|cannot lock ref\b)/.test(
    rejection.reason,
  );
}

const HINTS: [RegExp, string][] = [
  [
    /authentication failed|could not read (username|password)|terminal prompts disabled|permission denied|invalid username or password|\b403\b|repository not found|access denied/i,
    "check the credentials of the clone: in GitHub Actions keep actions/checkout's persisted token and grant the job `contents: write`",
  ],
  [
    /could not resolve host|connection refused|connection timed out|network is unreachable|unable to access|early eof|the remote end hung up/i,
    "the remote could not be reached: check the network and the remote URL (`git remote -v`), then run again",
  ],
  [
    /protected branch|hook declined|pre-receive hook|push declined|repository rule violations|GH013/i,
    "the remote refused the push: add the folioctl GitHub App to the bypass list of every ruleset (and branch protection) on this ref, the organisation's included",
  ],
  [
    /shallow|no merge base|bad object|not our ref|unknown revision|bad revision|invalid object name|not a valid object name/i,
    "the clone lacks that history: fetch it fully (actions/checkout with `fetch-depth: 0`) and run again",
  ],
  [
    /not a git repository|does not appear to be a git repository/i,
    "run folioctl inside a clone of the ops repository or pass --repo DIR",
  ],
  [
    /couldn't find remote ref/i,
    "the remote has no such branch: check its name (main unless configured) and that it was pushed",
  ],
  [/no such remote/i, "add the remote (`git remote add origin URL`) or pass --remote NAME"],
];

/** Wraps any failure of a git command into a GitError naming the action, git's words and a fix. */
export function toGitError(error: unknown, action: string): GitError {
  if (error instanceof GitError) return error;
  if (error instanceof GitPluginError && error.plugin === "timeout") {
    return new GitError(`${action} failed: git did not answer in time and was stopped`, {
      hint: "check that the remote is reachable and not prompting for credentials, then run again",
      cause: error,
    });
  }
  const output = gitOutput(error);
  const hint = HINTS.find(([pattern]) => pattern.test(output))?.[1];
  return new GitError(`${action} failed: ${summarize(output)}`, {
    hint: hint ?? "run the same git command by hand in the clone to see more, or re-run with --debug",
    cause: error,
  });
}

// git's own advice ("hint: ...") and progress lines drown the reason: keep the refused ref with its reason,
// what the server said, or git's errors, at most three lines.
function summarize(output: string): string {
  const lines = output
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !/^(hint:|To |Done$|Pushing to |remote: *$)/.test(line));
  const rejection = pushRejection(output);
  if (rejection !== null) {
    const by = rejection.kind === "remote rejected" ? "the remote refused" : "git refused to push";
    const said = lines
      .filter((line) => line.startsWith("remote:"))
      .map((line) => line.replace(/^remote: */, ""));
    return [`${by} ${rejection.ref} (${rejection.reason})`, ...said].slice(0, 3).join("; ");
  }
  const errors = lines.filter((line) => /^(fatal|error|remote: error)/.test(line));
  const chosen = (errors.length > 0 ? errors : lines).slice(0, 3);
  return chosen.map((line) => line.replace(/^(fatal|error): /, "")).join("; ") || "git exited with an error";
}
