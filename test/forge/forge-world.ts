import { GitHubForge } from "../../src/forge/github-forge.js";
import type { GitHubForgeOptions } from "../../src/forge/github-forge.js";
import { planBranch } from "../../src/git/ops-repo-layout.js";
import { FakeGitHub } from "../support/fake-github/index.js";
import type { FakeGitHubOptions, FakeGitHubUser, FakeRepo } from "../support/fake-github/index.js";

/** The fake GitHub with an ops repo, the bot and two people, and a Forge acting as the bot. */
export interface ForgeWorld {
  github: FakeGitHub;
  repo: FakeRepo;
  bot: FakeGitHubUser;
  alice: FakeGitHubUser;
  bob: FakeGitHubUser;
  forge: GitHubForge;
}

export const PORTFOLIO = "account: U1\ntargets:\n  VTI: 60\n  BND: 40\n";

export async function startForgeWorld(options: FakeGitHubOptions = {}): Promise<ForgeWorld> {
  const github = await FakeGitHub.start(options);
  const repo = await github.createRepo("acme", "ops", { files: { "portfolio.yaml": PORTFOLIO } });
  const bot = github.addUser("folioctl-bot");
  const alice = github.addUser("alice");
  const bob = github.addUser("bob");
  github.grant(repo, "alice", "write");
  github.grant(repo, "bob", "maintain");
  return { github, repo, bot, alice, bob, forge: forgeAs(github, bot) };
}

/** A Forge on the fake as `user`: no write pacing and retries that do not wait, so tests stay fast. */
export function forgeAs(
  github: FakeGitHub,
  user: FakeGitHubUser,
  options: Partial<GitHubForgeOptions> = {},
): GitHubForge {
  return new GitHubForge({
    token: user.token,
    owner: "acme",
    repo: "ops",
    apiUrl: github.url,
    paceWrites: false,
    retryDelayScale: 1,
    ...options,
  });
}

/** Stops the fake, then fails the test if anything broke GitHub's contract. */
export async function stopForgeWorld(world: ForgeWorld | undefined): Promise<void> {
  if (!world) return;
  await world.github.stop();
  world.github.assertNoViolations();
}

/** What `propose` does on the git side: the plan file committed to the account's bot branch. */
export function pushPlan(world: ForgeWorld, account: string, plan: string): Promise<string> {
  return world.bot.push(world.repo, {
    branch: planBranch(account),
    files: { [`plans/${account}.plan.json`]: plan },
    message: `Plan for ${account}`,
  });
}

/** The bot's pull request for an account, as `propose` would open it. */
export async function openBotPullRequest(world: ForgeWorld, account: string, plan = `{"plan":1}\n`) {
  await pushPlan(world, account, plan);
  return world.forge.createPullRequest({
    head: planBranch(account),
    base: "main",
    title: `Rebalance ${account}`,
    body: `<!-- folioctl:plan abc -->\nPlan for ${account}`,
    labels: ["folioctl"],
  });
}
