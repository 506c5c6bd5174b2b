// A lock file must not outlive an apply stopped with Ctrl-C or by the runner (SIGTERM): it is removed,
// then the signal is raised again so that the process ends as it would have without us.
const SIGNALS = ["SIGINT", "SIGTERM"] as const;

type SignalHandler = (signal: NodeJS.Signals) => void;

/**
 * What releaseOnSignals needs of the process: its signal events, its id and a way to signal it. The
 * process itself unless a test passes an emitter (signals reach neither vitest's worker threads nor the
 * mutation runner's).
 */
export interface SignalTarget {
  readonly pid: number;
  on(signal: NodeJS.Signals, handler: SignalHandler): unknown;
  off(signal: NodeJS.Signals, handler: SignalHandler): unknown;
  kill(pid: number, signal: NodeJS.Signals): unknown;
}

/** Runs `release` (synchronously) on SIGINT or SIGTERM; returns a function that stops listening. */
export function releaseOnSignals(release: () => void, target: SignalTarget = process): () => void {
  const handler: SignalHandler = (signal) => {
    stop();
    release();
    target.kill(target.pid, signal);
  };
  const stop = (): void => {
    for (const signal of SIGNALS) target.off(signal, handler);
  };
  for (const signal of SIGNALS) target.on(signal, handler);
  return stop;
}
