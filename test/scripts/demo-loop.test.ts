// `npm run demo:loop` as a person runs it on a fresh clone: TypeScript through ts-node, no build needed.
import { spawn } from "node:child_process";
import { expect, it } from "vitest";
import { REPO_ROOT } from "../support/run-cli.js";

function runDemo(args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(GITHUB_|FOLIOCTL_)/.test(key)),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "./scripts/register-ts.mjs", "scripts/demo-loop.ts", ...args],
      {
        cwd: REPO_ROOT,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), 100_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

it("npm run demo:loop walks the whole loop and exits 0", async () => {
  const run = await runDemo();

  expect(run.stderr).not.toContain("FAILED");
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("--- pull request #2: Rebalance DU1234567: 1 sell, 2 buys ---");
  expect(run.stdout).toContain("ok: no request changed anything on GitHub");
  expect(run.stdout).toMatch(/Apply of plan [0-9a-f]{12} for DU1234567: applied in full/);
  expect(run.stdout).toMatch(
    /\$ git log --oneline --topo-order main\n {4}[0-9a-f]{7} folioctl ledger: applied plan/,
  );
  expect(run.stdout).toContain("The loop works");
  expect(run.stdout.match(/^ {2}ok: /gm)?.length).toBeGreaterThanOrEqual(15);
}, 110_000);

it("npm run demo:loop -- --example eur converts euros before the buys, each leg once, fills in the ledger", async () => {
  const run = await runDemo(["--example", "eur"]);

  expect(run.stderr).not.toContain("FAILED");
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("account DU2345678 (examples/sim-state-eur.yaml)");
  expect(run.stdout).toContain("--- pull request #1: Rebalance DU2345678: 0 sells, 1 conversion, 3 buys ---");
  expect(run.stdout).toMatch(/\| F1 \| SELL \| [\d,]+ \| EUR\.USD \| LMT \|/);
  expect(run.stdout).toContain("ok: the plan converts before it buys: F1, B1, B2, B3");
  expect(run.stdout).toContain("ok: the gateway received them in the plan's order: F1, B1, B2, B3");
  expect(run.stdout).toMatch(/ok: the ledger records F1's fills: [\d,]+ EUR at 1\.08\d* USD, commission/);
  expect(run.stdout).toMatch(/Apply of plan [0-9a-f]{12} for DU2345678: applied in full/);
  expect(run.stdout).toContain("ok: nothing to do");
  expect(run.stdout).toContain("The loop works: plan with its conversion reviewed and merged");
}, 110_000);

it("npm run demo:loop -- --example gbp names the examples there are and exits 64", async () => {
  const run = await runDemo(["--example", "gbp"]);

  expect(run.code).toBe(64);
  expect(run.stderr).toBe(
    'demo:loop: no example "gbp"\n  hint: use --example usd (the default) or --example eur\n',
  );
  expect(run.stdout).toBe("");
}, 110_000);
