// Whether the holder of an apply lock is still running, judged from its heartbeat: a holder rewrites
// the heartbeat every interval, so one that has missed several in a row is counted as dead.
import type { LockInfo } from "./git-repo.js";

/** How often `apply --on-merge` rewrites its lock's heartbeat unless told otherwise. */
export const DEFAULT_LOCK_HEARTBEAT_MS = 30_000;
/** Beats a holder may miss (a slow push, a busy remote) before it counts as dead. */
export const MISSED_BEATS_FOR_DEAD = 3;

export interface LockLiveness {
  alive: boolean;
  /** The holder's last sign of life. */
  lastSeen: Date;
  /** How long after `lastSeen` the holder counts as dead. */
  windowMs: number;
}

/** A lock without a recorded interval (older folioctl) is judged by the default one, from its start. */
export function lockLiveness(lock: LockInfo, now: Date): LockLiveness {
  const windowMs = MISSED_BEATS_FOR_DEAD * (lock.heartbeatIntervalMs ?? DEFAULT_LOCK_HEARTBEAT_MS);
  return {
    alive: now.getTime() - lock.heartbeatAt.getTime() < windowMs,
    lastSeen: lock.heartbeatAt,
    windowMs,
  };
}
