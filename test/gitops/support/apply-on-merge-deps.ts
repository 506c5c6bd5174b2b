// What the gitops tests give runApplyOnMerge and applyMergedCommit: the world's forge and clone, a log the
// test reads, no waiting, and the snapshot and broker each test chooses. By default neither may be used:
// a test that reaches one it did not ask for fails, saying so.
import { ApplyBroker } from "../../../src/apply/apply-broker.js";
import { applyClientId } from "../../../src/apply/apply-client-id.js";
import type { Forge } from "../../../src/forge/forge.js";
import type { GitRepo } from "../../../src/git/git-repo.js";
import type { ApplyOnMergeDeps } from "../../../src/gitops/apply-on-merge.js";
import { TOOL_VERSION } from "../../../src/version.js";
import type { LoopWorld } from "./loop-world.js";

type Log = (line: string) => void;

export interface ApplyOnMergeTestParts {
  snapshot?: ApplyOnMergeDeps["snapshot"];
  /** The accounts' brokers, given the test's log (an apply broker logs what it does with the lock). */
  broker?: (log: Log) => ApplyOnMergeDeps["broker"];
  now?: () => Date;
}

export function applyOnMergeDeps(
  forge: Forge,
  repo: GitRepo,
  parts: ApplyOnMergeTestParts = {},
): { deps: ApplyOnMergeDeps; lines: string[] } {
  const lines: string[] = [];
  const log: Log = (line) => void lines.push(line);
  return {
    lines,
    deps: {
      forge,
      repo,
      log,
      now: parts.now ?? (() => new Date()),
      toolVersion: TOOL_VERSION,
      sleep: async () => undefined,
      snapshot: parts.snapshot ?? (() => Promise.reject(new Error("this test reads no snapshot"))),
      broker:
        parts.broker?.(log) ??
        (() => {
          throw new Error("this test opens no broker");
        }),
    },
  };
}

/** Each account's apply broker on the world's simulator, with its own client id and the world's lock directory. */
export function applyBrokerOnSim(w: LoopWorld): (log: Log) => ApplyOnMergeDeps["broker"] {
  return (log) => (account) =>
    new ApplyBroker({
      host: "127.0.0.1",
      port: w.sim.port,
      clientId: applyClientId(account),
      now: () => new Date(),
      account,
      lockDir: w.env["FOLIOCTL_LOCK_DIR"]!,
      log,
    });
}
