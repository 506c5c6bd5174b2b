import { RequestError } from "octokit";
import { ForgeError, TimeoutError } from "../errors.js";

/** What was being done when GitHub said no, for the message, and what it needs, for the hint. */
export interface ForgeCall {
  /** e.g. "creating the pull request" */
  action: string;
  /** GitHub's fine-grained permission name and level, e.g. "pull_requests=write". */
  permission: string;
  repository: string;
  apiUrl: string;
  /** Values that must never appear in a message (the token). */
  secrets: readonly string[];
}

// GitHub's permission names, as a fine-grained token shows them and as a workflow grants them.
const PERMISSIONS: Record<string, { token: string; workflow: string }> = {
  pull_requests: { token: "Pull requests", workflow: "pull-requests" },
  issues: { token: "Issues", workflow: "issues" },
  contents: { token: "Contents", workflow: "contents" },
  statuses: { token: "Commit statuses", workflow: "statuses" },
};

/**
 * Turns whatever octokit threw into a ForgeError (or TimeoutError) whose message says what failed and
 * whose hint says what to change. The token never appears in either.
 */
export function toForgeError(error: unknown, call: ForgeCall): Error {
  if (error instanceof ForgeError || error instanceof TimeoutError) return error;
  const redact = (text: string): string =>
    call.secrets.reduce((out, secret) => (secret === "" ? out : out.split(secret).join("[REDACTED]")), text);
  if (!(error instanceof RequestError) || error.response === undefined) {
    return unreachable(error, call, redact);
  }
  const status = error.status;
  const data = error.response.data as { message?: unknown; errors?: unknown } | undefined;
  const said = redact(describeGitHubMessage(data));
  const where = `${call.action} on ${call.repository}`;
  switch (status) {
    case 401:
      return new ForgeError(`GitHub did not accept the token while ${where} (401: ${said}).`, {
        hint: "Set GITHUB_TOKEN or FOLIOCTL_GITHUB_TOKEN to a valid, unexpired token for this repository.",
      });
    case 403: {
      const headers = error.response.headers as Record<string, string | undefined>;
      if (headers["x-ratelimit-remaining"] === "0" || /rate limit/i.test(said)) {
        return new ForgeError(`GitHub's rate limit stopped ${where} (403: ${said}).`, {
          hint: "Wait for the limit to reset (see x-ratelimit-reset) or use a token with a higher limit, then run again.",
        });
      }
      const needed = headers["x-accepted-github-permissions"] ?? call.permission;
      return new ForgeError(
        `GitHub refused ${where}: the token lacks the permission ${needed} (403: ${said}).`,
        {
          hint: permissionHint(needed),
        },
      );
    }
    case 404:
      return new ForgeError(`GitHub found nothing while ${where} (404: ${said}).`, {
        hint:
          "Check the repository (GITHUB_REPOSITORY or --repo) and the pull request number; a private repository " +
          "also answers 404 to a token that cannot see it.",
      });
    case 422:
      return new ForgeError(`GitHub rejected ${where} as invalid (422: ${said}).`, {
        hint: "Read GitHub's reason above; it names the field or state to fix.",
      });
    default:
      if (status >= 500) {
        return new ForgeError(`GitHub failed while ${where} (${status}: ${said}), also after retries.`, {
          hint: "GitHub is having trouble; run again later (https://www.githubstatus.com).",
        });
      }
      return new ForgeError(`GitHub refused ${where} (${status}: ${said}).`, {
        hint: "Read GitHub's reason above and fix the pull request or repository state it names.",
      });
  }
}

function unreachable(error: unknown, call: ForgeCall, redact: (text: string) => string): Error {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const name = cause instanceof Error ? cause.name : "";
  const message = redact(cause instanceof Error ? cause.message : String(cause));
  if (name === "TimeoutError" || name === "AbortError") {
    return new TimeoutError(`GitHub at ${call.apiUrl} did not answer in time while ${call.action}.`, {
      hint: "Check the network to GitHub, or raise the timeout; run again, nothing was half-done by folioctl.",
    });
  }
  return new ForgeError(`Could not reach GitHub at ${call.apiUrl} while ${call.action}: ${message}.`, {
    hint: "Check the network and the API URL (FOLIOCTL_GITHUB_API_URL or GITHUB_API_URL for GitHub Enterprise Server).",
  });
}

function describeGitHubMessage(data: { message?: unknown; errors?: unknown } | undefined): string {
  const message = typeof data?.message === "string" ? data.message : "no message";
  const details = Array.isArray(data?.errors)
    ? data.errors.map((entry: unknown) => {
        if (typeof entry === "string") return entry;
        const item = entry as { message?: unknown; field?: unknown; code?: unknown; resource?: unknown };
        if (typeof item.message === "string") return item.message;
        return [item.resource, item.field, item.code].filter((part) => typeof part === "string").join(" ");
      })
    : [];
  return details.length > 0 ? `${message}: ${details.join("; ")}` : message;
}

function permissionHint(needed: string): string {
  // The header lists alternatives separated by ";" and required pairs separated by ",".
  const pairs = (needed.split(";")[0] ?? needed)
    .split(",")
    .map((pair) => pair.trim().split("="))
    .filter((pair): pair is [string, string] => pair.length === 2);
  const tokenNames = pairs.map(([name, level]) => {
    const known = PERMISSIONS[name];
    return `${known?.token ?? name}: ${level === "write" ? "Read and write" : "Read-only"}`;
  });
  const workflowNames = pairs.map(([name, level]) => `${PERMISSIONS[name]?.workflow ?? name}: ${level}`);
  return (
    `Give the token ${tokenNames.join(", ") || needed} on this repository ` +
    `(in a workflow: permissions: { ${workflowNames.join(", ") || needed} }).`
  );
}
