// GitHub's JSON shapes for the fake's objects, with every field the REST description requires, so the
// responses validate against it the way GitHub's own do.
import type { CommitInfo } from "./bare-repo.js";
import type {
  FakeComment,
  FakeLabel,
  FakePull,
  FakeRepo,
  FakeReview,
  FakeStatus,
  FakeUser,
  Role,
  World,
} from "./world.js";
import { requireUser, userForEmail } from "./world.js";

type Json = Record<string, unknown>;

function nodeId(kind: string, id: number): string {
  return Buffer.from(`${kind}:${id}`).toString("base64url");
}

export function simpleUser(world: World, user: FakeUser): Json {
  // Bot logins end in "[bot]"; GitHub percent-encodes them in URLs.
  const login = encodeURIComponent(user.login);
  const api = `${world.baseUrl}/users/${login}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId("User", user.id),
    avatar_url: `${world.baseUrl}/avatars/u/${user.id}`,
    gravatar_id: "",
    url: api,
    html_url: `${world.baseUrl}/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: user.type,
    user_view_type: "public",
    site_admin: false,
  };
}

/** GET /user: the private view of the token's own account. */
export function privateUser(world: World, user: FakeUser): Json {
  return {
    ...simpleUser(world, user),
    name: user.login,
    company: null,
    blog: "",
    location: null,
    email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: user.createdAt,
    updated_at: user.createdAt,
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: false,
  };
}

export function repository(world: World, repo: FakeRepo): Json {
  const full = `${repo.owner}/${repo.name}`;
  const api = `${world.baseUrl}/repos/${full}`;
  const html = `${world.baseUrl}/${full}`;
  const openIssues = repo.pulls.filter((pull) => pull.state === "open").length;
  return {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: full,
    owner: simpleUser(world, requireUser(world, repo.owner)),
    private: true,
    html_url: html,
    description: null,
    fork: false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_url: `git://127.0.0.1/${full}.git`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    ssh_url: `git@127.0.0.1:${full}.git`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: `file://${repo.git.gitDir}`,
    mirror_url: null,
    hooks_url: `${api}/hooks`,
    svn_url: html,
    homepage: null,
    language: null,
    license: null,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    open_issues_count: openIssues,
    open_issues: openIssues,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: false,
    archived: false,
    disabled: false,
    visibility: "private",
    pushed_at: repo.createdAt,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
  };
}

export function label(world: World, repo: FakeRepo, value: FakeLabel): Json {
  return {
    id: value.id,
    node_id: nodeId("Label", value.id),
    url: `${world.baseUrl}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(value.name)}`,
    name: value.name,
    description: value.description,
    color: value.color,
    default: false,
  };
}

export function issueComment(world: World, repo: FakeRepo, comment: FakeComment): Json {
  const api = `${world.baseUrl}/repos/${repo.owner}/${repo.name}`;
  return {
    id: comment.id,
    node_id: nodeId("IssueComment", comment.id),
    url: `${api}/issues/comments/${comment.id}`,
    html_url: `${world.baseUrl}/${repo.owner}/${repo.name}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
    body: comment.body,
    user: simpleUser(world, requireUser(world, comment.author)),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    issue_url: `${api}/issues/${comment.issueNumber}`,
    author_association: association(repo, comment.author),
    performed_via_github_app: null,
  };
}

export function review(world: World, repo: FakeRepo, value: FakeReview): Json {
  const html = `${world.baseUrl}/${repo.owner}/${repo.name}/pull/${value.pullNumber}`;
  const api = `${world.baseUrl}/repos/${repo.owner}/${repo.name}/pulls/${value.pullNumber}`;
  return {
    id: value.id,
    node_id: nodeId("PullRequestReview", value.id),
    user: simpleUser(world, requireUser(world, value.author)),
    body: value.body,
    state: value.state,
    html_url: `${html}#pullrequestreview-${value.id}`,
    pull_request_url: api,
    _links: { html: { href: `${html}#pullrequestreview-${value.id}` }, pull_request: { href: api } },
    submitted_at: value.submittedAt,
    commit_id: value.commitId,
    author_association: association(repo, value.author),
  };
}

export function status(world: World, repo: FakeRepo, value: FakeStatus): Json {
  return {
    url: `${world.baseUrl}/repos/${repo.owner}/${repo.name}/statuses/${value.sha}`,
    avatar_url: null,
    id: value.id,
    node_id: nodeId("StatusContext", value.id),
    state: value.state,
    description: value.description,
    target_url: value.targetUrl,
    context: value.context,
    created_at: value.createdAt,
    updated_at: value.createdAt,
    creator: simpleUser(world, requireUser(world, value.creator)),
  };
}

/** One commit of a pull request's commit list; author and committer are the accounts the emails map to. */
export function commit(world: World, repo: FakeRepo, info: CommitInfo): Json {
  const api = `${world.baseUrl}/repos/${repo.owner}/${repo.name}`;
  const html = `${world.baseUrl}/${repo.owner}/${repo.name}`;
  const account = (email: string): Json | null => {
    const user = userForEmail(world, email);
    return user ? simpleUser(world, user) : null;
  };
  return {
    url: `${api}/commits/${info.sha}`,
    sha: info.sha,
    node_id: nodeId("Commit", parseInt(info.sha.slice(0, 8), 16)),
    html_url: `${html}/commit/${info.sha}`,
    comments_url: `${api}/commits/${info.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${info.sha}`,
      author: { ...info.author },
      committer: { ...info.committer },
      message: info.message,
      comment_count: 0,
      tree: { sha: info.tree, url: `${api}/git/trees/${info.tree}` },
      verification: {
        verified: false,
        reason: "unsigned",
        payload: null,
        signature: null,
        verified_at: null,
      },
    },
    author: account(info.author.email),
    committer: account(info.committer.email),
    parents: info.parents.map((sha) => ({
      sha,
      url: `${api}/commits/${sha}`,
      html_url: `${html}/commit/${sha}`,
    })),
  };
}

/** GET collaborators/{username}/permission: `permission` is the legacy name (maintain reads write, triage read). */
export function collaboratorPermission(world: World, user: FakeUser, role: Role | undefined): Json {
  const legacy: Record<Role, string> = {
    admin: "admin",
    maintain: "write",
    write: "write",
    triage: "read",
    read: "read",
  };
  const rank = ["read", "triage", "write", "maintain", "admin"];
  const level = role === undefined ? -1 : rank.indexOf(role);
  return {
    permission: role === undefined ? "none" : legacy[role],
    role_name: role ?? "none",
    user: {
      ...simpleUser(world, user),
      permissions: {
        pull: level >= 0,
        triage: level >= 1,
        push: level >= 2,
        maintain: level >= 3,
        admin: level >= 4,
      },
      role_name: role ?? "none",
    },
  };
}

/** The shas a pull request shows: its branches while open, what they were when it closed after that. */
export async function pullShas(repo: FakeRepo, pull: FakePull): Promise<{ head: string; base: string }> {
  const head = pull.frozenHeadSha ?? (await repo.git.branchSha(pull.head));
  const base = pull.frozenBaseSha ?? (await repo.git.branchSha(pull.base));
  if (!head || !base) throw new Error(`fake GitHub: #${pull.number} lost its branches`);
  return { head, base };
}

/** The list form (`pull-request-simple`); `full` adds what GET /pulls/{n} and writes return. */
export async function pullRequest(
  world: World,
  repo: FakeRepo,
  pull: FakePull,
  full: boolean,
): Promise<Json> {
  const shas = await pullShas(repo, pull);
  const api = `${world.baseUrl}/repos/${repo.owner}/${repo.name}`;
  const html = `${world.baseUrl}/${repo.owner}/${repo.name}/pull/${pull.number}`;
  const self = `${api}/pulls/${pull.number}`;
  const author = requireUser(world, pull.author);
  const owner = requireUser(world, repo.owner);
  const repoJson = repository(world, repo);
  const labels = pull.labels.flatMap((name) => {
    const found = repo.labels.find((candidate) => candidate.name === name);
    if (!found) return [];
    // The list form's description is not nullable in GitHub's description; the full form's is.
    const json = label(world, repo, found);
    return [full ? json : { ...json, description: json["description"] ?? "" }];
  });
  const simple: Json = {
    url: self,
    id: pull.id,
    node_id: nodeId("PullRequest", pull.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pull.number}`,
    commits_url: `${self}/commits`,
    review_comments_url: `${self}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pull.number}/comments`,
    statuses_url: `${api}/statuses/${shas.head}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: simpleUser(world, author),
    body: pull.body,
    labels,
    milestone: null,
    active_lock_reason: null,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: {
      label: `${repo.owner}:${pull.head}`,
      ref: pull.head,
      sha: shas.head,
      user: simpleUser(world, owner),
      repo: repoJson,
    },
    base: {
      label: `${repo.owner}:${pull.base}`,
      ref: pull.base,
      sha: shas.base,
      user: simpleUser(world, owner),
      repo: repoJson,
    },
    _links: {
      self: { href: self },
      html: { href: html },
      issue: { href: `${api}/issues/${pull.number}` },
      comments: { href: `${api}/issues/${pull.number}/comments` },
      review_comments: { href: `${self}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${self}/commits` },
      statuses: { href: `${api}/statuses/${shas.head}` },
    },
    author_association: association(repo, pull.author),
    auto_merge: null,
    draft: pull.draft,
  };
  if (!full) return simple;
  const merged = pull.mergedAt !== null;
  // GitHub computes mergeability only for open pull requests; a real three-way merge decides it here.
  const mergeable =
    pull.state === "open" ? (await repo.git.mergeTree(shas.base, shas.head)) !== undefined : null;
  const stats = await repo.git.diffStats(shas.base, shas.head);
  const commits = (await repo.git.commitsBetween(shas.base, shas.head)).length;
  return {
    ...simple,
    merged,
    mergeable,
    rebaseable: mergeable,
    mergeable_state: mergeable === null ? "unknown" : mergeable ? "clean" : "dirty",
    merged_by: pull.mergedBy === null ? null : simpleUser(world, requireUser(world, pull.mergedBy)),
    comments: repo.comments.filter((comment) => comment.issueNumber === pull.number).length,
    review_comments: 0,
    maintainer_can_modify: false,
    commits,
    additions: stats.additions,
    deletions: stats.deletions,
    changed_files: stats.files,
  };
}

function association(repo: FakeRepo, login: string): string {
  return login.toLowerCase() === repo.owner.toLowerCase() ? "OWNER" : "COLLABORATOR";
}
