import type { PullRequest } from "./forge.js";

/** The fields folioctl reads from GitHub's pull request JSON (both the list and the full form have them). */
export interface PullRequestJson {
  number: number;
  html_url: string;
  state: string;
  merged?: boolean;
  merged_at: string | null;
  merge_commit_sha: string | null;
  closed_at: string | null;
  title: string;
  body: string | null;
  user: { login: string } | null;
  head: { ref: string; sha: string };
  base: { ref: string };
  labels: Array<{ name?: string } | string>;
}

export function toPullRequest(json: PullRequestJson): PullRequest {
  return {
    number: json.number,
    url: json.html_url,
    state: json.state === "open" ? "open" : "closed",
    // The list form has no `merged`; merged_at says the same.
    merged: json.merged ?? json.merged_at !== null,
    mergeCommitSha: json.merged_at === null ? null : json.merge_commit_sha,
    headRef: json.head.ref,
    headSha: json.head.sha,
    baseRef: json.base.ref,
    title: json.title,
    body: json.body ?? "",
    labels: json.labels
      .map((label) => (typeof label === "string" ? label : (label.name ?? "")))
      .filter(Boolean),
    author: json.user?.login ?? "",
    closedAt: json.closed_at,
    mergedAt: json.merged_at,
  };
}

export function sameLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
