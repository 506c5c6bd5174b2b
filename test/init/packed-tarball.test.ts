// The install path a user takes before folioctl is on the registry: `npm pack` (what the release
// workflow attaches to a GitHub release), `folioctl init --from <tarball>`, `npm ci`, then the installed
// copy validates and plans. Offline: the tarball is a file and its dependencies come from the npm cache.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runCli, type CliRun } from "../support/run-cli.js";
import { writeOfflineOpsLock } from "./support/offline-ops-lock.js";

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const NPX = process.platform === "win32" ? "npx.cmd" : "npx";

/** Runs npm or npx with the network off and without the parent npm's per-project settings. */
function run(command: string, args: string[], cwd: string): Promise<CliRun> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    npm_config_offline: "true",
    NO_COLOR: "1",
  };
  for (const key of Object.keys(env)) if (/^npm_(package|lifecycle)_/.test(key)) delete env[key];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

let tmp: string;
let ops: string;
let tarball: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "folioctl-packed-"));
  // Packs the dist/ that `npm test` built before the tests (as every CLI test needs). The package's prepack
  // would build it too, but not while other test files run that very dist/.
  const pack = await run(NPM, ["pack", "--json", "--ignore-scripts", "--pack-destination", tmp], REPO_ROOT);
  expect(pack.code, pack.stderr).toBe(0);
  const [manifest] = JSON.parse(pack.stdout) as Array<{ filename: string }>;
  tarball = join(tmp, manifest!.filename);
  ops = join(tmp, "ops");
  const init = await runCli(["init", ops, "--account", "DU1234567", "--from", tarball]);
  expect(init.code, init.stderr).toBe(0);
  await writeOfflineOpsLock(ops, REPO_ROOT, tarball);
  const install = await run(NPM, ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], ops);
  expect(install.code, install.stderr).toBe(0);
}, 240_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("folioctl installed from its packed tarball into an ops repository made by init", () => {
  it("depends on the tarball by a path relative to the ops repository", async () => {
    const manifest = JSON.parse(await readFile(join(ops, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(manifest.dependencies).toEqual({ folioctl: `file:../${tarball.split(/[\\/]/).pop()}` });
  });

  it("ships its compiled code, and the installed copy reports the packed version", async () => {
    const { version } = JSON.parse(await readFile(join(REPO_ROOT, "package.json"), "utf8")) as {
      version: string;
    };
    const result = await run(NPX, ["--no", "--", "folioctl", "--version"], ops);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toContain(version);
  });

  it("validates the portfolio.yaml init wrote", async () => {
    const result = await run(NPX, ["--no", "folioctl", "validate", "portfolio.yaml"], ops);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code, result.stderr).toBe(0);
  });

  it("plans that portfolio against the simulator state shipped in the package", async () => {
    const state = join(ops, "node_modules/folioctl/examples/sim-state.yaml");
    const result = await run(NPX, ["--no", "folioctl", "plan", "--sim-state", state], ops);
    // 2: orders planned (the example account is off its targets).
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toMatch(/DU1234567/);
    expect(result.stdout).toMatch(/\b(BUY|SELL)\b/);
  }, 60_000);
});
