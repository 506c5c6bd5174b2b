// The lock file that keeps two applies for one account on one machine apart, whatever started them (a
// person, the workflow, a second runner on the same host): `<dir>/apply-<account>.lock`, created
// exclusively and holding who holds it. A file whose process no longer runs on this host is taken over.
import { randomBytes } from "node:crypto";
import { link, lstat, mkdir, readFile, readlink, unlink, writeFile } from "node:fs/promises";
import { readFileSync, unlinkSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { InputError, RefusalError } from "../errors.js";
import { assertAccountId } from "../git/ops-repo-layout.js";

export interface LockFileHolder {
  account: string;
  pid: number;
  host: string;
  /** ISO 8601; absent from a file written by hand or by another tool. */
  startedAt?: string;
}

export interface AccountLockFileOptions {
  dir: string;
  account: string;
  now: () => Date;
  /** Messages for the user (a stale lock taken over). */
  log: (line: string) => void;
  /** This process, unless a test says otherwise. */
  pid?: number;
  host?: string;
  isRunning?: (pid: number) => boolean;
}

export interface AccountLockFile {
  readonly path: string;
  /** Removes the file if it is still ours. */
  release(): Promise<void>;
  /** The same, for a signal handler, which cannot wait. */
  releaseSync(): void;
}

/** `$FOLIOCTL_LOCK_DIR`, else `folioctl-locks` in the OS temp directory: shared by every apply on the host. */
export function lockDirFromEnv(env: NodeJS.ProcessEnv): string {
  const dir = env["FOLIOCTL_LOCK_DIR"]?.trim();
  return dir ? dir : join(tmpdir(), "folioctl-locks");
}

export function lockFilePath(dir: string, account: string): string {
  return join(dir, `apply-${assertAccountId(account)}.lock`);
}

/** Takes the account's lock file or throws the refusal `locked` naming the process that holds it. */
export async function acquireAccountLockFile(options: AccountLockFileOptions): Promise<AccountLockFile> {
  const path = lockFilePath(options.dir, options.account);
  const holder: LockFileHolder = {
    account: options.account,
    pid: options.pid ?? process.pid,
    host: options.host ?? hostname(),
    startedAt: options.now().toISOString(),
  };
  const text = `${JSON.stringify(holder, null, 2)}\n`;
  await mkdir(options.dir, { recursive: true }).catch((error: unknown) => {
    throw lockDirError(options.dir, error);
  });
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createExclusive(path, text)) return ownedFile(path, text);
    const current = await readIfPresent(path);
    if (current === undefined) {
      await refuseDanglingLink(path);
      continue;
    }
    const other = parseHolder(current);
    if (other === undefined || !isStale(other, holder.host, options.isRunning ?? isProcessRunning)) {
      throw lockedByFile(options.account, path, other);
    }
    if (await takeOver(path, current, text, options.account)) {
      options.log(
        `apply: took over ${path}: it was left by process ${other.pid} on ${other.host}` +
          `${other.startedAt === undefined ? "" : ` (since ${other.startedAt})`}, which no longer runs`,
      );
      return ownedFile(path, text);
    }
  }
  throw new RefusalError("locked", `the lock file ${path} kept changing while this apply tried to take it`, {
    hint: "Nothing was sent. Another apply for this account is starting right now; run again when it has finished.",
  });
}

/** Creates `path` with its whole content at once (a link of a private file), or false if it exists. */
async function createExclusive(path: string, text: string): Promise<boolean> {
  const draft = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(draft, text, { flag: "wx" });
    await link(draft, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw lockDirError(path, error);
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

/**
 * Replaces a stale lock file. Two applies may find the same stale file: a guard file, created
 * exclusively, lets only one of them remove it, and only while it is still the file judged stale.
 */
async function takeOver(path: string, stale: string, text: string, account: string): Promise<boolean> {
  const guard = `${path}.takeover`;
  try {
    await writeFile(guard, `${process.pid}\n`, { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw lockDirError(guard, error);
    throw new RefusalError(
      "locked",
      `another apply for ${account} is taking over the stale lock file ${path}`,
      {
        hint: `Nothing was sent. Run again in a moment; if no apply is running, delete ${guard}.`,
      },
    );
  }
  try {
    if ((await readIfPresent(path)) === stale) await unlink(path).catch(() => undefined);
    return await createExclusive(path, text);
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

function ownedFile(path: string, text: string): AccountLockFile {
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      if ((await readIfPresent(path)) === text) await unlink(path).catch(() => undefined);
    },
    releaseSync() {
      if (released) return;
      released = true;
      try {
        if (readFileSync(path, "utf8") === text) unlinkSync(path);
      } catch {
        // Already gone: nothing to release.
      }
    },
  };
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw lockDirError(path, error);
  }
}

function parseHolder(text: string): LockFileHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockFileHolder>;
    if (typeof value.pid === "number" && typeof value.host === "string") {
      return {
        account: String(value.account),
        pid: value.pid,
        host: value.host,
        ...(typeof value.startedAt === "string" ? { startedAt: value.startedAt } : {}),
      };
    }
  } catch {
    // Not ours to interpret: treated as held, and the message says how to check.
  }
  return undefined;
}

/** Only a process on this host can be checked; one elsewhere (a shared directory) is assumed alive. */
function isStale(holder: LockFileHolder, host: string, isRunning: (pid: number) => boolean): boolean {
  return holder.host === host && !isRunning(holder.pid);
}

/** Signal 0 checks that a process exists; EPERM means it exists but belongs to another user. */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function lockedByFile(account: string, path: string, holder: LockFileHolder | undefined): RefusalError {
  if (holder === undefined) {
    return new RefusalError("locked", `the lock file ${path} for ${account} exists but cannot be read`, {
      hint: `Nothing was sent. If no apply for ${account} is running on this machine, delete ${path} and run again.`,
    });
  }
  return new RefusalError(
    "locked",
    `another apply for ${account} is running: process ${holder.pid} on ${holder.host} ` +
      `holds ${path}${holder.startedAt === undefined ? "" : ` since ${holder.startedAt}`}`,
    {
      hint:
        `Nothing was sent. Wait for it to finish (check with \`ps -p ${holder.pid}\` on ${holder.host}); ` +
        `a lock file whose process has ended is taken over by the next apply.`,
    },
  );
}

/**
 * A link at the lock path whose target is missing: creating the lock fails (the name exists) and reading
 * it finds nothing, which would otherwise look like another apply taking and dropping it.
 */
async function refuseDanglingLink(path: string): Promise<void> {
  const stats = await lstat(path).catch(() => undefined);
  if (!stats?.isSymbolicLink()) return;
  const target = await readlink(path);
  throw new InputError(
    `cannot use ${path} for the apply lock file: it is a symbolic link to ${target}, which does not exist`,
    { hint: `Nothing was sent. Delete ${path} (folioctl writes a plain file there) and run again.` },
  );
}

function lockDirError(path: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException).code ?? "error";
  return new InputError(`cannot use ${path} for the apply lock file (${code})`, {
    hint: "Set FOLIOCTL_LOCK_DIR to a directory every apply on this machine can write to, the same for all of them.",
    cause: error,
  });
}
