// `npm run demo:loop` as a person runs it on a fresh clone: TypeScript through ts-node, no build needed.
import { spawn } from "node:child_process";
import { expect, it } from "vitest";
import { REPO_ROOT } from "../support/run-cli.js";

function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(GITHUB_|FOLIOCTL_)/.test(key)),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "./scripts/register-ts.mjs", "scripts/demo-loop.ts"], {
      cwd: REPO_ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
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
}, 70_000);
