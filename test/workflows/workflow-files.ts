// Every workflow file the product ships or uses: this repository's own and the ops-repo templates.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { REPO_ROOT } from "../support/run-cli.js";

export interface WorkflowFile {
  /** Relative to the repository root, for messages. */
  path: string;
  absolutePath: string;
  /** The actionlint.yaml that applies to it. */
  actionlintConfig: string;
}

const ROOTS = [".", "templates/ops-repo"];
export const FIXTURES_DIR = join(REPO_ROOT, "test/workflows/fixtures");

export async function listWorkflowFiles(): Promise<WorkflowFile[]> {
  const files: WorkflowFile[] = [];
  for (const root of ROOTS) {
    const dir = join(REPO_ROOT, root, ".github/workflows");
    for (const name of (await readdir(dir)).sort()) {
      if (!/\.ya?ml$/.test(name)) continue;
      const path = join(root, ".github/workflows", name);
      files.push({
        path,
        absolutePath: join(REPO_ROOT, path),
        actionlintConfig: join(REPO_ROOT, root, ".github/actionlint.yaml"),
      });
    }
  }
  return files;
}
