// The account groups the workflows run: `init --accounts` writes preview, propose and apply with one job
// per group (a matrix). An account whose group has no job there would silently never be previewed,
// proposed or applied; a job whose group has no account fails every run. `validate` says both, at the
// account file's `group:` and at the matrix entry.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { DEFAULT_GROUP } from "./account-files.js";
import type { Diagnostic } from "./diagnostic.js";
import type { OpsIntent, OpsTree } from "./ops-intent.js";

const FANNED_OUT = ["preview.yml", "propose.yml", "apply.yml"] as const;

interface MatrixGroup {
  group: string;
  line: number;
  column: number;
}

/** The groups of each fanned-out workflow's matrix; a workflow without a group matrix is not listed. */
async function matrixGroups(tree: OpsTree): Promise<Map<string, MatrixGroup[]>> {
  const found = new Map<string, MatrixGroup[]>();
  for (const name of FANNED_OUT) {
    const file = `.github/workflows/${name}`;
    const bytes = await tree.readFile(file);
    if (bytes === null) continue;
    const lineCounter = new LineCounter();
    const doc = parseDocument(Buffer.from(bytes).toString("utf8"), { lineCounter });
    const groups: MatrixGroup[] = [];
    const jobs = doc.get("jobs");
    for (const job of isMap(jobs) ? jobs.items : []) {
      const include = isMap(job.value) ? job.value.getIn(["strategy", "matrix", "include"], true) : undefined;
      for (const entry of isSeq(include) ? include.items : []) {
        const node = isMap(entry) ? (entry.get("group", true) as Node | undefined) : undefined;
        if (!isScalar(node) || typeof node.value !== "string") continue;
        const position = lineCounter.linePos(node.range?.[0] ?? 0);
        groups.push({ group: node.value, line: position.line, column: position.col });
      }
    }
    if (groups.length > 0) found.set(file, groups);
  }
  return found;
}

/**
 * Problems between the accounts' groups and the workflows' matrices, for a repository whose workflows
 * fan out over groups (none otherwise).
 */
export async function workflowGroupProblems(tree: OpsTree, intent: OpsIntent): Promise<Diagnostic[]> {
  const matrices = await matrixGroups(tree);
  if (matrices.size === 0 || intent.layout !== "accounts") return [];
  const problems: Diagnostic[] = [];
  const accountGroups = new Map<string, string>();
  for (const entry of intent.accounts) {
    const group = entry.ok ? entry.intent.group : entry.group;
    if (group !== undefined) accountGroups.set(entry.account, group);
  }
  for (const [account, group] of accountGroups) {
    const missing = [...matrices].filter(([, groups]) => !groups.some((g) => g.group === group));
    if (missing.length === 0) continue;
    const file = `accounts/${account}.yaml`;
    const place = await groupPosition(tree, file);
    const workflows = missing.map(([workflow]) => workflow).join(", ");
    problems.push({
      file,
      ...place,
      path: place.line === 0 ? "" : "group",
      message: `group \`${group}\` has no job in the matrix of ${workflows}: nothing would run for ${account} there`,
      hint:
        `add \`- group: ${group}\` with its runner and gateway secret to each matrix (\`folioctl init --accounts ... ` +
        "--group ... --force` rewrites the workflows), or put the account in a group that has one",
    });
  }
  const named = new Set(accountGroups.values());
  for (const [file, groups] of matrices) {
    for (const entry of groups) {
      if (named.has(entry.group)) continue;
      problems.push({
        file,
        line: entry.line,
        column: entry.column,
        path: "strategy.matrix.include.group",
        message: `group \`${entry.group}\` names no account: its job would fail every run`,
        hint:
          entry.group === DEFAULT_GROUP
            ? "remove this matrix entry, or keep an account without `group:`"
            : `remove this matrix entry, or give an account \`group: ${entry.group}\``,
      });
    }
  }
  return problems;
}

/** Where an account file says `group:` (its value), or the whole file when it does not. */
async function groupPosition(tree: OpsTree, file: string): Promise<{ line: number; column: number }> {
  const bytes = await tree.readFile(file);
  const lines = bytes === null ? [] : Buffer.from(bytes).toString("utf8").split("\n");
  const index = lines.findIndex((line) => /^group\s*:/.test(line));
  if (index === -1) return { line: 0, column: 0 };
  const line = lines[index] ?? "";
  const value = /^group\s*:\s*/.exec(line)?.[0].length ?? 0;
  return { line: index + 1, column: value + 1 };
}
