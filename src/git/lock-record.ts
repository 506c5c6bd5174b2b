// The lock commit carries `lock.json`: who took the lock, for which run, when, and when the holder last
// said it is still running (its heartbeat). Reading is lenient because a person may have created or
// damaged the ref by hand, and `unlock` must still work then.

export interface LockRecord {
  account: string;
  holder: string;
  runId: string;
  /** ISO 8601 */
  acquiredAt: string;
  /** ISO 8601: rewritten by the holder every `heartbeatIntervalMs` while it runs. */
  heartbeatAt?: string;
  /** How often the holder promised to rewrite `heartbeatAt`; `unlock` derives its window from it. */
  heartbeatIntervalMs?: number;
}

export const LOCK_FILE = "lock.json";

export function encodeLockRecord(record: LockRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

export interface DecodedLockRecord {
  holder: string;
  runId: string;
  acquiredAt: Date;
  /** The last sign of life; a record without one (older folioctl) counts from `acquiredAt`. */
  heartbeatAt: Date;
  heartbeatIntervalMs?: number;
}

/** The fields that could be read; `fallbackTime` (the commit's date) stands in for a missing time. */
export function decodeLockRecord(text: string | null, fallbackTime: Date): DecodedLockRecord {
  let parsed: Partial<Record<keyof LockRecord, unknown>> = {};
  try {
    const value: unknown = text === null ? null : JSON.parse(text);
    if (value !== null && typeof value === "object") parsed = value as typeof parsed;
  } catch {
    // An unreadable record still describes a lock; the defaults below say so.
  }
  const acquiredAt = readTime(parsed.acquiredAt) ?? fallbackTime;
  const interval = parsed.heartbeatIntervalMs;
  return {
    holder: typeof parsed.holder === "string" ? parsed.holder : "an unknown holder (no readable lock.json)",
    runId: typeof parsed.runId === "string" ? parsed.runId : "unknown",
    acquiredAt,
    heartbeatAt: readTime(parsed.heartbeatAt) ?? acquiredAt,
    ...(typeof interval === "number" && Number.isFinite(interval) && interval > 0
      ? { heartbeatIntervalMs: interval }
      : {}),
  };
}

function readTime(value: unknown): Date | undefined {
  if (typeof value !== "string") return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time;
}
