import { lstat, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadPortfolioFile } from "../../src/config/load-portfolio.js";
import { checkWorkflowPolicy } from "../workflows/check-workflow-policy.js";
import { createWorkflowLinter, readRunnerLabels } from "../workflows/lint-workflow.js";
import { REPO_ROOT, runCli } from "../support/run-cli.js";

const WRITTEN = [
  ".github/CODEOWNERS",
  ".github/actionlint.yaml",
  ".github/workflows/apply.yml",
  ".github/workflows/preview.yml",
  ".github/workflows/propose.yml",
  ".github/workflows/validate.yml",
  ".gitignore",
  "README.md",
  "package.json",
  "portfolio.yaml",
];
const VERSION = (JSON.parse(await readFile(join(REPO_ROOT, "package.json"), "utf8")) as { version: string })
  .version;

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), "folioctl-init-"));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Every file under dir with its content and modification time, to prove a run touched nothing. */
async function snapshot(dir: string): Promise<Map<string, { content: string; mtimeMs: number }>> {
  const files = new Map<string, { content: string; mtimeMs: number }>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(dir, path), {
      content: await readFile(path, "utf8"),
      mtimeMs: (await lstat(path)).mtimeMs,
    });
  }
  return files;
}

describe("folioctl init", () => {
  it("writes the ops repository for the given account and lists what it wrote", async () => {
    const dir = join(tmp, "ops");
    const run = await runCli(["init", dir, "--account", "U7654321", "--owner", "@acme/traders"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect([...(await snapshot(dir)).keys()].sort()).toEqual(WRITTEN);
    for (const path of WRITTEN) expect(run.stdout).toContain(`  created      ${path}\n`);

    const files = await snapshot(dir);
    for (const [path, { content }] of files) expect(content, path).not.toMatch(/__[A-Z_]+__/);
    expect(files.get("portfolio.yaml")?.content).toContain("account: U7654321 ");
    expect(files.get(".github/workflows/apply.yml")?.content).toContain("group: folioctl-apply-U7654321\n");
    expect(files.get(".github/workflows/propose.yml")?.content).toContain(
      "group: folioctl-propose-U7654321\n",
    );
    expect(JSON.parse(files.get("package.json")?.content ?? "")).toMatchObject({
      private: true,
      dependencies: { folioctl: VERSION },
    });
    const owners = files.get(".github/CODEOWNERS")?.content ?? "";
    for (const path of ["/portfolio.yaml", "/plans/", "/.github/"])
      expect(owners).toContain(`${path} @acme/traders\n`);
    expect(files.get(".gitignore")?.content).toMatch(/^node_modules\/$/m);
  });

  it("writes a portfolio.yaml that the loader accepts", async () => {
    const run = await runCli(["init", tmp, "--account", "DU7654321"]);
    expect(run.code).toBe(0);
    const loaded = await loadPortfolioFile(join(tmp, "portfolio.yaml"));
    expect(loaded.ok ? loaded.portfolio.account : loaded.errors).toBe("DU7654321");
  });

  it("takes --account in any case and writes it as IB does, in upper case", async () => {
    const run = await runCli(["init", tmp, "--account", "du7654321"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("ops repository for DU7654321");
    const loaded = await loadPortfolioFile(join(tmp, "portfolio.yaml"));
    expect(loaded.ok ? loaded.portfolio.account : loaded.errors).toBe("DU7654321");
  });

  // Needs `folioctl validate` (built on another branch): this fails until that command is merged.
  it("writes a portfolio.yaml that `folioctl validate` passes", async () => {
    expect((await runCli(["init", tmp])).code).toBe(0);
    const run = await runCli(["validate", "portfolio.yaml"], { cwd: tmp });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });

  it("--from writes where package.json installs folioctl from: the registry, a tarball URL or file, a git URL", async () => {
    await writeFile(join(tmp, "folioctl-9.9.9.tgz"), "not read by init");
    const routes: Array<[from: string, dependency: string]> = [
      ["npm", VERSION],
      [
        "https://github.com/acme/folioctl/releases/download/v9.9.9/folioctl-9.9.9.tgz",
        "https://github.com/acme/folioctl/releases/download/v9.9.9/folioctl-9.9.9.tgz",
      ],
      // Relative to the ops repository, so that the two can move together.
      [join(tmp, "folioctl-9.9.9.tgz"), "file:../folioctl-9.9.9.tgz"],
      ["git+https://github.com/acme/folioctl.git#v9.9.9", "git+https://github.com/acme/folioctl.git#v9.9.9"],
    ];
    for (const [index, [from, dependency]] of routes.entries()) {
      const dir = join(tmp, `ops-${index}`);
      const run = await runCli(["init", dir, "--from", from]);
      expect(run.code, run.stderr).toBe(0);
      const written = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as {
        dependencies: Record<string, string>;
      };
      expect(written.dependencies, from).toEqual({ folioctl: dependency });
      expect(run.stdout, from).toMatch(
        from!.startsWith("git") ? /npm install {3}#/ : /npm install --ignore-scripts/,
      );
    }
  });

  it("--from refuses what npm cannot install safely or at all, and writes nothing", async () => {
    for (const [from, message] of [
      ["http://example.com/folioctl-1.0.0.tgz", /plain http URL/],
      [join(tmp, "missing.tgz"), /no such file/],
      ["latest", /not a place folioctl can be installed from/],
    ] as const) {
      const dir = join(tmp, "ops");
      const run = await runCli(["init", dir, "--from", from]);
      expect(run.code, from).toBe(64);
      expect(run.stderr, from).toMatch(message);
      await expect(readdir(dir)).rejects.toThrow();
    }
  });

  it("writes workflows that pass actionlint and the workflow policy for a git install too", async () => {
    expect(
      (await runCli(["init", tmp, "--from", "git+https://github.com/acme/folioctl.git#v1.0.0"])).code,
    ).toBe(0);
    const lint = await createWorkflowLinter();
    const labels = await readRunnerLabels(join(tmp, ".github/actionlint.yaml"));
    for (const name of ["apply.yml", "preview.yml", "propose.yml", "validate.yml"]) {
      const source = await readFile(join(tmp, ".github/workflows", name), "utf8");
      expect(lint(source, name, labels), name).toEqual([]);
      expect(checkWorkflowPolicy(source, name), name).toEqual([]);
    }
    expect(await readFile(join(tmp, ".npmrc"), "utf8")).toMatch(/^strict-allow-scripts=true$/m);
  });

  it("writes workflows that pass actionlint and the workflow policy", async () => {
    expect((await runCli(["init", tmp, "--account", "U7654321"])).code).toBe(0);
    const lint = await createWorkflowLinter();
    const labels = await readRunnerLabels(join(tmp, ".github/actionlint.yaml"));
    expect(labels).toEqual(["folioctl", "folioctl-preview"]);
    for (const name of ["apply.yml", "preview.yml", "propose.yml", "validate.yml"]) {
      const source = await readFile(join(tmp, ".github/workflows", name), "utf8");
      expect(lint(source, name, labels), name).toEqual([]);
      expect(checkWorkflowPolicy(source, name), name).toEqual([]);
    }
  });

  it("writes into the current directory by default", async () => {
    const run = await runCli(["init"], { cwd: tmp });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(" in .\n");
    expect(await readFile(join(tmp, "portfolio.yaml"), "utf8")).toContain("account: DU1234567 ");
  });

  it("changes nothing when run twice", async () => {
    const args = ["init", tmp, "--account", "U7654321", "--owner", "@acme/traders"];
    expect((await runCli(args)).code).toBe(0);
    const before = await snapshot(tmp);
    const second = await runCli(args);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("nothing written");
    for (const path of WRITTEN) expect(second.stdout).toContain(`  unchanged    ${path}\n`);
    expect(second.stdout).not.toContain("created");
    expect(await snapshot(tmp)).toEqual(before);
  });

  it("--restore writes a deleted workflow back for the portfolio's account and leaves portfolio.yaml alone", async () => {
    expect((await runCli(["init", tmp, "--account", "U7654321", "--owner", "@acme/traders"])).code).toBe(0);
    const workflow = join(tmp, ".github/workflows/apply.yml");
    const original = await readFile(workflow, "utf8");
    const portfolio = join(tmp, "portfolio.yaml");
    const edited = (await readFile(portfolio, "utf8")).replace("account: U7654321 ", "account: U7654321  ");
    await writeFile(portfolio, edited);
    await writeFile(join(tmp, ".github/CODEOWNERS"), "/portfolio.yaml @acme/owners\n");
    await rm(workflow);

    const run = await runCli(["init", tmp, "--restore", "--owner", "@acme/traders"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("wrote 1 file(s) of the ops repository for U7654321");
    expect(run.stdout).toContain("  created      .github/workflows/apply.yml\n");
    expect(run.stdout).toContain("  kept         .github/CODEOWNERS (differs; --force replaces it)\n");
    expect(run.stdout).toContain("  untouched    portfolio.yaml\n");
    expect(await readFile(workflow, "utf8")).toBe(original);
    expect(await readFile(portfolio, "utf8")).toBe(edited);
    expect(await readFile(join(tmp, ".github/CODEOWNERS"), "utf8")).toBe("/portfolio.yaml @acme/owners\n");
  });

  it("--restore refuses an --account other than the portfolio's and writes nothing", async () => {
    expect((await runCli(["init", tmp, "--account", "U7654321"])).code).toBe(0);
    await rm(join(tmp, ".github/workflows/apply.yml"));
    const run = await runCli(["init", tmp, "--restore", "--account", "du1234567"]);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain(
      `--account DU1234567 differs from U7654321 in ${join(tmp, "portfolio.yaml")}`,
    );
    await expect(lstat(join(tmp, ".github/workflows/apply.yml"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("without --force refuses to overwrite edited files, lists them, and writes nothing", async () => {
    expect((await runCli(["init", tmp])).code).toBe(0);
    await writeFile(join(tmp, "portfolio.yaml"), "# mine\n");
    await rm(join(tmp, ".github/workflows/validate.yml"));
    const before = await snapshot(tmp);

    const run = await runCli(["init", tmp, "--account", "U7654321"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("refusing to overwrite 4 existing file(s)");
    for (const path of [
      "portfolio.yaml",
      "README.md",
      ".github/workflows/propose.yml",
      ".github/workflows/apply.yml",
    ]) {
      expect(run.stderr).toContain(`\n  ${path}\n`);
    }
    expect(run.stderr).toContain("--force");
    // All or nothing: not even the missing validate.yml was written.
    expect(await snapshot(tmp)).toEqual(before);
  });

  it("with --force replaces edited files and keeps the identical ones", async () => {
    expect((await runCli(["init", tmp])).code).toBe(0);
    await writeFile(join(tmp, "portfolio.yaml"), "# mine\n");
    const before = await snapshot(tmp);
    const run = await runCli(["init", tmp, "--force"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("  overwritten  portfolio.yaml\n");
    expect(run.stdout).toContain("  unchanged    .github/workflows/apply.yml\n");
    const after = await snapshot(tmp);
    expect(after.get("portfolio.yaml")?.content).toContain("account: DU1234567 ");
    expect(after.get(".github/workflows/apply.yml")).toEqual(before.get(".github/workflows/apply.yml"));
  });

  it("never writes through a symbolic link, even with --force", async () => {
    const outside = join(tmp, "outside.yaml");
    await writeFile(outside, "# not the ops repository\n");
    await mkdir(join(tmp, "ops"));
    await symlink(outside, join(tmp, "ops", "portfolio.yaml"));
    const run = await runCli(["init", join(tmp, "ops"), "--force"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("portfolio.yaml exists and is not a regular file");
    expect(await readFile(outside, "utf8")).toBe("# not the ops repository\n");
    expect(await readdir(join(tmp, "ops"))).toEqual(["portfolio.yaml"]);
  });

  it("says the CODEOWNERS placeholder must be replaced when no --owner is given", async () => {
    const run = await runCli(["init", tmp]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("replace @your-org/portfolio-owners in .github/CODEOWNERS");
    expect(await readFile(join(tmp, ".github/CODEOWNERS"), "utf8")).toContain(
      "/portfolio.yaml @your-org/portfolio-owners\n",
    );
  });

  it.each([
    [["--account", "not-an-account"], '--account "not-an-account" is not an IB account id'],
    [["--owner", "acme traders"], '--owner "acme traders" is not a GitHub user, team or e-mail'],
  ])("rejects %j with exit 64 and writes nothing", async (args, message) => {
    const dir = join(tmp, "ops");
    const run = await runCli(["init", dir, ...args]);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain(message);
    await expect(lstat(dir)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("fails with a message when the directory is a file", async () => {
    await writeFile(join(tmp, "ops"), "");
    const run = await runCli(["init", join(tmp, "ops")]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("a part of that path is a file");
  });
});
