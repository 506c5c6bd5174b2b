// The fake GitHub for tests and demos: start it, add users and repositories, point octokit at `url`.
export { FakeGitHub } from "./fake-github.js";
export type { Fault, FakeGitHubOptions, RecordedRequest } from "./fake-github.js";
export { FakeGitHubUser } from "./fake-github-user.js";
export type { OpenedPullRequest } from "./fake-github-user.js";
export { BareRepo } from "./bare-repo.js";
export type { FakeRepo, FakeUser, Permission, Access, Role } from "./world.js";
export type { MergeMethod } from "./merge-pull.js";
