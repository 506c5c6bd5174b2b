// `npm run demo:loop:accounts`: the GitOps loop for two accounts of one login driven by one shared model
// (models/core.yaml with accounts/DU1234567.yaml and accounts/DU7654321.yaml), on loopback with the fake
// GitHub and the IB Gateway simulator: a model change previewed in one comment for both accounts, one
// rebalance pull request per account, both merged in one push and applied, each to its own account.
import { SECOND_ACCOUNT } from "../test/gateway-sim/support/two-account-example.js";
import { ACCOUNT, BOT, EXAMPLE, type LoopWorld } from "../test/gitops/support/loop-world.js";
import { model, twoAccountWorld } from "../test/gitops/support/two-account-world.js";
import { check, indent, out, runDemo, show, step } from "./demo-steps.js";

const ACCOUNTS = [ACCOUNT, SECOND_ACCOUNT];

async function demo(world: LoopWorld): Promise<void> {
  const { repo, alice, bob } = world;
  out("folioctl: two accounts, one model, the GitOps loop end to end");
  out(`  GitHub (fake)        ${world.github.url}  acme/ops over ${repo.git.gitDir}`);
  out(`  IB Gateway (sim)     127.0.0.1:${world.sim.port}  accounts ${ACCOUNTS.join(" and ")} on one login`);

  step("validate the repository: one model, two account files");
  const valid = await world.run(["validate"]);
  show("validate", valid);
  check(valid.code === 0, "every model and account is valid");

  step("alice changes the shared model (targets 40/35/20, cash 5); preview comments on both accounts");
  const branch = "model-40-35-20";
  await alice.push(repo, {
    branch,
    files: { "models/core.yaml": model(EXAMPLE) },
    message: "Core: 40/35/20",
  });
  const intent = await alice.openPullRequest(repo, { head: branch, title: "Core model: 40/35/20" });
  const preview = await world.run(["preview", "--pr", String(intent.number)], { FOLIOCTL_CLIENT_ID: "21" });
  show(`preview --pr ${intent.number}`, preview);
  check(
    preview.code === 0 && ACCOUNTS.every((account) => preview.stdout.includes(`#### ${account}`)),
    `one comment on #${intent.number} shows both accounts' trades, summed and per account`,
  );
  await bob.approve(repo, intent.number);
  await bob.merge(repo, intent.number);

  step("propose opens one rebalance pull request per account");
  const opened = await world.run(["propose"]);
  show("propose", opened);
  const pulls = ACCOUNTS.map((account) =>
    repo.pulls.find(
      (p) => p.author === BOT && p.head === `folioctl/rebalance/${account}` && p.state === "open",
    ),
  );
  check(opened.code === 0 && pulls.every((p) => p !== undefined), "each account has its pull request");

  step("both are approved and merged; one push brings both plans to main");
  const before = (await repo.git.branchSha("main")) ?? "";
  for (const pull of pulls) {
    await alice.approve(repo, pull?.number ?? 0);
    await bob.merge(repo, pull?.number ?? 0);
  }
  const after = (await repo.git.branchSha("main")) ?? "";

  step("the apply workflow applies each account's plan under its own lock");
  const applied = await world.run(["apply", "--on-merge", "--before", before, "--sha", after], {
    FOLIOCTL_CLIENT_ID: "23",
  });
  show(`apply --on-merge --before ${before.slice(0, 12)} --sha ${after.slice(0, 12)}`, applied);
  check(applied.code === 0, "both plans were applied in full");
  for (const account of ACCOUNTS) {
    const ledger = await world.filesOnMain(`ledger/${account}`);
    const orders = world.sim.orders().filter((o) => o.account === account);
    check(ledger.length === 1, `${account}: its ledger record is on main`);
    check(
      orders.length > 0 && new Set(orders.map((o) => o.orderRef)).size === orders.length,
      `${account}: ${orders.length} orders at the gateway, each once, all for ${account}`,
    );
  }
  out();
  out("  $ git log --oneline --topo-order main");
  out(indent(await world.gitLogOneline()));
  check(
    world.github.violations.length === 0,
    "every request and response matched GitHub's OpenAPI description",
  );
}

const world = await twoAccountWorld();
await runDemo(
  "demo:loop:accounts",
  world,
  () => demo(world),
  "Two accounts, one model: previewed together, reviewed and applied each on its own, each order once.",
);
