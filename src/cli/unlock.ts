import { resolve } from "node:path";
import { FolioctlError } from "../errors.js";
import type { LockInfo } from "../git/git-repo.js";
import { lockLiveness } from "../git/lock-liveness.js";
import { lockRef } from "../git/ops-repo-layout.js";
import { SimpleGitRepo } from "../git/simple-git-repo.js";
import type { CliContext } from "./context.js";
import { EXIT } from "./exit-codes.js";
import { systemClock } from "./system-clock.js";

export interface UnlockOptions {
  repo?: string;
  remote: string;
  yes?: boolean;
  force?: boolean;
}

export async function unlock(account: string, options: UnlockOptions, ctx: CliContext): Promise<number> {
  const ref = lockRef(account);
  const dir = resolve(ctx.cwd, options.repo ?? ".");
  const repo = await SimpleGitRepo.open(dir, { clock: systemClock, remote: options.remote });
  const where = `${ref} on ${repo.remote}`;

  if (!options.yes) {
    const lock = await repo.readLock(account);
    if (lock === null) {
      ctx.stdout.write(`No lock for ${account}: ${where} does not exist. Nothing to do.\n`);
      return EXIT.ok;
    }
    ctx.stdout.write(`${where} is held by ${describe(lock)}.\n`);
    throw new FolioctlError(`not removing the lock for ${account} without --yes`, {
      hint: isAlive(lock)
        ? `its holder is running: wait for run ${lock.runId} to finish`
        : `make sure run ${lock.runId} is no longer applying orders, then run ` +
          `\`folioctl unlock ${account} --yes\``,
    });
  }

  let warned = false;
  const removed = await repo.forceRemoveLock(account, (lock) => {
    if (!isAlive(lock)) return;
    if (!options.force) {
      ctx.stdout.write(`${where} is held by ${describe(lock)}.\n`);
      throw new FolioctlError(`not removing the lock for ${account}: its holder is still running`, {
        hint:
          `wait for run ${lock.runId} to finish (its lock goes with it). Only if you know it has stopped, ` +
          `wait until its heartbeat is older than ${formatWindow(lock)} or use --yes --force`,
      });
    }
    if (warned) return;
    warned = true;
    ctx.stderr.write(
      `folioctl: warning: removing the lock of a holder that looks alive (${describe(lock)}). ` +
        `If run ${lock.runId} is still applying, the next apply for ${account} can send its orders a second ` +
        `time: the gateway's client id and the runner's lock file are then all that keep it out.\n`,
    );
  });
  if (removed === null) {
    ctx.stdout.write(`No lock for ${account}: ${where} does not exist. Nothing to do.\n`);
    return EXIT.ok;
  }
  ctx.stdout.write(`Removed ${where}, held by ${describe(removed)}.\n`);
  return EXIT.ok;
}

function isAlive(lock: LockInfo): boolean {
  return lockLiveness(lock, systemClock.now()).alive;
}

function describe(lock: LockInfo): string {
  const now = systemClock.now().getTime();
  const age = (time: Date) => `${time.toISOString()} (${formatAge(now - time.getTime())})`;
  return `${lock.holder} (run ${lock.runId}) since ${age(lock.acquiredAt)}, last heartbeat ${age(lock.heartbeatAt)}`;
}

/** "90 s": how long without a heartbeat makes this holder dead. */
function formatWindow(lock: LockInfo): string {
  return `${Math.round(lockLiveness(lock, systemClock.now()).windowMs / 1000)} s`;
}

/** "2 d 3 h ago", "1 h 5 min ago", "42 s ago"; a lock from the future says so instead of lying. */
export function formatAge(ms: number): string {
  if (ms < 0) return "in the future: check the clocks";
  const s = Math.floor(ms / 1000);
  const [d, h, m] = [Math.floor(s / 86_400), Math.floor((s % 86_400) / 3600), Math.floor((s % 3600) / 60)];
  if (d > 0) return `${d} d ${h} h ago`;
  if (h > 0) return `${h} h ${m} min ago`;
  if (m > 0) return `${m} min ago`;
  return `${s} s ago`;
}
