// docs/operations.md promises that every command in it works: check that its commands are the ones the
// workflows and the CLI really have, and that every secret, environment and label the templates use is
// documented.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { REPO_ROOT, runCli } from "../support/run-cli.js";
import { readRunnerLabels } from "./lint-workflow.js";
import { listWorkflowFiles } from "./workflow-files.js";

const doc = await readFile(join(REPO_ROOT, "docs/operations.md"), "utf8");
const templates = (await listWorkflowFiles()).filter((w) => w.path.startsWith("templates/"));
const templateSources = await Promise.all(templates.map((w) => readFile(w.absolutePath, "utf8")));

/** Every command line of the doc's sh blocks, continuation lines joined. */
function shellCommands(): string[] {
  const blocks = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
  return (
    blocks
      .flatMap((block) => block.replace(/\\\n\s*/g, "").split("\n"))
      .flatMap((line) => line.split(/\s*&&\s*/))
      .map((line) => line.trim())
      .filter((line) => line !== "")
      // `NAME=$(command)` runs the command inside.
      .map((line) => /^[A-Z_]+=\$\((.*)\)$/.exec(line)?.[1] ?? line)
  );
}
/** Inline commands such as `gh workflow run propose.yml` in the prose. */
const inlineCommands = [...doc.matchAll(/`((?:gh|git|npm|npx) [^`]+)`/g)]
  .map((m) => m[1] ?? "")
  .filter((command) => !command.endsWith("..."));
const commands = [...shellCommands(), ...inlineCommands];

let tmp: string | undefined;

/** What the doc's `init --group` line writes: every gateway secret its matrices name, and its labels. */
async function groupedRepository(): Promise<{ secrets: string[]; labels: string[] }> {
  const line = commands.find((c) => /folioctl\S* init .*--group /.test(c));
  expect(line).toBeDefined();
  tmp = await mkdtemp(join(tmpdir(), "folioctl-doc-"));
  const run = await runCli(["init", ...(line ?? "").replace(/^.* init /, "").split(/\s+/)], { cwd: tmp });
  expect(run.code, run.stderr).toBe(0);
  const secrets = new Set<string>();
  for (const name of ["apply.yml", "preview.yml", "propose.yml"]) {
    const source = await readFile(join(tmp, ".github/workflows", name), "utf8");
    for (const match of source.matchAll(/^ +gateway: (\w+)$/gm)) secrets.add(match[1] ?? "");
  }
  const labels = await readRunnerLabels(join(tmp, ".github/actionlint.yaml"));
  return { secrets: [...secrets], labels };
}
afterEach(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
  tmp = undefined;
});

describe("docs/operations.md", () => {
  it("uses only git, gh, npm and folioctl (and the shell to move around)", () => {
    expect(commands.length).toBeGreaterThan(20);
    for (const command of commands) {
      const program = command.replace(/^([A-Z_]+=("[^"]*"|\S+)\s+)*/, "").split(/\s+/)[0];
      expect(["git", "gh", "npm", "npx", "mkdir", "cd"], command).toContain(program);
    }
  });

  it("runs folioctl only with its real commands", () => {
    const folioctl = commands.filter((c) => c.includes("npx "));
    expect(folioctl.length).toBeGreaterThan(0);
    for (const command of folioctl) {
      expect(command, command).toMatch(
        /npx (--no|--yes)( --package=\S+)? folioctl(@\d+\.\d+\.\d+)? (init|validate|preview --pr|propose|apply --on-merge|unlock|snapshot --gateway) /,
      );
    }
  });

  it("shows init command lines (one per install route) that the CLI accepts", async () => {
    const lines = commands.filter((c) => /folioctl\S* init /.test(c));
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) {
      const args = line.replace(/^.* init /, "").split(/\s+/);
      tmp = await mkdtemp(join(tmpdir(), "folioctl-doc-"));
      const run = await runCli(["init", ...args], { cwd: tmp });
      expect(run.stderr, line).toBe("");
      expect(run.code, line).toBe(0);
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it("names only workflows that init writes", () => {
    const names = templates.map((w) => w.path.split("/").pop());
    const mentioned = commands.flatMap((c) => [
      ...c.matchAll(/gh (?:workflow \w+|run list --workflow) (\S+)/g),
    ]);
    expect(mentioned.length).toBeGreaterThan(0);
    for (const match of mentioned) expect(names).toContain(match[1]);
  });

  it("documents every secret, environment and runner label the workflows use, per group too", async () => {
    const used = new Set(templateSources.flatMap((s) => [...s.matchAll(/secrets\.(\w+)/g)].map((m) => m[1])));
    expect([...used].sort()).toEqual([
      "FOLIOCTL_APP_CLIENT_ID",
      "FOLIOCTL_APP_PRIVATE_KEY",
      "FOLIOCTL_GATEWAY",
      "FOLIOCTL_READONLY_GATEWAY",
    ]);
    const set = new Set(commands.flatMap((c) => [...c.matchAll(/gh secret set (\w+)/g)].map((m) => m[1])));
    // The workflows `init --group` writes read each group's gateway secret by the name in their matrix.
    const grouped = await groupedRepository();
    expect(grouped.secrets.length).toBeGreaterThan(2);
    expect(set).toEqual(new Set([...used, ...grouped.secrets]));
    for (const label of grouped.labels) expect(doc).toContain(`--labels ${label}`);
    for (const source of templateSources) {
      for (const match of source.matchAll(/environment: (\S+)/g))
        expect(doc).toContain(`**\`${match[1]}\`**`);
    }
    const labels = await readRunnerLabels(join(REPO_ROOT, "templates/ops-repo/.github/actionlint.yaml"));
    for (const label of labels) expect(doc).toContain(`--labels ${label}`);
  });
});
