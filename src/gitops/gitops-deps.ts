// What the GitOps commands need from the outside world, as ports: the forge, the ops repository clone,
// a way to snapshot the account, and the clock. The CLI builds the real ones (gitops-context.ts); tests
// give the same real adapters pointed at the fake GitHub, temporary repositories and the simulator.
import type { Portfolio } from "../core/portfolio.js";
import type { Snapshot } from "../core/snapshot.js";
import type { Forge } from "../forge/forge.js";
import type { GitRepo } from "../git/git-repo.js";

export interface GitOpsDeps {
  forge: Forge;
  repo: GitRepo;
  /** A fresh snapshot of the portfolio's account (read-only use of the gateway). */
  snapshot: (portfolio: Portfolio) => Promise<Snapshot>;
  /**
   * Fresh snapshots of several accounts of one login in one gateway session (one position stream, one
   * quote per contract shared by every account): propose reads a many-account repository with it.
   */
  snapshotAccounts?: (portfolios: Portfolio[]) => Promise<Snapshot[]>;
  now: () => Date;
  toolVersion: string;
  /** One line of progress for the run's log (stderr). */
  log: (line: string) => void;
  /** Waits before asking GitHub again (default: a timer); tests pass one that moves a fake clock instead. */
  sleep?: (ms: number) => Promise<void>;
}
