import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT, runCli } from "../support/run-cli.js";

// The many-account layout (models/<name>.yaml, accounts/<ID>.yaml) through the built binary, in a copy
// of the fixture repository that each test breaks in its own way.
const FIXTURE = join(REPO_ROOT, "test/fixtures/accounts-repo");

describe("folioctl validate of a many-account repository", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "folioctl-accounts-"));
    cpSync(FIXTURE, dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (path: string, text: string) => writeFileSync(join(dir, path), text);

  it("checks every model and account and says which accounts each model drives", async () => {
    const run = await runCli(["validate"], { cwd: dir });
    expect(run).toEqual({
      code: 0,
      stdout:
        "models/core.yaml: ok (model core, drives DU1234567, DU7654321)\n" +
        "accounts/DU1234567.yaml: ok (account DU1234567, model core, 3 targets)\n" +
        "accounts/DU7654321.yaml: ok (account DU7654321, model core, 3 targets)\n",
      stderr: "",
    });
  });

  it("checks a named account or model file with its repository, from inside it or from above", async () => {
    write("accounts/DU4444444.yaml", "account: DU4444444\nmodel: core\ntargets:\n  VTX: 30\n");
    const named = await runCli(["validate", "accounts/DU7654321.yaml", "models/core.yaml"], { cwd: dir });
    expect(named).toEqual({
      code: 0,
      stdout:
        "accounts/DU7654321.yaml: ok (account DU7654321, model core, 3 targets)\n" +
        "models/core.yaml: ok (model core, drives DU1234567, DU4444444, DU7654321)\n",
      stderr: "",
    });
    // From the folder above: the name typed, the line and column in that file.
    const above = await runCli(["validate", join(basename(dir), "accounts/DU4444444.yaml")], {
      cwd: join(dir, ".."),
    });
    expect(above.code).toBe(1);
    expect(above.stderr).toContain(
      `${join(basename(dir), "accounts/DU4444444.yaml")}:4:3: error: targets.VTX: model \`core\` (models/core.yaml) has no target VTX`,
    );
    expect(above.stderr).not.toContain("unknown key");
  });

  it("names an account's group, and places a group that is not a slug", async () => {
    write("accounts/DU7654321.yaml", "account: DU7654321\nmodel: core\ngroup: household\n");
    write("accounts/DU2222222.yaml", "account: DU2222222\nmodel: core\ngroup: Household\n");
    const run = await runCli(["validate"], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("accounts/DU1234567.yaml: ok (account DU1234567, model core, 3 targets)");
    expect(run.stdout).toContain(
      "accounts/DU7654321.yaml: ok (account DU7654321, model core, group household, 3 targets)",
    );
    expect(run.stderr).toContain(
      "accounts/DU2222222.yaml:3:8: error: group: must be a group name: lower-case letters, digits and -",
    );
  });

  it("refuses a repository holding both layouts, naming both", async () => {
    cpSync(join(REPO_ROOT, "portfolio.yaml"), join(dir, "portfolio.yaml"));
    const run = await runCli(["validate"], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "portfolio.yaml: error: the repository holds both portfolio.yaml and accounts/ or models/: it must use one layout",
    );
  });

  it("places an unknown model, a target the model lacks and a broken total in the account file", async () => {
    write("accounts/DU2222222.yaml", "account: DU2222222\nmodel: cor\n");
    write("accounts/DU4444444.yaml", "account: DU4444444\nmodel: core\ntargets:\n  VTX: 30\n");
    write(
      "accounts/DU5555555.yaml",
      "account: DU5555555\nmodel: core\ntargets:\n  BND: 30\ntrading:\n  orderType: LIMIT\n",
    );
    const run = await runCli(["validate"], { cwd: dir });
    expect(run.code).toBe(1);
    const lines = run.stderr.split("\n").filter((line) => line.includes(": error: "));
    expect(lines).toEqual([
      "accounts/DU2222222.yaml:2:8: error: model: there is no model `cor` (models/cor.yaml)",
      "accounts/DU4444444.yaml:4:3: error: targets.VTX: model `core` (models/core.yaml) has no target VTX",
      "accounts/DU5555555.yaml:3:1: error: targets: target weights (90) plus cash.weight (5) total 95, not 100",
      'accounts/DU5555555.yaml:6:14: error: trading.orderType: must be one of `MKT`, `LMT`, `ADAPTIVE`, `MOC` (got "LIMIT")',
    ]);
    expect(run.stderr).toContain("hint: name one of the models in models/: core");
    expect(run.stderr).toContain("did you mean VTI?");
    // The valid accounts are still said to be valid.
    expect(run.stdout).toContain("accounts/DU7654321.yaml: ok (account DU7654321, model core, 3 targets)");
  });

  it("refuses an account listed twice and a file named after another account, in both files", async () => {
    write("accounts/DU3333333.yaml", "account: DU1234567\nmodel: core\n");
    const run = await runCli(["validate"], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "accounts/DU1234567.yaml:1:10: error: account: account DU1234567 is listed twice: accounts/DU3333333.yaml is for it too",
    );
    expect(run.stderr).toContain(
      "accounts/DU3333333.yaml:1:10: error: account: the file is accounts/DU3333333.yaml, but it is for account DU1234567",
    );
    expect(run.stderr).toContain(
      "accounts/DU3333333.yaml:1:10: error: account: account DU1234567 is listed twice: accounts/DU1234567.yaml is for it too",
    );
  });

  it("reports a model's problem once, in the model, and marks the accounts it drives as not plannable", async () => {
    write(
      "models/core.yaml",
      "version: 1\naccount: DU1234567\nbaseCurrency: USD\ntargets:\n  - { symbol: VTI, weight: 95 }\ncash: { weight: 5 }\n",
    );
    const run = await runCli(["validate", "--json"], { cwd: dir });
    expect(run.code).toBe(1);
    const files = (JSON.parse(run.stdout) as { files: { file: string; valid: boolean; errors: unknown[] }[] })
      .files;
    expect(files.map((f) => [f.file, f.valid, f.errors.length])).toEqual([
      ["models/core.yaml", false, 1],
      ["accounts/DU1234567.yaml", false, 1],
      ["accounts/DU7654321.yaml", false, 1],
    ]);
    expect(files[0]?.errors).toEqual([expect.objectContaining({ line: 2, column: 1, path: "account" })]);
  });

  it("keeps the one-account repository as it was", async () => {
    const single = mkdtempSync(join(tmpdir(), "folioctl-single-"));
    try {
      cpSync(join(REPO_ROOT, "portfolio.yaml"), join(single, "portfolio.yaml"));
      const run = await runCli(["validate"], { cwd: single });
      expect(run).toEqual({
        code: 0,
        stdout: "portfolio.yaml: ok (account DU1234567, 3 targets)\n",
        stderr: "",
      });
    } finally {
      rmSync(single, { recursive: true, force: true });
    }
  });
});
