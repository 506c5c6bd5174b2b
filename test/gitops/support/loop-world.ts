// The whole GitOps loop on loopback: the fake GitHub holding the ops repository (a real bare git repo),
// people acting on it through the REST API, the IB Gateway simulator with the example account, and
// folioctl's own clone of the ops repository, as actions/checkout leaves it on the runner.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { main } from "../../../src/cli/main.js";
import type { Plan } from "../../../src/core/plan.js";
import type { GatewaySim, GatewaySimOptions } from "../../../src/gateway-sim/index.js";
import { loadSimStateFile, startGatewaySim } from "../../../src/gateway-sim/index.js";
import { FakeGitHub } from "../../support/fake-github/index.js";
import { TEST_GITCONFIG } from "../../support/git-fixtures.js";
import type { FakeGitHubUser, FakeRepo } from "../../support/fake-github/index.js";

const execFileAsync = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export const ACCOUNT = "DU1234567";
export const BOT = "folioctl-ops[bot]";
export const PLAN_FILE = `plans/${ACCOUNT}.plan.json`;
export const BRANCH = `folioctl/rebalance/${ACCOUNT}`;

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Weights {
  VTI: number;
  BND: number;
  VNQ: number;
  cash: number;
}

/** The simulator's example account as it stands: every holding inside its band. */
export const IN_BAND: Weights = { VTI: 44.4, BND: 25.7, VNQ: 15.7, cash: 14.2 };
/** The example portfolio.yaml's targets: the example account is out of band against them. */
export const EXAMPLE: Weights = { VTI: 40, BND: 35, VNQ: 20, cash: 5 };

const exampleYaml = await readFile(join(REPO_ROOT, "portfolio.yaml"), "utf8");

/** The example portfolio.yaml with other weights and, optionally, further text edits. */
export function portfolioYaml(weights: Weights, edit: (yaml: string) => string = (y) => y): string {
  const yaml = exampleYaml
    .replace(/^( {4}weight: )40\b/m, `$1${weights.VTI}`)
    .replace("{ symbol: BND, weight: 35 }", `{ symbol: BND, weight: ${weights.BND} }`)
    .replace("{ symbol: VNQ, weight: 20 }", `{ symbol: VNQ, weight: ${weights.VNQ} }`)
    .replace(/^( {2}weight: )5\b/m, `$1${weights.cash}`);
  return edit(yaml);
}

/** The bot's plan for an intent change: what `mergeIntentAndPropose` leaves for the tests of a file. */
export interface Proposal {
  /** The merge of the intent change on main. */
  intentSha: string;
  /** The bot's open pull request. */
  number: number;
  /** The plan file on the bot's branch, as text and parsed. */
  planText: string;
  plan: Plan;
}

export interface LoopWorldOptions {
  /** portfolio.yaml on main at the start (default: in band, so that nothing is to be done). */
  portfolio?: string;
  /** The intent files on main at the start instead of portfolio.yaml (models/, accounts/). */
  files?: Record<string, string>;
  sim?: Partial<GatewaySimOptions>;
  /** The simulator's state file when `sim.state` is not given (default examples/sim-state.yaml). */
  simStateFile?: string;
  /** The account whose pull requests and plans the helpers look at (default DU1234567). */
  account?: string;
  /** Messages for the log of a demo; tests leave it silent. */
  say?: (line: string) => void;
}

export class LoopWorld {
  private constructor(
    readonly github: FakeGitHub,
    readonly repo: FakeRepo,
    readonly bot: FakeGitHubUser,
    /** Edits the intent and approves plans. */
    readonly alice: FakeGitHubUser,
    /** A second reviewer. */
    readonly bob: FakeGitHubUser,
    readonly sim: GatewaySim,
    readonly root: string,
    /** folioctl's clone of the ops repository, the working directory of every command. */
    readonly clone: string,
    readonly env: NodeJS.ProcessEnv,
    private readonly restoreHome: () => void,
    /** How far the fake GitHub's clock is ahead of the real one: commands' waits move it, not time. */
    private readonly clock: { skewMs: number },
    /** The account the world's helpers (botPulls, branchFile) look at. */
    readonly account: string,
  ) {}

  /** The account's rebalance branch. */
  get branch(): string {
    return `folioctl/rebalance/${this.account}`;
  }

  /** The account's plan file. */
  get planFile(): string {
    return `plans/${this.account}.plan.json`;
  }

  /** Every wait a command asked for, in milliseconds; none of them took real time. */
  readonly sleeps: number[] = [];

  /** Starts a world that `stopLoopWorlds()` (in afterEach) stops and checks. */
  static async start(options: LoopWorldOptions = {}): Promise<LoopWorld> {
    const world = await LoopWorld.create(options);
    running.add(world);
    return world;
  }

  private static async create(options: LoopWorldOptions): Promise<LoopWorld> {
    const root = await mkdtemp(join(tmpdir(), "folioctl-loop-"));
    const home = join(root, "home");
    await mkdir(home);
    await writeFile(join(home, ".gitconfig"), TEST_GITCONFIG);
    // folioctl pushes over git as the bot; people push through FakeGitHubUser, which says who they are.
    const clock = { skewMs: 0 };
    const github = await FakeGitHub.start({
      gitPusher: BOT,
      now: () => new Date(Date.now() + clock.skewMs),
    });
    const repo = await github.createRepo("acme", "ops", {
      files: {
        ...(options.files ?? { "portfolio.yaml": options.portfolio ?? portfolioYaml(IN_BAND) }),
        "README.md": "# acme/ops\n\nDesired state of the account, kept by folioctl.\n",
      },
      author: { name: "Alice", email: "alice@example.test" },
    });
    const bot = github.addUser(BOT, { type: "Bot" });
    const alice = github.addUser("alice");
    const bob = github.addUser("bob");
    // Both people may approve and merge; the bot's token is the app's, not a collaborator's.
    github.grant(repo, "alice", "write");
    github.grant(repo, "bob", "write");
    const stateFile = options.simStateFile ?? "examples/sim-state.yaml";
    const state = options.sim?.state ? undefined : await loadSimStateFile(join(REPO_ROOT, stateFile));
    if (state?.ok === false) throw new Error(`${stateFile} is not valid`);
    const sim = await startGatewaySim({
      ...(state?.ok ? { state: state.state } : {}),
      port: 0,
      logger: () => undefined,
      ...options.sim,
    });

    const gitEnv = hermeticGitEnv(home);
    const clone = join(root, "ops");
    await execFileAsync("git", ["clone", "--quiet", repo.git.gitDir, clone], { env: gitEnv });
    const env: NodeJS.ProcessEnv = {
      ...gitEnv,
      FOLIOCTL_GITHUB_TOKEN: bot.token,
      FOLIOCTL_BOT_LOGIN: BOT,
      GITHUB_REPOSITORY: "acme/ops",
      FOLIOCTL_GITHUB_API_URL: github.url,
      FOLIOCTL_GITHUB_WRITE_PACING: "off",
      FOLIOCTL_GATEWAY: `127.0.0.1:${sim.port}`,
      FOLIOCTL_CLIENT_ID: "22",
      // The runner's directory of apply lock files.
      FOLIOCTL_LOCK_DIR: join(root, "locks"),
      NO_COLOR: "1",
    };
    // simple-git runs git with this process's environment: no global git config may leak in.
    const saved = { HOME: process.env["HOME"], XDG_CONFIG_HOME: process.env["XDG_CONFIG_HOME"] };
    process.env["HOME"] = gitEnv["HOME"];
    process.env["XDG_CONFIG_HOME"] = gitEnv["XDG_CONFIG_HOME"];
    const restoreHome = (): void => {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    };
    return new LoopWorld(
      github,
      repo,
      bot,
      alice,
      bob,
      sim,
      root,
      clone,
      env,
      restoreHome,
      clock,
      options.account ?? ACCOUNT,
    );
  }

  /** Runs a folioctl command in-process, in the clone, as the runner would (main's code, the bot's token). */
  async run(
    args: string[],
    env: NodeJS.ProcessEnv = {},
    cwd = this.clone,
    wait?: (ms: number) => Promise<void>,
  ): Promise<Run> {
    let stdout = "";
    let stderr = "";
    const code = await main(args, {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: { ...this.env, ...env },
      cwd,
      debug: false,
      // A command that waits for GitHub moves the fake's clock instead of sleeping.
      // A test that needs something to happen meanwhile (a heartbeat) passes `wait` instead.
      sleep:
        wait ??
        (async (ms: number) => {
          this.sleeps.push(ms);
          this.clock.skewMs += ms;
        }),
    });
    return { code, stdout, stderr };
  }

  /** A person changes portfolio.yaml in a pull request; another approves it and merges it. */
  async mergeIntent(
    portfolio: string,
    title = "Change the allocation",
  ): Promise<{ number: number; sha: string }> {
    const branch = `intent-${this.repo.nextNumber}`;
    await this.alice.push(this.repo, { branch, files: { "portfolio.yaml": portfolio }, message: title });
    const pull = await this.alice.openPullRequest(this.repo, { head: branch, title });
    await this.bob.approve(this.repo, pull.number);
    return { number: pull.number, sha: await this.bob.merge(this.repo, pull.number) };
  }

  /** A person's intent change merged, then `folioctl propose`, which must open the bot's pull request. */
  async mergeIntentAndPropose(portfolio: string): Promise<Proposal> {
    const intentSha = (await this.mergeIntent(portfolio)).sha;
    const proposed = await this.run(["propose"]);
    if (proposed.code !== 0) throw new Error(`propose exited ${proposed.code}: ${proposed.stderr}`);
    const pull = this.openBotPull();
    if (!pull) throw new Error("propose opened no pull request");
    const planText = (await this.branchFile(this.planFile)) ?? "";
    return { intentSha, number: pull.number, planText, plan: JSON.parse(planText) as Plan };
  }

  /** Alice approves the pull request and Bob merges it; the merge commit's sha. */
  async approveAndMerge(number: number): Promise<string> {
    await this.alice.approve(this.repo, number);
    return this.bob.merge(this.repo, number);
  }

  /** A person changes intent files (a model, an account file) in a pull request; another approves and merges it. */
  async mergeIntentFiles(files: Record<string, string | null>, title = "Change the intent"): Promise<string> {
    const number = await this.openIntent(files, title);
    await this.bob.approve(this.repo, number);
    return this.bob.merge(this.repo, number);
  }

  /** A person opens a pull request changing intent files (a model, an account file; null deletes one). */
  async openIntent(files: Record<string, string | null>, title = "Change the model"): Promise<number> {
    const branch = `intent-${this.repo.nextNumber}`;
    await this.alice.push(this.repo, { branch, files, message: title });
    return (await this.alice.openPullRequest(this.repo, { head: branch, title })).number;
  }

  /** Another checkout of the ops repository, as a second runner would have. */
  async cloneAgain(name: string): Promise<string> {
    const dir = join(this.root, name);
    await execFileAsync("git", ["clone", "--quiet", this.repo.git.gitDir, dir], { env: this.env });
    return dir;
  }

  /** Deletes a branch on GitHub, as a person pressing "Delete branch" would. */
  async deleteBranch(branch: string): Promise<void> {
    await execFileAsync("git", [
      "--git-dir",
      this.repo.git.gitDir,
      "update-ref",
      "-d",
      `refs/heads/${branch}`,
    ]);
  }

  /** The bot's pull requests for the account, as GitHub holds them. */
  botPulls() {
    return this.repo.pulls.filter((pull) => pull.author === BOT && pull.head === this.branch);
  }

  openBotPull() {
    const open = this.botPulls().filter((pull) => pull.state === "open");
    if (open.length > 1) throw new Error(`${open.length} open bot pull requests`);
    return open[0];
  }

  /** Requests that changed something on GitHub (anything but reads). */
  writes() {
    return this.github.requests().filter((request) => request.method !== "GET");
  }

  async mainLog(): Promise<string[]> {
    return this.repo.git.log("refs/heads/main", "%h %s");
  }

  async mainFile(path: string): Promise<string | undefined> {
    const entry = await this.repo.git.entryAt("refs/heads/main", path);
    return entry ? (await this.repo.git.readBlob(entry.sha)).toString("utf8") : undefined;
  }

  /** A file's text at the tip of a branch (default: the bot's), or undefined. */
  async branchFile(path: string, branch = this.branch): Promise<string | undefined> {
    const entry = await this.repo.git.entryAt(`refs/heads/${branch}`, path);
    return entry ? (await this.repo.git.readBlob(entry.sha)).toString("utf8") : undefined;
  }

  /** `git log --oneline --topo-order main` of the ops repository on GitHub (newest first, parents after children). */
  async gitLogOneline(): Promise<string> {
    const { stdout } = await execFileAsync(
      "git",
      ["--git-dir", this.repo.git.gitDir, "log", "--oneline", "--topo-order", "--no-decorate", "main"],
      { env: this.env },
    );
    return stdout;
  }

  async filesOnMain(folder: string): Promise<string[]> {
    const entry = await this.repo.git.entryAt("refs/heads/main", folder);
    if (!entry) return [];
    return (await this.repo.git.listDirectory("refs/heads/main", folder)).map((e) => e.path);
  }

  /** Orders the simulator received, per orderRef: a count above 1 is an order sent twice. */
  ordersPerRef(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const order of this.sim.orders()) counts.set(order.orderRef, (counts.get(order.orderRef) ?? 0) + 1);
    return counts;
  }

  async stop(): Promise<void> {
    this.restoreHome();
    await this.sim.stop();
    await this.github.stop();
    await rm(this.root, { recursive: true, force: true });
  }
}

const running = new Set<LoopWorld>();

/** For afterEach: stops every world a test started, then fails the test on any GitHub contract violation. */
export async function stopLoopWorlds(): Promise<void> {
  const worlds = [...running];
  running.clear();
  for (const world of worlds) {
    await world.stop();
    world.github.assertNoViolations();
  }
}

/** git with an empty global config and no system config, so that the machine's settings never leak in. */
function hermeticGitEnv(home: string): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(([key]) => !/^(GIT_|GITHUB_|FOLIOCTL_|RUNNER_)/.test(key));
  return {
    ...Object.fromEntries(kept),
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: join(home, ".gitconfig"),
    GIT_TERMINAL_PROMPT: "0",
  };
}
