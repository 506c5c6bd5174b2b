// runApply before the broker: the files it reads, the intent it is given, the refusals that stop it
// before any connection, and a gateway that cannot be reached, with or without an expired plan.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runApply } from "../../src/apply/run-apply.js";
import type { Broker } from "../../src/broker/broker.js";
import { IbBroker } from "../../src/broker/ib/ib-broker.js";
import { loadPortfolioFile } from "../../src/config/load-portfolio.js";
import { InputError } from "../../src/errors.js";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import { TOOL_VERSION } from "../../src/version.js";
import { stopSims } from "../gateway-sim/support/start-test-sim.js";
import { apply, exampleSim } from "./support/apply-harness.js";
import { cleanupPlanFixtures, planFixture, type PlanFixture } from "./support/plan-fixture.js";

let sim: GatewaySim;
let fixture: PlanFixture;
let expired: PlanFixture;

beforeAll(async () => {
  sim = await exampleSim();
  fixture = await planFixture(sim, new Date());
  expired = await planFixture(sim, new Date(Date.now() - 5 * 3_600_000));
});
afterAll(async () => {
  await stopSims();
  await cleanupPlanFixtures();
});

/** The simulator's broker, counting its connections: a refusal before the broker makes none. */
function counted(): { broker: Broker; connections: () => number } {
  const inner = new IbBroker({ host: sim.host, port: sim.port, clientId: 12, timeoutMs: 3_000 });
  let connections = 0;
  const broker = Object.assign(Object.create(inner) as IbBroker, {
    connect: () => {
      connections++;
      return inner.connect();
    },
  });
  return { broker, connections: () => connections };
}

/** A copy of the fixture's plan file, edited, beside it. */
async function editedPlan(name: string, edit: (text: string) => string): Promise<string> {
  const file = join(fixture.dir, name);
  await writeFile(file, edit(await readFile(fixture.planFile, "utf8")));
  return file;
}

describe("runApply before the broker", () => {
  it("refuses a plan edited after it was made without connecting to the broker, and writes no record without a ledger directory", async () => {
    const planFile = await editedPlan("tampered.json", (t) =>
      t.replace(/"quantity": (\d+)/, (_, q) => `"quantity": ${Number(q) + 100}`),
    );
    const { broker, connections } = counted();
    const result = await runApply({
      planFile,
      portfolioFile: fixture.portfolioFile,
      broker,
      now: () => new Date(),
      toolVersion: TOOL_VERSION,
      waveTimeoutMs: 60_000,
    });
    expect(result.record.refusal?.reason).toBe("tampered");
    expect(result.exitCode).toBe(3);
    expect(result.ledgerFile).toBeUndefined();
    expect(connections()).toBe(0);
  });

  it("checks the plan against the intent it is given, not against the portfolio file", async () => {
    const loaded = await loadPortfolioFile(fixture.portfolioFile);
    if (!loaded.ok) throw new Error("the fixture's portfolio is invalid");
    const { broker, connections } = counted();
    const result = await runApply({
      planFile: fixture.planFile,
      portfolioFile: join(fixture.dir, "no-such-portfolio.yaml"),
      intent: { portfolio: loaded.portfolio, hash: "f".repeat(64) },
      broker,
      now: () => new Date(),
      toolVersion: TOOL_VERSION,
      waveTimeoutMs: 60_000,
    });
    expect(result.record.refusal?.reason).toBe("intent-changed");
    expect(connections()).toBe(0);
  });

  it("says what is wrong with an invalid portfolio.yaml, and how to fix it", async () => {
    const portfolioFile = join(fixture.dir, "broken-portfolio.yaml");
    await writeFile(portfolioFile, "account: DU1234567\n");
    const error = (await apply(sim, { ...fixture, portfolioFile }).catch((e: unknown) => e)) as InputError;
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^portfolio\.yaml is not valid:\n {2}\S/);
    expect(error.hint).toBe(
      "Fix the problems listed above; plans are written by `folioctl plan` or `folioctl propose`, never by hand.",
    );
  });

  it("says a plan file that fails its schema was edited when it no longer matches its hash", async () => {
    const planFile = await editedPlan("no-expiry.json", (t) => t.replace(/\n\s*"expiresAt": "[^"]*",/, ""));
    const error = (await apply(sim, { ...fixture, planFile }).catch((e: unknown) => e)) as InputError;
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(
      /^the plan file \(and it does not match its hash: it was edited\) is not valid:\n {2}\S/,
    );
    expect(sim.orders()).toEqual([]);
  });
});

describe("runApply when the gateway cannot be reached", () => {
  const unreachable = async (f: PlanFixture) => {
    const gone = await exampleSim();
    await gone.stop();
    return runApply({
      planFile: f.planFile,
      portfolioFile: f.portfolioFile,
      broker: new IbBroker({ host: gone.host, port: gone.port, clientId: 13, timeoutMs: 3_000 }),
      now: () => new Date(),
      toolVersion: TOOL_VERSION,
      waveTimeoutMs: 60_000,
      reconnect: { attempts: 1, initialDelayMs: 5, maxDelayMs: 5 },
    });
  };

  it("records the broker's error with its hint, and exits 1", async () => {
    const result = await unreachable(fixture);
    expect(result.exitCode).toBe(1);
    expect(result.record.outcome).toBe("error");
    // What failed, then what to do about it: the hint a person reads in the record.
    expect(result.record.error).toMatch(
      /^cannot connect to the IB Gateway \(FOLIOCTL_GATEWAY\): .+ \(Check that IB Gateway is running[^)]*\)$/,
    );
  });

  it("refuses an expired plan as expired: nothing could have been sent", async () => {
    const result = await unreachable(expired);
    expect(result.exitCode).toBe(3);
    expect(result.record.refusal?.reason).toBe("expired");
  });
});
