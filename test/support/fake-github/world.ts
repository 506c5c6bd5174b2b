import type { BareRepo } from "./bare-repo.js";

/** Fine-grained token permissions the fake checks (GitHub's names, as in `x-accepted-github-permissions`). */
export type Permission = "pull_requests" | "issues" | "contents" | "statuses";
export type Access = "none" | "read" | "write";

export interface FakeUser {
  id: number;
  login: string;
  type: "User" | "Bot" | "Organization";
  token: string | undefined;
  /** Absent: the token may do everything. Present: a fine-grained token limited to these. */
  permissions: Partial<Record<Permission, Access>> | undefined;
  createdAt: string;
}

export interface FakePull {
  number: number;
  id: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  author: string;
  head: string;
  base: string;
  /** Set when the pull request stops following its branch (closed or merged). */
  frozenHeadSha: string | undefined;
  frozenBaseSha: string | undefined;
  labels: string[];
  draft: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  mergedBy: string | null;
}

export interface FakeComment {
  id: number;
  issueNumber: number;
  author: string;
  body: string;
  createdAt: string;
  updatedAt: string;
}

export interface FakeLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED";

export interface FakeReview {
  id: number;
  pullNumber: number;
  author: string;
  state: ReviewState;
  body: string;
  commitId: string;
  submittedAt: string;
}

export interface FakeStatus {
  id: number;
  sha: string;
  state: "error" | "failure" | "pending" | "success";
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: string;
  createdAt: string;
}

/** A collaborator's role on a repository, as GitHub names them. */
export type Role = "read" | "triage" | "write" | "maintain" | "admin";

export interface FakeRepo {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  git: BareRepo;
  createdAt: string;
  nextNumber: number;
  pulls: FakePull[];
  comments: FakeComment[];
  labels: FakeLabel[];
  reviews: FakeReview[];
  statuses: FakeStatus[];
  /** Roles given with FakeGitHub.grant, by lower-case login; the owner is admin without one. */
  collaborators: Map<string, Role>;
}

/** Everything the fake GitHub holds; handlers read and change it. */
export interface World {
  /** Where the server listens, e.g. http://127.0.0.1:41234 (the API root, as octokit's baseUrl). */
  baseUrl: string;
  users: FakeUser[];
  repos: FakeRepo[];
  now(): string;
  nextId(): number;
  /**
   * How long after a merge `GET /commits/{sha}/pulls` still answers without the merged pull request
   * (FakeGitHub.lagCommitPulls); 0 on a fake that is kinder than GitHub.
   */
  commitPullsLagMs: number;
}

export function findUser(world: World, login: string): FakeUser | undefined {
  const wanted = login.toLowerCase();
  return world.users.find((user) => user.login.toLowerCase() === wanted);
}

export function requireUser(world: World, login: string): FakeUser {
  const user = findUser(world, login);
  if (!user) throw new Error(`fake GitHub: no user ${login}`);
  return user;
}

/**
 * The account GitHub shows for a commit's email, as it maps them: a user's noreply address
 * (`ID+login@users.noreply.github.com` or `login@users.noreply.github.com`). GitHub checks no proof
 * that the person pushing owns the address; neither does the fake.
 */
export function userForEmail(world: World, email: string): FakeUser | undefined {
  const match = /^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$/i.exec(email);
  return match?.[1] === undefined ? undefined : findUser(world, match[1]);
}
