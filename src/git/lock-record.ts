// The lock commit carries `lock.json`: who took the lock, for which run, and when. Reading is lenient
// because a person may have created or damaged the ref by hand, and `unlock` must still work then.

export interface LockRecord {
  account: string;
  holder: string;
  runId: string;
  /** ISO 8601 */
  acquiredAt: string;
}

export const LOCK_FILE = "lock.json";

export function encodeLockRecord(record: LockRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/** The fields that could be read; `fallbackTime` (the commit's date) stands in for a missing time. */
export function decodeLockRecord(
  text: string | null,
  fallbackTime: Date,
): { holder: string; runId: string; acquiredAt: Date } {
  let parsed: Partial<Record<keyof LockRecord, unknown>> = {};
  try {
    const value: unknown = text === null ? null : JSON.parse(text);
    if (value !== null && typeof value === "object") parsed = value as typeof parsed;
  } catch {
    // An unreadable record still describes a lock; the defaults below say so.
  }
  const time = typeof parsed.acquiredAt === "string" ? new Date(parsed.acquiredAt) : fallbackTime;
  return {
    holder: typeof parsed.holder === "string" ? parsed.holder : "an unknown holder (no readable lock.json)",
    runId: typeof parsed.runId === "string" ? parsed.runId : "unknown",
    acquiredAt: Number.isNaN(time.getTime()) ? fallbackTime : time,
  };
}
