// The real adapters the GitOps commands are built on, from flags and the environment: the commit
// identity, the ops repository clone, and the gateway, which these commands never replace with the
// simulator. The CLI tests reach them only through the built binary; these call them directly.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePortfolio } from "../../src/config/load-portfolio.js";
import { ForgeError, UsageError } from "../../src/errors.js";
import {
  createForge,
  gatewaySnapshot,
  gatewaySnapshots,
  gitIdentityFromEnv,
  openOpsRepo,
  requireGateway,
} from "../../src/gitops/gitops-context.js";
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import { ACCOUNT } from "../gateway-sim/support/test-state.js";
import { createGitSandbox, type GitSandbox } from "../support/git-fixtures.js";

const NOW = new Date("2026-11-24T15:00:00Z");
const clock = { now: () => NOW };

describe("gitIdentityFromEnv", () => {
  it("commits as FOLIOCTL_GIT_NAME <FOLIOCTL_GIT_EMAIL>, trimmed", () => {
    expect(
      gitIdentityFromEnv({ FOLIOCTL_GIT_NAME: " Ops Bot ", FOLIOCTL_GIT_EMAIL: " ops@example.com\n" }),
    ).toEqual({
      name: "Ops Bot",
      email: "ops@example.com",
    });
  });

  it("falls back to folioctl[bot] for each part that is unset or blank", () => {
    const bot = { name: "folioctl[bot]", email: "folioctl[bot]@users.noreply.github.com" };
    expect(gitIdentityFromEnv({})).toEqual(bot);
    expect(gitIdentityFromEnv({ FOLIOCTL_GIT_NAME: "  ", FOLIOCTL_GIT_EMAIL: "" })).toEqual(bot);
    expect(gitIdentityFromEnv({ FOLIOCTL_GIT_NAME: "Ops Bot" })).toEqual({ ...bot, name: "Ops Bot" });
    expect(gitIdentityFromEnv({ FOLIOCTL_GIT_EMAIL: "ops@example.com" })).toEqual({
      ...bot,
      email: "ops@example.com",
    });
  });
});

describe("createForge", () => {
  it("builds GitHub's forge from the environment, which must hold a token", () => {
    expect(() => createForge({})).toThrow(ForgeError);
    expect(() => createForge({})).toThrow("No GitHub token");
  });
});

describe("requireGateway", () => {
  it("refuses to run without a gateway, naming the command and both ways to give one", () => {
    let error: unknown;
    try {
      requireGateway({}, {}, "folioctl propose");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe("folioctl propose needs an IB Gateway: none is configured");
    expect((error as UsageError).hint).toBe(
      "Pass --gateway HOST:PORT or set FOLIOCTL_GATEWAY (the read-only gateway is enough for propose and preview).",
    );
  });

  it("takes the flag or the environment", () => {
    expect(requireGateway({ gateway: "127.0.0.1:4002", clientId: "9" }, {}, "x")).toEqual({
      host: "127.0.0.1",
      port: 4002,
      clientId: 9,
    });
    expect(requireGateway({}, { FOLIOCTL_GATEWAY: "10.0.0.5:4001" }, "x")).toMatchObject({
      host: "10.0.0.5",
      port: 4001,
    });
  });
});

describe("openOpsRepo", () => {
  let sandbox: GitSandbox;
  let clone: string;
  beforeAll(async () => {
    sandbox = await createGitSandbox();
    clone = await sandbox.clone("ops");
  });
  afterAll(() => sandbox.cleanup());

  const flags = { remote: "origin", mainBranch: "main" };

  it("opens --repo relative to the working directory, or the working directory itself", async () => {
    const named = await openOpsRepo({ ...flags, repo: "ops" }, {}, join(clone, ".."), clock);
    expect(named.dir).toBe(clone);
    const here = await openOpsRepo(flags, {}, clone, clock);
    expect(here.dir).toBe(clone);
    expect(await here.mainHead()).toBe(await sandbox.originRef("refs/heads/main"));
  });

  it("commits as the identity the environment names", async () => {
    const repo = await openOpsRepo(
      flags,
      { FOLIOCTL_GIT_NAME: "Ops Bot", FOLIOCTL_GIT_EMAIL: "ops@example.com" },
      clone,
      clock,
    );
    const commit = await repo.commitPlan({ account: ACCOUNT, content: "{}\n", message: "plan" });
    const author = await sandbox.git(clone, ["log", "-1", "--format=%an <%ae> / %cn <%ce>", commit.sha]);
    expect(author.trim()).toBe("Ops Bot <ops@example.com> / Ops Bot <ops@example.com>");
  });
});

describe("gatewaySnapshot and gatewaySnapshots", () => {
  afterAll(() => stopSims());

  it("read the account from the gateway at the clock's time", async () => {
    const sim = await startTestSim();
    const address = { host: sim.host, port: sim.port, clientId: 31 };
    const text = `version: 1\naccount: ${ACCOUNT}\nbaseCurrency: USD\ntargets:\n  - { symbol: VTI, weight: 90 }\ncash: { weight: 10 }\n`;
    const parsed = parsePortfolio(Buffer.from(text), "portfolio.yaml");
    if (!parsed.ok) throw new Error("the test's portfolio.yaml is invalid");
    const one = await gatewaySnapshot(address, clock)(parsed.portfolio);
    expect(one).toMatchObject({ account: ACCOUNT, asOf: NOW.toISOString() });
    const many = await gatewaySnapshots(address, clock)([parsed.portfolio]);
    expect(many.map((s) => [s.account, s.asOf])).toEqual([[ACCOUNT, NOW.toISOString()]]);
  });
});
