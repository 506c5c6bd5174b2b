import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadPlanFile, validatePlanDocument } from "../../src/config/load-plan.js";
import { main } from "../../src/cli/main.js";
import { formatPlanFile } from "../../src/core/format-plan-file.js";
import { verifyPlanHash } from "../../src/core/hash-plan.js";
import type { Plan } from "../../src/core/plan.js";
import { REPO_ROOT, runCli } from "../support/run-cli.js";

const FIXTURES = join(REPO_ROOT, "test/fixtures/snapshots");
const PORTFOLIO = join(FIXTURES, "portfolio.yaml");
const NOW = "2026-11-24T15:00:05Z";
const dir = mkdtempSync(join(tmpdir(), "folioctl-plan-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const plan = (snapshot: string, ...extra: string[]) =>
  runCli(["plan", "--snapshot", join(FIXTURES, snapshot), "--portfolio", PORTFOLIO, "--now", NOW, ...extra]);

describe("folioctl plan --snapshot", () => {
  it("exits 2 and prints aligned tables when orders are planned", async () => {
    const run = await plan("three-etf.json");
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("Plan for DU1234567: 2 orders (1 sell, 1 buy)");
    expect(run.stdout).toMatch(
      / {2}S1 {3}SELL {8}24 {2}VTI {5}LMT {3}249\.75 {6}250\.00 {2}mid {11}2026-11-24T14:59:59Z {4}6,000\.00 {13}1\.00 {2}USD {2}out of band/,
    );
    expect(run.stdout).toContain("Cash (cash.minimum ");
    expect(run.stdout).not.toContain("\u001b[");
  });

  it("exits 0 when every holding is within its band", async () => {
    const run = await plan("in-band.json");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Nothing to do: every holding is within its band");
  });

  it("--json prints the plan document, valid, hashed, the same bytes every time", async () => {
    const first = await plan("three-etf.json", "--json");
    const second = await plan("three-etf.json", "--json");
    expect(first.code).toBe(2);
    expect(second.stdout).toBe(first.stdout);
    const document = JSON.parse(first.stdout) as Plan;
    expect(validatePlanDocument(document)).toBe(true);
    expect(verifyPlanHash(document).ok).toBe(true);
    expect([document.createdAt, document.expiresAt, document.orders.length]).toEqual([
      NOW,
      "2026-11-24T19:00:05Z",
      2,
    ]);
  });

  it("--out writes the plan file and --markdown prints the pull request body that names its hash", async () => {
    const out = join(dir, "DU1234567.plan.json");
    const run = await plan("three-etf.json", "--markdown", "--out", out);
    expect(run.code).toBe(2);
    const loaded = await loadPlanFile(out);
    if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("; "));
    expect(readFileSync(out, "utf8")).toBe(formatPlanFile(loaded.plan));
    expect(run.stdout.split("\n")[0]).toBe(
      `<!-- folioctl:plan {"account":"DU1234567","hash":"${loaded.plan.hash}"} -->`,
    );
    expect(run.stdout).toContain("```mermaid\nxychart-beta");
  });

  it("--out creates a missing folder and says on stderr what it wrote where", async () => {
    const out = join(dir, "fresh", "plans", "DU1234567.plan.json");
    const run = await plan("three-etf.json", "--json", "--out", out);
    expect(run.code).toBe(2);
    expect(readFileSync(out, "utf8")).toBe(run.stdout);
    expect(run.stderr).toBe(`folioctl: wrote the plan for DU1234567 (2 orders) to ${out}\n`);
  });

  it("exits 1 naming the symbol when a target has no price", async () => {
    const run = await plan("no-quote.json");
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `folioctl: error: ${PORTFOLIO}: targets[2]: no price for VNQ (conId 36285627): the snapshot has no bid/ask, last or close for it\n` +
        "  hint: check the market data subscription for this contract, or plan again once a quote is available\n",
    );
  });

  it("exits 1 with the file, line and column of a broken snapshot", async () => {
    const run = await plan("broken.json");
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`${join(FIXTURES, "broken.json")}:3:11: error: not valid JSON: unexpected "}"\n`);
  });

  it("exits 1 with a clear message when planning is suspended", async () => {
    const suspended = join(dir, "suspended.yaml");
    writeFileSync(suspended, readFileSync(PORTFOLIO, "utf8") + "suspend: true\n");
    const run = await runCli([
      "plan",
      "--snapshot",
      join(FIXTURES, "three-etf.json"),
      "--portfolio",
      suspended,
      "--now",
      NOW,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "folioctl: error: " +
        `${suspended}: suspend: planning is switched off (suspend: true)\n` +
        `  hint: set suspend: false in ${suspended}, in a reviewed pull request, to plan again\n`,
    );
  });

  it("refuses a snapshot whose times are not ISO 8601 (the formats in the validators compiled at build time)", async () => {
    const snapshot = JSON.parse(readFileSync(join(FIXTURES, "three-etf.json"), "utf8")) as Record<
      string,
      unknown
    >;
    const file = join(dir, "bad-time.json");
    writeFileSync(file, `${JSON.stringify({ ...snapshot, asOf: "2026-11-24 15:00" }, null, 2)}\n`);
    const run = await runCli(["plan", "--snapshot", file, "--portfolio", PORTFOLIO, "--now", NOW]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "asOf: must be an ISO 8601 date and time with a zone, for example 2026-11-24T15:00:00Z",
    );
    expect(run.stdout).toBe("");
  });

  it.each([
    [["--json", "--markdown"], "cannot be used with option"],
    [["--now", "tomorrow"], '--now "tomorrow" is not an ISO 8601 time'],
  ])("exits 64 on a wrong command line: %j", async (args, message) => {
    const run = await plan("three-etf.json", ...args);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain(message);
  });

  it("without --snapshot or a gateway, plans against the built-in simulator and says so", async () => {
    const run = await runCli(["plan", "--json"], { env: { FOLIOCTL_GATEWAY: "" } });
    expect(run.stderr).toContain(
      "no IB Gateway configured (--gateway or FOLIOCTL_GATEWAY): using the built-in simulator",
    );
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout).account).toBe("DU1234567");
  });
});

describe("colour", () => {
  const capture = (isTTY: boolean) => {
    let text = "";
    return { stream: { isTTY, write: (chunk: string) => (text += chunk) }, text: () => text };
  };
  const argv = [
    "plan",
    "--snapshot",
    join(FIXTURES, "three-etf.json"),
    "--portfolio",
    PORTFOLIO,
    "--now",
    NOW,
  ];

  it("colours on a terminal", async () => {
    const out = capture(true);
    expect(await main(argv, { stdout: out.stream, stderr: capture(false).stream, env: {} })).toBe(2);
    expect(out.text()).toContain("\u001b[31mSELL\u001b[0m");
  });

  it.each([
    ["not a terminal", false, {}],
    ["NO_COLOR set", true, { NO_COLOR: "1" }],
  ])("never colours when %s", async (_name, isTTY, env) => {
    const out = capture(isTTY);
    expect(await main(argv, { stdout: out.stream, stderr: capture(false).stream, env })).toBe(2);
    expect(out.text()).not.toContain("\u001b[");
    expect(out.text()).toContain("SELL");
  });
});

describe("writing the plan file", () => {
  it("exits 1 with a message when the plan cannot be written", async () => {
    const blocker = join(dir, "a-file");
    writeFileSync(blocker, "not a folder\n");
    const run = await plan("three-etf.json", "--out", join(blocker, "plan.json"));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`folioctl: error: cannot write the plan to ${join(blocker, "plan.json")} (`);
    expect(run.stderr).toContain(
      "hint: check that the directory is writable and that no file stands where a folder of the path should be",
    );
  });
});
