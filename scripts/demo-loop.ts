// `npm run demo:loop`: the whole GitOps loop on loopback, with the fake GitHub over a temporary bare
// repository and the IB Gateway simulator holding the example account. Every folioctl command runs
// in-process exactly as the workflows run it. Exits 0 only if every step did what it should.
import { EXAMPLE, LoopWorld, PLAN_FILE, portfolioYaml } from "../test/gitops/support/loop-world.js";
import { readPlanHeader } from "../src/gitops/plan-pull-request.js";
import { check, indent, out, runDemo, show, step } from "./demo-steps.js";

async function demo(world: LoopWorld): Promise<void> {
  const { repo, alice, bob } = world;
  out("folioctl: the GitOps loop, end to end");
  out(`  GitHub (fake)        ${world.github.url}  acme/ops over ${repo.git.gitDir}`);
  out(`  IB Gateway (sim)     127.0.0.1:${world.sim.port}  account DU1234567 (examples/sim-state.yaml)`);
  out(`  folioctl's checkout  ${world.clone}`);

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

  step("propose opens the rebalance pull request");
  const opened = await world.run(["propose"]);
  show("propose", opened);
  const pull = world.openBotPull();
  check(opened.code === 0 && pull !== undefined, "one rebalance pull request is open");
  if (!pull) return;
  check(
    pull.labels.join(", ") === "folioctl, folioctl: pending",
    `it is labelled ${pull.labels.map((l) => `"${l}"`).join(" and ")}`,
  );
  const header = readPlanHeader(pull.body ?? "");
  const planText = await world.branchFile(PLAN_FILE);
  const plan = JSON.parse(planText ?? "{}") as { hash?: string; orders?: { leg: string }[] };
  check(
    header?.hash !== undefined && header.hash === plan.hash,
    `its header shows the hash of ${PLAN_FILE} on the branch`,
  );
  out();
  out(`  --- pull request #${pull.number}: ${pull.title} ---`);
  out(indent(pull.body ?? ""));
  out("  --- end of the pull request ---");

  step("propose again, on an unchanged world: it changes nothing");
  const writes = world.writes().length;
  const head = await repo.git.branchSha(`folioctl/rebalance/DU1234567`);
  const again = await world.run(["propose"]);
  show("propose", again);
  check(again.code === 0 && world.writes().length === writes, "no request changed anything on GitHub");
  check((await repo.git.branchSha("folioctl/rebalance/DU1234567")) === head, "no commit was pushed");

  step("alice approves the plan and bob merges it");
  await alice.approve(repo, pull.number);
  const mergeSha = await bob.merge(repo, pull.number);
  check(true, `merged as ${mergeSha.slice(0, 7)}`);

  step("the apply workflow runs on the push to main");
  const applied = await world.run(["apply", "--on-merge", "--sha", mergeSha], { FOLIOCTL_CLIENT_ID: "23" });
  show(`apply --on-merge --sha ${mergeSha.slice(0, 12)}`, applied);
  check(applied.code === 0 && applied.stdout.includes("applied in full"), "every planned order filled");
  const perRef = [...world.ordersPerRef().values()];
  check(
    perRef.length === (plan.orders ?? []).length && perRef.every((n) => n === 1),
    `the gateway received ${perRef.length} orders, each exactly once`,
  );
  const ledger = await world.filesOnMain("ledger/DU1234567");
  check(ledger.length === 1, `the ledger record ${ledger[0] ?? "?"} is on main`);
  const merged = world.repo.pulls.find((p) => p.number === pull.number);
  check(
    merged?.labels.includes("folioctl: applied") === true,
    `#${pull.number} is labelled "folioctl: applied"`,
  );
  const report = repo.comments.find((c) => c.issueNumber === pull.number && c.body.includes("apply-report"));
  check(report !== undefined, `the report is commented on #${pull.number}`);
  out();
  out(`  --- comment on #${pull.number} ---`);
  out(indent(report?.body ?? ""));
  out("  --- end of the comment ---");
  out();
  out("  $ git log --oneline --topo-order main");
  out(indent(await world.gitLogOneline()));

  step("propose once more: the account is in band, nothing to do");
  const last = await world.run(["propose"]);
  show("propose", last);
  check(last.code === 0 && last.stdout.includes("within its band"), "nothing to do");
  check(world.openBotPull() === undefined, "no rebalance pull request is open");
  const violations = world.github.violations;
  check(violations.length === 0, "every request and response matched GitHub's OpenAPI description");
}

const world = await LoopWorld.start();
await runDemo(
  "demo:loop",
  world,
  () => demo(world),
  "The loop works: intent merged, plan reviewed and merged, orders applied once, ledger in git.",
);
