// Builds the real adapters the GitOps commands run on, from command-line flags and the environment:
// the Forge (octokit), the ops repository clone (simple-git) and the IB Gateway (read-only or trading).
import { resolve } from "node:path";
import type { GatewayAddress } from "../broker/ib/ib-connection.js";
import { resolveGatewayAddress } from "../broker/gateway-address.js";
import { readGatewaySnapshot, readGatewaySnapshots } from "../broker/read-gateway-snapshot.js";
import type { Clock } from "../core/clock.js";
import type { Portfolio } from "../core/portfolio.js";
import type { Snapshot } from "../core/snapshot.js";
import { UsageError } from "../errors.js";
import { createGitHubForge } from "../forge/create-github-forge.js";
import type { Forge } from "../forge/forge.js";
import type { GitIdentity } from "../git/git-repo.js";
import { DEFAULT_BOT_IDENTITY, SimpleGitRepo } from "../git/simple-git-repo.js";

export interface RepoFlags {
  /** The clone of the ops repository (default: the current directory, as actions/checkout leaves it). */
  repo?: string;
  remote: string;
  mainBranch: string;
}

export interface GatewayFlags {
  gateway?: string;
  clientId?: string;
}

export function createForge(env: NodeJS.ProcessEnv): Forge {
  return createGitHubForge(env);
}

/** Opens the clone; commits are made as FOLIOCTL_GIT_NAME <FOLIOCTL_GIT_EMAIL>, else folioctl[bot]. */
export function openOpsRepo(flags: RepoFlags, env: NodeJS.ProcessEnv, cwd: string, clock: Clock) {
  return SimpleGitRepo.open(resolve(cwd, flags.repo ?? "."), {
    clock,
    remote: flags.remote,
    mainBranch: flags.mainBranch,
    identity: gitIdentityFromEnv(env),
  });
}

export function gitIdentityFromEnv(env: NodeJS.ProcessEnv): GitIdentity {
  const name = env["FOLIOCTL_GIT_NAME"]?.trim();
  const email = env["FOLIOCTL_GIT_EMAIL"]?.trim();
  return { name: name || DEFAULT_BOT_IDENTITY.name, email: email || DEFAULT_BOT_IDENTITY.email };
}

/** The gateway from --gateway or FOLIOCTL_GATEWAY; these commands never fall back to the simulator. */
export function requireGateway(flags: GatewayFlags, env: NodeJS.ProcessEnv, command: string): GatewayAddress {
  const address = resolveGatewayAddress(flags, env);
  if (!address) {
    throw new UsageError(`${command} needs an IB Gateway: none is configured`, {
      hint: "Pass --gateway HOST:PORT or set FOLIOCTL_GATEWAY (the read-only gateway is enough for propose and preview).",
    });
  }
  return address;
}

/** Snapshots of several accounts of the gateway's login, read in one session. */
export function gatewaySnapshots(
  address: GatewayAddress,
  clock: Clock,
): (portfolios: Portfolio[]) => Promise<Snapshot[]> {
  return (portfolios) => readGatewaySnapshots(address, portfolios, clock.now);
}

export function gatewaySnapshot(
  address: GatewayAddress,
  clock: Clock,
): (portfolio: Portfolio) => Promise<Snapshot> {
  return (portfolio) => readGatewaySnapshot(address, portfolio, clock.now);
}
