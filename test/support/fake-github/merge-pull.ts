// How the fake lands a pull request on its base: a merge commit, a squash commit, or a rebase, as GitHub's
// three merge methods do. PUT /pulls/{n}/merge lands one; a merge-queue group lands several on top of each
// other before the base branch moves once.
import { pullShas } from "./render.js";
import type { FakePull, FakeRepo, FakeUser, World } from "./world.js";

export type MergeMethod = "merge" | "squash" | "rebase";

export function isMergeMethod(value: string): value is MergeMethod {
  return value === "merge" || value === "squash" || value === "rebase";
}

export interface Landed {
  /** What the base branch points to afterwards. */
  tip: string;
  /** The pull request's `merge_commit_sha`: the merge or squash commit, or the last rebased commit. */
  mergeCommitSha: string;
}

export interface LandOptions {
  method: MergeMethod;
  merger: FakeUser;
  /** The commit to land on (default: the base branch now). A merge-queue group lands on the one before. */
  onto?: string;
  title?: string;
  message?: string;
}

/**
 * Writes the commits of the merge without moving any ref; undefined when the pull request does not merge
 * cleanly (GitHub's 405 "not mergeable").
 */
export async function landCommits(
  repo: FakeRepo,
  pull: FakePull,
  options: LandOptions,
): Promise<(Landed & { head: string; base: string }) | undefined> {
  const shas = await pullShas(repo, pull);
  const base = options.onto ?? shas.base;
  const { head } = shas;
  const merger = { name: options.merger.login, email: noreply(options.merger) };
  const github = { name: "GitHub", email: "noreply@github.com" };
  if (options.method === "rebase") {
    // Rebase and merge replays each commit of the pull request on the base with a new sha; the last one
    // is the pull request's merge_commit_sha. GitHub rewrites the committer to whoever merged ("a common
    // reason [author and committer differ] when working with GitHub are rebase merges, where the committer
    // is the person who did the merge": https://github.com/orgs/community/discussions/22796).
    let tip = base;
    for (const sha of (await repo.git.commitsBetween(base, head)).reverse()) {
      const tree = await repo.git.replayTree(sha, tip);
      if (tree === undefined) return undefined;
      const info = await repo.git.commitInfo(sha);
      tip = await repo.git.commitTree(tree, [tip], `${info.message}\n`, info.author, merger);
    }
    return { tip, mergeCommitSha: tip, head, base };
  }
  const tree = await repo.git.mergeTree(base, head);
  if (tree === undefined) return undefined;
  const title =
    options.title ??
    (options.method === "squash"
      ? `${pull.title} (#${pull.number})`
      : `Merge pull request #${pull.number} from ${repo.owner}/${pull.head}`);
  const detail = options.message ?? pull.title;
  const sha = await repo.git.commitTree(
    tree,
    options.method === "squash" ? [base] : [base, head],
    `${title}\n\n${detail}\n`,
    merger,
    github,
  );
  return { tip: sha, mergeCommitSha: sha, head, base };
}

/** Records the merge on the pull request, once the base branch holds it. */
export function markMerged(
  world: World,
  pull: FakePull,
  landed: Landed & { head: string; base: string },
  by: string,
): void {
  const now = world.now();
  pull.frozenHeadSha = landed.head;
  pull.frozenBaseSha = landed.base;
  pull.state = "closed";
  pull.closedAt = now;
  pull.mergedAt = now;
  pull.updatedAt = now;
  pull.mergeCommitSha = landed.mergeCommitSha;
  pull.mergedBy = by;
}

function noreply(user: FakeUser): string {
  return `${user.id}+${user.login}@users.noreply.github.com`;
}
