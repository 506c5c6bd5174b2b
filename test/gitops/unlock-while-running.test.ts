// `unlock` while an apply still runs: the lock's heartbeat says the holder is alive, so unlock refuses;
// forced anyway, a second apply is still kept out, by the runner's lock file and by the gateway.
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { applyClientId } from "../../src/apply/apply-client-id.js";
import { SimpleGitRepo } from "../../src/git/simple-git-repo.js";
import { ACCOUNT, EXAMPLE, LoopWorld, portfolioYaml, stopLoopWorlds } from "./support/loop-world.js";

const VTI = 756733;

afterEach(stopLoopWorlds);

it("refuses to unlock a running apply, and after a forced unlock a second apply is refused and sends nothing", async () => {
  // Given a merged, approved plan whose apply is running: VTI's bid fell below the sell's limit (within
  // the price tolerance), so the sell rests unfilled and the apply waits for it
  const w = await LoopWorld.start();
  await w.mergeIntent(portfolioYaml(EXAMPLE));
  expect((await w.run(["propose"])).code).toBe(0);
  const number = w.openBotPull()?.number ?? 0;
  await w.alice.approve(w.repo, number);
  const sha = await w.bob.merge(w.repo, number);
  const plan = JSON.parse((await w.mainFile(`plans/${ACCOUNT}.plan.json`)) ?? "{}") as { orders: unknown[] };
  w.sim.setQuote(VTI, { bid: 249.6, ask: 249.7, last: 249.65 });
  const first = w.run(["apply", "--on-merge", "--sha", sha], {
    GITHUB_RUN_ID: "3001",
    FOLIOCTL_LOCK_HEARTBEAT: "5s",
  });
  await expect.poll(() => w.sim.orders().length, { timeout: 30_000, interval: 20 }).toBeGreaterThan(0);

  // Then its lock's heartbeat is renewed while it runs
  const operator = await SimpleGitRepo.open(await w.cloneAgain("operator"), {
    clock: { now: () => new Date() },
  });
  await expect
    .poll(
      async () => {
        const lock = await operator.readLock(ACCOUNT);
        return lock === null ? 0 : lock.heartbeatAt.getTime() - lock.acquiredAt.getTime();
      },
      { timeout: 30_000, interval: 200 },
    )
    .toBeGreaterThan(0);

  // And unlock --yes refuses, naming the holder and its run
  const refused = await w.run(["unlock", ACCOUNT, "--yes"]);
  expect(refused.code).toBe(1);
  expect(refused.stdout).toMatch(
    /held by folioctl apply --on-merge on .* \(run https:\/\/github\.com\/acme\/ops\/actions\/runs\/3001\)/,
  );
  expect(refused.stderr).toContain("not removing the lock for DU1234567: its holder is still running");

  // When the operator forces it anyway, the warning says what can happen
  const forced = await w.run(["unlock", ACCOUNT, "--yes", "--force"]);
  expect(forced.code).toBe(0);
  expect(forced.stderr).toContain("can send its orders a second time");

  // Then a second apply on the same runner is refused by the lock file
  const second = await w.run(
    ["apply", "--on-merge", "--sha", sha],
    { GITHUB_RUN_ID: "3002" },
    await w.cloneAgain("ops-2"),
  );
  expect(second.code, second.stderr).toBe(3);
  expect(second.stderr).toMatch(
    /refused \(locked\): another apply for DU1234567 is running: process \d+ on /,
  );

  // And one on another runner (its own lock directory) is refused by the gateway
  const third = await w.run(
    ["apply", "--on-merge", "--sha", sha],
    { GITHUB_RUN_ID: "3003", FOLIOCTL_LOCK_DIR: join(w.root, "other-runner-locks") },
    await w.cloneAgain("ops-3"),
  );
  expect(third.code, third.stderr).toBe(3);
  expect(third.stderr).toMatch(
    /refused \(locked\): another apply for DU1234567 is connected to the gateway at .* with client id 7\d{3}/,
  );

  // When the first apply's connection drops, it reconnects with the same client id and finishes alone:
  // every leg was placed once and recorded once
  w.sim.disconnectClient(applyClientId(ACCOUNT));
  w.sim.setQuote(VTI, { bid: 249.95, ask: 250.05, last: 250.0 });
  const done = await first;
  expect(done.code, done.stderr).toBe(0);
  expect(done.stderr).toContain("reconnected");
  expect([...w.ordersPerRef().values()]).toEqual(plan.orders.map(() => 1));
  expect(await w.filesOnMain(`ledger/${ACCOUNT}`)).toHaveLength(1);
  expect(w.repo.statuses.at(-1)).toMatchObject({ sha, state: "success" });
}, 120_000);
