import { ForgeError } from "../errors.js";
import { DEFAULT_API_URL, GitHubForge } from "./github-forge.js";
import type { GitHubForgeOptions } from "./github-forge.js";

export interface ForgeOverrides {
  /** `owner/repo`; default GITHUB_REPOSITORY. */
  repository?: string;
  /** Default FOLIOCTL_GITHUB_API_URL, then GITHUB_API_URL (set by Actions, also on GHES), then api.github.com. */
  apiUrl?: string;
}

// GitHub Actions' own token acts as this app; its PRs are authored by it and GET /user cannot say so.
const ACTIONS_BOT_LOGIN = "github-actions[bot]";

/**
 * The GitHubForge options a command gets from its environment: the token from FOLIOCTL_GITHUB_TOKEN or
 * GITHUB_TOKEN, the repository, the API URL and the bot login. The token is never part of a message.
 */
export function githubForgeOptionsFromEnv(
  env: NodeJS.ProcessEnv,
  overrides: ForgeOverrides = {},
): GitHubForgeOptions {
  const ownToken = nonEmpty(env["FOLIOCTL_GITHUB_TOKEN"]);
  const token = ownToken ?? nonEmpty(env["GITHUB_TOKEN"]);
  if (token === undefined) {
    throw new ForgeError("No GitHub token: neither FOLIOCTL_GITHUB_TOKEN nor GITHUB_TOKEN is set.", {
      hint:
        "propose and apply push the plan branch, the ledger and the lock, and must act as the folioctl GitHub " +
        "App: pass its installation token as FOLIOCTL_GITHUB_TOKEN (docs/operations.md, section 4), never the " +
        "workflow's GITHUB_TOKEN. preview only comments and may be given the workflow's token, as the preview " +
        "workflow does (`FOLIOCTL_GITHUB_TOKEN: ${{ github.token }}`). " +
        "Outside GitHub Actions, export a token with access to the ops repository as FOLIOCTL_GITHUB_TOKEN.",
    });
  }
  const repository = overrides.repository ?? nonEmpty(env["GITHUB_REPOSITORY"]);
  const parts = /^([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9._-]+)$/.exec(repository ?? "");
  if (!parts?.[1] || !parts[2]) {
    throw new ForgeError(
      repository === undefined
        ? "No repository: GITHUB_REPOSITORY is not set."
        : `The repository "${repository}" is not of the form owner/name.`,
      { hint: "Set GITHUB_REPOSITORY (or pass --repo) to owner/name of the ops repository." },
    );
  }
  const apiUrl =
    overrides.apiUrl ??
    nonEmpty(env["FOLIOCTL_GITHUB_API_URL"]) ??
    nonEmpty(env["GITHUB_API_URL"]) ??
    DEFAULT_API_URL;
  if (!URL.canParse(apiUrl) || !/^https?:$/.test(new URL(apiUrl).protocol)) {
    throw new ForgeError(`The GitHub API URL "${apiUrl}" is not an http(s) URL.`, {
      hint: "Use https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server.",
    });
  }
  const botLogin =
    nonEmpty(env["FOLIOCTL_BOT_LOGIN"]) ??
    (ownToken === undefined && env["GITHUB_ACTIONS"] === "true" ? ACTIONS_BOT_LOGIN : undefined);
  return {
    token,
    owner: parts[1],
    repo: parts[2],
    apiUrl,
    ...(botLogin === undefined ? {} : { botLogin }),
    // Test harnesses and demos on loopback turn the one-second spacing of writes off.
    paceWrites: env["FOLIOCTL_GITHUB_WRITE_PACING"] !== "off",
  };
}

export function createGitHubForge(env: NodeJS.ProcessEnv, overrides: ForgeOverrides = {}): GitHubForge {
  return new GitHubForge(githubForgeOptionsFromEnv(env, overrides));
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
