import { resolve } from "node:path";
import { FolioctlError } from "../errors.js";
import type { LockInfo } from "../git/git-repo.js";
import { DEFAULT_LOCK_HEARTBEAT_MS, heartbeatWindowMs, watchHeartbeat } from "../git/lock-liveness.js";
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
  const noLock = (): number => {
    ctx.stdout.write(`No lock for ${account}: ${where} does not exist. Nothing to do.\n`);
    return EXIT.ok;
  };

  const lock = await repo.readLock(account);
  if (lock === null) return noLock();
  if (!options.yes) {
    ctx.stdout.write(`${where} is held by ${describe(lock)}.\n`);
    throw new FolioctlError(`not removing the lock for ${account} without --yes`, {
      hint:
        `make sure run ${lock.runId} is no longer applying orders, then run \`folioctl unlock ${account} --yes\`: ` +
        `it watches the lock for ${formatWindow(lock)} and removes it only if its heartbeat stood still`,
    });
  }

  if (options.force) {
    ctx.stderr.write(
      `folioctl: warning: removing the lock without watching whether its holder still runs (${describe(lock)}). ` +
        `If run ${lock.runId} is still applying, the next apply for ${account} can send its orders a second ` +
        `time: the gateway's client id and the runner's lock file are then all that keep it out.\n`,
    );
    const removed = await repo.forceRemoveLock(account);
    if (removed === null) return noLock();
    ctx.stdout.write(`Removed ${where}, held by ${describe(removed)}.\n`);
    return EXIT.ok;
  }

  ctx.stderr.write(
    `folioctl: watching ${where} for up to ${formatWindow(lock)}: a running holder rewrites its heartbeat ` +
      `every ${formatDuration(heartbeatIntervalOf(lock))}\n`,
  );
  const verdict = await watchHeartbeat(lock, { read: () => repo.readLock(account), sleep: ctx.sleep });
  if (verdict.kind === "released") return noLock();
  if (verdict.kind === "replaced") {
    ctx.stdout.write(`${where} is held by ${describe(verdict.lock)}.\n`);
    throw new FolioctlError(`not removing the lock for ${account}: another apply took it meanwhile`, {
      hint: `check run ${verdict.lock.runId} before unlocking again`,
    });
  }
  if (verdict.kind === "alive") throw stillRunning(account, where, verdict.lock, ctx);
  // Removed only while the ref is still the record that stood still: a beat at the last moment keeps it.
  const removed = await repo.forceRemoveLock(account, (current) => {
    if (current.sha !== lock.sha) throw stillRunning(account, where, current, ctx);
  });
  if (removed === null) return noLock();
  ctx.stdout.write(
    `Removed ${where}, held by ${describe(removed)}: its heartbeat stood still for ${formatWindow(removed)}.\n`,
  );
  return EXIT.ok;
}

function stillRunning(account: string, where: string, lock: LockInfo, ctx: CliContext): FolioctlError {
  ctx.stdout.write(`${where} is held by ${describe(lock)}.\n`);
  return new FolioctlError(`not removing the lock for ${account}: its holder is still running`, {
    hint:
      `its heartbeat moved while folioctl watched it. Wait for run ${lock.runId} to finish (its lock goes ` +
      `with it); only if you know it has stopped, use --yes --force`,
  });
}

function heartbeatIntervalOf(lock: LockInfo): number {
  return lock.heartbeatIntervalMs ?? DEFAULT_LOCK_HEARTBEAT_MS;
}

/** The holder's times as it wrote them (its clock), with their age by ours, for a person to judge. */
function describe(lock: LockInfo): string {
  const now = systemClock.now().getTime();
  const age = (time: Date) => `${time.toISOString()} (${formatAge(now - time.getTime())})`;
  return `${lock.holder} (run ${lock.runId}) since ${age(lock.acquiredAt)}, last heartbeat ${age(lock.heartbeatAt)}`;
}

/** "90 s": how long the heartbeat must stand still for this holder to count as dead. */
function formatWindow(lock: LockInfo): string {
  return formatDuration(heartbeatWindowMs(lock));
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
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
