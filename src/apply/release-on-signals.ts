// A lock file must not outlive an apply stopped with Ctrl-C or by the runner (SIGTERM): it is removed,
// then the signal is raised again so that the process ends as it would have without us.
const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** Runs `release` (synchronously) on SIGINT or SIGTERM; returns a function that stops listening. */
export function releaseOnSignals(release: () => void): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    stop();
    release();
    process.kill(process.pid, signal);
  };
  const stop = (): void => {
    for (const signal of SIGNALS) process.off(signal, handler);
  };
  for (const signal of SIGNALS) process.on(signal, handler);
  return stop;
}
