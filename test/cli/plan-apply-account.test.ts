// `folioctl plan --account` and `apply --plan --account` in a clone of a many-account ops repository,
// through the built binary against the simulator with both accounts of one login.
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sha256Of } from "../../src/config/account-files.js";
import { accountIntentHash } from "../../src/config/ops-intent.js";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import {
  SECOND_ACCOUNT as SECOND,
  twoAccountExampleState,
} from "../gateway-sim/support/two-account-example.js";
import { REPO_ROOT, runCli } from "../support/run-cli.js";

async function twoAccountSim(): Promise<GatewaySim> {
  return startTestSim({ state: await twoAccountExampleState() });
}

describe("plan and apply --account", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "folioctl-account-"));
    cpSync(join(REPO_ROOT, "test/fixtures/accounts-repo"), dir, { recursive: true });
  });
  afterEach(async () => {
    await stopSims();
    rmSync(dir, { recursive: true, force: true });
  });

  it("plans one account from its file and model, and applies that plan with the same intent", async () => {
    const sim = await twoAccountSim();
    const gateway = ["--gateway", `127.0.0.1:${sim.port}`];
    const planned = await runCli(["plan", "--account", "du7654321", ...gateway, "--out", "plan.json"], {
      cwd: dir,
    });
    expect(planned.stderr).not.toContain("error");
    expect(planned.code).toBe(2);
    const plan = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8")) as {
      account: string;
      portfolioHash: string;
    };
    expect(plan.account).toBe(SECOND);
    const file = (path: string) => sha256Of(readFileSync(join(dir, path)));
    expect(plan.portfolioHash).toBe(
      accountIntentHash(file(`accounts/${SECOND}.yaml`), "core", file("models/core.yaml")),
    );

    // Applied as the other account's intent, it is refused; as its own, it is applied.
    const wrong = await runCli(["apply", "--plan", "plan.json", "--account", "DU1234567", ...gateway], {
      cwd: dir,
    });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain("folioctl: refused (intent-changed)");
    // The way to a new plan is the same command for the same account.
    expect(wrong.stdout).toContain("folioctl plan --account DU1234567 --out plan.json");
    const applied = await runCli(["apply", "--plan", "plan.json", "--account", SECOND, ...gateway], {
      cwd: dir,
    });
    expect(applied.stderr).not.toContain("refused");
    expect(applied.code).toBe(0);
    expect(sim.orders().length).toBeGreaterThan(0);
    expect(sim.orders().every((o) => o.account === SECOND)).toBe(true);
  });

  it("names the accounts there when --account names none, and refuses --account with --portfolio", async () => {
    const unknown = await runCli(["plan", "--account", "DU9999999", "--snapshot", "s.json"], { cwd: dir });
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain("--account DU9999999: there is no such account in this repository");
    expect(unknown.stderr).toContain("hint: pass one of: DU1234567, DU7654321");
    const both = await runCli(["plan", "--account", SECOND, "--portfolio", "p.yaml"], { cwd: dir });
    expect(both.code).toBe(64);
    expect(both.stderr).toContain("cannot be used with");
  });
});
