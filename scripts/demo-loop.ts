// `npm run demo:loop`: the whole GitOps loop on loopback, with the fake GitHub over a temporary bare
// repository and the IB Gateway simulator holding the example account. Every folioctl command runs
// in-process exactly as the workflows run it. Exits 0 only if every step did what it should.
// `npm run demo:loop -- --example eur` runs it for the EUR account holding USD ETFs instead
// (examples/portfolio-eur.yaml against examples/sim-state-eur.yaml): its plan converts euros (F1 on
// EUR.USD) before the buys. One example per run, as `folioctl demo --example eur` does, so that the
// default stays as quick as it was and each run tells one account's story.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { LedgerRecord } from "../src/apply/ledger.js";
import { readPlanHeader } from "../src/gitops/plan-pull-request.js";
import { EXAMPLE, LoopWorld, portfolioYaml } from "../test/gitops/support/loop-world.js";
import { check, indent, out, runDemo, show, step, StepFailed } from "./demo-steps.js";

function header(world: LoopWorld, stateFile: string): void {
  out("folioctl: the GitOps loop, end to end");
  out(`  GitHub (fake)        ${world.github.url}  acme/ops over ${world.repo.git.gitDir}`);
  out(`  IB Gateway (sim)     127.0.0.1:${world.sim.port}  account ${world.account} (${stateFile})`);
  out(`  folioctl's checkout  ${world.clone}`);
}

interface PlanFile {
  hash?: string;
  orders?: { leg: string; symbol: string }[];
}

/** propose opens the rebalance pull request; prints it and returns the plan it holds. */
async function proposeOpens(world: LoopWorld) {
  step("propose opens the rebalance pull request");
  const opened = await world.run(["propose"]);
  show("propose", opened);
  const pull = world.openBotPull();
  check(opened.code === 0 && pull !== undefined, "one rebalance pull request is open");
  if (!pull) throw new StepFailed("no pull request");
  check(
    pull.labels.join(", ") === "folioctl, folioctl: pending",
    `it is labelled ${pull.labels.map((l) => `"${l}"`).join(" and ")}`,
  );
  const planHeader = readPlanHeader(pull.body ?? "");
  const plan = JSON.parse((await world.branchFile(world.planFile)) ?? "{}") as PlanFile;
  check(
    planHeader?.hash !== undefined && planHeader.hash === plan.hash,
    `its header shows the hash of ${world.planFile} on the branch`,
  );
  out();
  out(`  --- pull request #${pull.number}: ${pull.title} ---`);
  out(indent(pull.body ?? ""));
  out("  --- end of the pull request ---");
  return { pull, plan };
}

/** propose on an unchanged world writes nothing; then alice approves and bob merges. */
async function reviewAndMerge(world: LoopWorld, pullNumber: number): Promise<string> {
  step("propose again, on an unchanged world: it changes nothing");
  const writes = world.writes().length;
  const head = await world.repo.git.branchSha(world.branch);
  const again = await world.run(["propose"]);
  show("propose", again);
  check(again.code === 0 && world.writes().length === writes, "no request changed anything on GitHub");
  check((await world.repo.git.branchSha(world.branch)) === head, "no commit was pushed");

  step("alice approves the plan and bob merges it");
  await world.alice.approve(world.repo, pullNumber);
  const mergeSha = await world.bob.merge(world.repo, pullNumber);
  check(true, `merged as ${mergeSha.slice(0, 7)}`);
  return mergeSha;
}

/** The apply workflow's run for the merge: every leg once, the ledger on main, the report commented. */
async function applyMerge(world: LoopWorld, mergeSha: string, pullNumber: number, plan: PlanFile) {
  step("the apply workflow runs on the push to main");
  const applied = await world.run(["apply", "--on-merge", "--sha", mergeSha], { FOLIOCTL_CLIENT_ID: "23" });
  show(`apply --on-merge --sha ${mergeSha.slice(0, 12)}`, applied);
  check(applied.code === 0 && applied.stdout.includes("applied in full"), "every planned order filled");
  const perRef = [...world.ordersPerRef().values()];
  check(
    perRef.length === (plan.orders ?? []).length && perRef.every((n) => n === 1),
    `the gateway received ${perRef.length} orders, each exactly once`,
  );
  const ledgerFiles = await world.filesOnMain(`ledger/${world.account}`);
  check(ledgerFiles.length === 1, `the ledger record ${ledgerFiles[0] ?? "?"} is on main`);
  const ledger = JSON.parse((await world.mainFile(ledgerFiles[0] ?? "")) ?? "{}") as LedgerRecord;
  const merged = world.repo.pulls.find((p) => p.number === pullNumber);
  check(
    merged?.labels.includes("folioctl: applied") === true,
    `#${pullNumber} is labelled "folioctl: applied"`,
  );
  const report = world.repo.comments.find(
    (c) => c.issueNumber === pullNumber && c.body.includes("apply-report"),
  );
  check(report !== undefined, `the report is commented on #${pullNumber}`);
  out();
  out(`  --- comment on #${pullNumber} ---`);
  out(indent(report?.body ?? ""));
  out("  --- end of the comment ---");
  return ledger;
}

async function showHistoryAndFinish(world: LoopWorld): Promise<void> {
  out();
  out("  $ git log --oneline --topo-order main");
  out(indent(await world.gitLogOneline()));

  step("propose once more: the account is in band, nothing to do");
  const last = await world.run(["propose"]);
  show("propose", last);
  check(last.code === 0 && last.stdout.includes("within its band"), "nothing to do");
  check(world.openBotPull() === undefined, "no rebalance pull request is open");
  check(
    world.github.violations.length === 0,
    "every request and response matched GitHub's OpenAPI description",
  );
}

/** The USD account: an intent change through a pull request, its preview, then the plan's loop. */
async function usdDemo(world: LoopWorld): Promise<void> {
  const { repo, alice, bob } = world;
  step("propose on the account as it stands: every holding is in band");
  const first = await world.run(["propose"]);
  show("propose", first);
  check(first.code === 0 && first.stdout.includes("within its band"), "nothing to do, no pull request");
  check(world.botPulls().length === 0, "no rebalance pull request exists");

  step(
    "alice edits portfolio.yaml (targets 40/35/20, cash 5) in a pull request; preview comments the trades",
  );
  await alice.push(repo, {
    branch: "rebalance-targets",
    files: { "portfolio.yaml": portfolioYaml(EXAMPLE) },
    message: "Move to 40/35/20 with 5% cash",
  });
  const intent = await alice.openPullRequest(repo, { head: "rebalance-targets", title: "Move to 40/35/20" });
  const preview = await world.run(["preview", "--pr", String(intent.number)], { FOLIOCTL_CLIENT_ID: "21" });
  show(`preview --pr ${intent.number}`, preview);
  check(
    preview.code === 0 && preview.stdout.includes("| S1 | SELL |"),
    `preview commented the trades on #${intent.number}`,
  );

  step("bob approves the intent and merges it");
  await bob.approve(repo, intent.number);
  const intentMerge = await bob.merge(repo, intent.number);
  check(
    (await world.mainFile("portfolio.yaml")) === portfolioYaml(EXAMPLE),
    `main has the new intent at ${intentMerge.slice(0, 7)}`,
  );

  const { pull, plan } = await proposeOpens(world);
  const mergeSha = await reviewAndMerge(world, pull.number);
  await applyMerge(world, mergeSha, pull.number, plan);
  await showHistoryAndFinish(world);
}

/** The EUR account holding USD ETFs: the plan converts euros first (F1 on EUR.USD), then buys. */
async function eurDemo(world: LoopWorld): Promise<void> {
  const { pull, plan } = await proposeOpens(world);
  const legs = (plan.orders ?? []).map((o) => o.leg);
  check(
    legs[0] === "F1" && legs.slice(1).every((leg) => leg.startsWith("B")),
    `the plan converts before it buys: ${legs.join(", ")}`,
  );
  check(
    /\| F1 \| SELL \| [\d,]+ \| EUR\.USD \|/.test(pull.body ?? ""),
    "the pull request shows F1 on the EUR.USD pair, with its reason and rate",
  );
  const mergeSha = await reviewAndMerge(world, pull.number);
  const cashBefore = { ...world.sim.account(world.account).cash };
  const ledger = await applyMerge(world, mergeSha, pull.number, plan);
  const placed = [...world.sim.orders()]
    .sort((a, b) => a.orderId - b.orderId)
    .map((o) => o.orderRef.split(":").pop() ?? "");
  check(
    placed.join(", ") === legs.join(", "),
    `the gateway received them in the plan's order: ${placed.join(", ")}`,
  );
  const f1 = ledger.orders.find((o) => o.leg === "F1");
  const fills = f1?.executions ?? [];
  check(
    f1?.status === "filled" && fills.length > 0,
    `the ledger records F1's fills: ${fills
      .map(
        (e) =>
          `${e.quantity.toLocaleString("en-US")} EUR at ${e.price} USD, commission ${e.commission ?? "?"} ${e.commissionCurrency ?? ""}`,
      )
      .join("; ")}, slippage ${f1?.slippageBps ?? "?"} bps`,
  );
  const cash = world.sim.account(world.account).cash;
  const money = (value = 0): string =>
    value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  check(
    (cash["USD"] ?? 0) >= 0,
    `cash at the gateway: EUR ${money(cashBefore["EUR"])} → ${money(cash["EUR"])}, USD ${money(cashBefore["USD"])} → ${money(cash["USD"])} (never below zero)`,
  );
  await showHistoryAndFinish(world);
}

const EXAMPLES = {
  usd: {
    state: "examples/sim-state.yaml",
    portfolio: undefined,
    run: usdDemo,
    done: "intent merged, plan reviewed and merged, orders applied once, ledger in git.",
  },
  eur: {
    state: "examples/sim-state-eur.yaml",
    portfolio: "examples/portfolio-eur.yaml",
    run: eurDemo,
    done: "plan with its conversion reviewed and merged, euros converted, then the buys, each once, ledger in git.",
  },
} as const;

function exampleName(args: string[]): string {
  const at = args.findIndex((a) => a === "--example" || a.startsWith("--example="));
  if (at === -1) return "usd";
  const arg = args[at] as string;
  return arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : (args[at + 1] ?? "");
}

const name = exampleName(process.argv.slice(2));
if (!(name in EXAMPLES)) {
  process.stderr.write(
    `demo:loop: no example ${JSON.stringify(name)}\n  hint: use --example usd (the default) or --example eur\n`,
  );
  process.exit(64);
}
const example = EXAMPLES[name as keyof typeof EXAMPLES];
const root = new URL("../", import.meta.url);
const world = await LoopWorld.start({
  simStateFile: example.state,
  ...(example.portfolio === undefined
    ? {}
    : {
        portfolio: await readFile(fileURLToPath(new URL(example.portfolio, root)), "utf8"),
        account: "DU2345678",
      }),
});
await runDemo(
  "demo:loop",
  world,
  async () => {
    header(world, example.state);
    if (example.portfolio !== undefined)
      out(`  portfolio.yaml       ${example.portfolio}, on main from the start`);
    await example.run(world);
  },
  `The loop works: ${example.done}`,
);
