// Every error a user can see is one of these. The CLI prints `message` and `hint` on one line each and
// shows the stack only with --debug; anything that is not a FolioctlError is a bug and says so.

export interface ErrorDetails {
  /** What to do about it, in one sentence. */
  hint?: string;
  cause?: unknown;
}

export class FolioctlError extends Error {
  override name = "FolioctlError";
  readonly hint: string | undefined;
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number = 1;

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.hint = details.hint;
  }
}

/** The command line itself is wrong (unknown option, missing argument). Exit 64, as sysexits' EX_USAGE. */
export class UsageError extends FolioctlError {
  override name = "UsageError";
  override readonly exitCode = 64;
}

/** A file or value the user gave is wrong: portfolio.yaml, a snapshot, a plan, a state file. */
export class InputError extends FolioctlError {
  override name = "InputError";
}

/** The broker (IB Gateway or the simulator) did not answer, answered with an error, or disagreed. */
export class BrokerError extends FolioctlError {
  override name = "BrokerError";
  /** IB's error code when the gateway sent one. */
  readonly code: number | undefined;
  constructor(message: string, details: ErrorDetails & { code?: number } = {}) {
    super(message, details);
    this.code = details.code;
  }
}

/** A request to the broker or the forge did not answer in time. */
export class TimeoutError extends BrokerError {
  override name = "TimeoutError";
}

/** GitHub (or GitHub Enterprise Server) refused or failed a request. */
export class ForgeError extends FolioctlError {
  override name = "ForgeError";
}

/** A git operation on the ops repository failed. */
export class GitError extends FolioctlError {
  override name = "GitError";
}

/** A path that should hold a file holds a folder or a submodule (a gitlink to a commit) instead. */
export class NotAFileError extends GitError {
  override name = "NotAFileError";
}

/** Why an apply refused to send anything. These words are a contract: workflows and users match on them. */
export type RefusalReason =
  | "tampered"
  | "version-mismatch"
  | "intent-changed"
  | "stale"
  | "expired"
  | "window-closed"
  | "locked"
  | "limit"
  | "suspended"
  | "unapproved";

/** The plan or the world is not in a state where orders may be sent. Nothing reached the broker. */
export class RefusalError extends FolioctlError {
  override name = "RefusalError";
  override readonly exitCode = 3;
  constructor(
    readonly reason: RefusalReason,
    message: string,
    details: ErrorDetails = {},
  ) {
    super(message, details);
  }
}

export function isFolioctlError(error: unknown): error is FolioctlError {
  return error instanceof FolioctlError;
}
