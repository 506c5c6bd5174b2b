import { hostname, userInfo } from "node:os";

/** Who is applying, for the lock record and the commit status link. */
export interface RunIdentity {
  /** Names the process: `folioctl apply --on-merge on runner-1 as octocat`. */
  holder: string;
  /** The CI run (its URL on GitHub Actions), so a person can check whether it still runs. */
  runId: string;
  /** The run's page, when it has one. */
  url?: string;
}

/** From GitHub Actions' variables when present, else this machine and process. */
export function runIdentityFromEnv(env: NodeJS.ProcessEnv, command: string): RunIdentity {
  const machine = env["RUNNER_NAME"] || safe(hostname);
  const who = env["GITHUB_ACTOR"] || safe(() => userInfo().username);
  const holder = `${command} on ${machine} as ${who}`;
  const runId = env["GITHUB_RUN_ID"];
  if (!runId) return { holder, runId: `pid ${process.pid} on ${machine}` };
  const server = env["GITHUB_SERVER_URL"] || "https://github.com";
  const repository = env["GITHUB_REPOSITORY"];
  const attempt = env["GITHUB_RUN_ATTEMPT"];
  const url = repository
    ? `${server}/${repository}/actions/runs/${runId}${attempt ? `/attempts/${attempt}` : ""}`
    : undefined;
  return { holder, runId: url ?? runId, ...(url === undefined ? {} : { url }) };
}

function safe(read: () => string): string {
  try {
    return read();
  } catch {
    return "unknown";
  }
}
