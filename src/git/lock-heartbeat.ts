// While `apply --on-merge` runs it rewrites its lock's heartbeat every interval, so that `unlock` can
// tell a running holder from a dead one. Beats never overlap: the next is scheduled when one ends.
import type { GitRepo, LockInfo } from "./git-repo.js";
import { LockLostError } from "./lock-lost-error.js";

/** Runs `beat` after `ms`; returns a function that cancels it. Injected by tests to beat on demand. */
export type ScheduleBeat = (beat: () => void, ms: number) => () => void;

export const timerSchedule: ScheduleBeat = (beat, ms) => {
  const timer = setTimeout(beat, ms);
  return () => clearTimeout(timer);
};

export interface LockHeartbeatOptions {
  repo: Pick<GitRepo, "heartbeatLock">;
  lock: LockInfo;
  intervalMs: number;
  schedule?: ScheduleBeat;
  log: (line: string) => void;
}

export interface LockHeartbeat {
  /** Stops beating (waiting for a beat in flight) and returns the lock as it now stands, to release. */
  stop(): Promise<LockInfo>;
}

export function startLockHeartbeat(options: LockHeartbeatOptions): LockHeartbeat {
  const schedule = options.schedule ?? timerSchedule;
  let lock = options.lock;
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  let cancel = (): void => undefined;

  const beat = async (): Promise<void> => {
    try {
      lock = await options.repo.heartbeatLock(lock);
    } catch (error) {
      if (error instanceof LockLostError) {
        // The gateway's client id and the lock file still keep a second apply out; say what happened.
        options.log(`apply: ${error.message}; this apply goes on, but its lock no longer protects it`);
        stopped = true;
        return;
      }
      // A failed push (network, busy remote) is retried at the next beat; missing a few is tolerated.
      options.log(`apply: could not renew the lock's heartbeat: ${String(error)}`);
    }
    next();
  };
  const next = (): void => {
    if (stopped) return;
    cancel = schedule(() => {
      inFlight = beat();
    }, options.intervalMs);
  };
  next();

  return {
    async stop() {
      stopped = true;
      cancel();
      await inFlight;
      return lock;
    },
  };
}
