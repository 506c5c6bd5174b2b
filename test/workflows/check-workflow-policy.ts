// folioctl's security rules for GitHub Actions workflows (architecture.md section 6), checked on the YAML
// itself. actionlint checks that a workflow is well formed; these rules check what it is allowed to do.
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from "yaml";
import type { Node, YAMLMap } from "yaml";

export const POLICY_RULES = [
  "top-permissions",
  "job-permissions",
  "pinned-uses",
  "self-hosted-pull-request",
  "pr-target-checkout",
  "pr-target-fork",
  "apply-protection",
  "expression-in-run",
] as const;
export type PolicyRule = (typeof POLICY_RULES)[number];

export interface PolicyFinding {
  file: string;
  /** 1-based. */
  line: number;
  rule: PolicyRule;
  message: string;
}

// Triggers whose runs execute the pull request's own files (the merge commit or the head).
const PR_CODE_TRIGGERS = ["pull_request", "pull_request_review", "pull_request_review_comment"];
// Triggers that run with the base repository's secrets and write token while a pull request is involved.
const PRIVILEGED_PR_TRIGGERS = ["pull_request_target", "workflow_run"];
// The only checkout refs a privileged job may ask for: the base branch, never the pull request.
const SAFE_CHECKOUT_REFS = new Set([
  "${{ github.event.pull_request.base.sha }}",
  "${{ github.event.pull_request.base.ref }}",
  "${{ github.base_ref }}",
  "${{ github.sha }}",
  "${{ github.ref }}",
]);
// Shell commands that fetch or switch to other code than the checked-out base.
const CODE_FETCHING_COMMAND =
  /\bgh\s+pr\s+checkout\b|\bgit\s+(fetch|checkout|switch|pull|worktree|merge|rebase|reset|cherry-pick)\b|refs\/pull\//;
const SAME_REPOSITORY_CONDITIONS = [
  "github.event.pull_request.head.repo.full_name == github.repository",
  "github.repository == github.event.pull_request.head.repo.full_name",
  "github.event.pull_request.head.repo.fork == false",
  "!github.event.pull_request.head.repo.fork",
];
const FULL_SHA = /^[^@\s]+@[0-9a-f]{40}$/;
const VERSION_COMMENT = /#\s*v\d/;

interface Context {
  file: string;
  source: string;
  lineCounter: LineCounter;
  findings: PolicyFinding[];
}

/** Checks one workflow file against every rule; an empty list means it passes. */
export function checkWorkflowPolicy(source: string, file: string): PolicyFinding[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true });
  const ctx: Context = { file, source, lineCounter, findings: [] };
  if (doc.errors.length > 0 || !isMap(doc.contents)) {
    const message = doc.errors[0]?.message ?? "the workflow is not a YAML mapping";
    throw new Error(`${file}: cannot check the policy of a file that is not a workflow: ${message}`);
  }
  const root = doc.contents;
  const triggers = triggerNames(get(root, "on"));

  const topPermissions = get(root, "permissions");
  if (!isMap(topPermissions) || topPermissions.items.length > 0) {
    report(ctx, topPermissions ?? root, "top-permissions", "the workflow must start from `permissions: {}`");
  }

  const jobs = get(root, "jobs");
  if (!isMap(jobs)) return ctx.findings;
  for (const pair of jobs.items) {
    const job = pair.value;
    if (!isMap(job) || !isScalar(pair.key)) continue;
    checkJob(ctx, String(pair.key.value), job, pair.key, root, triggers);
  }
  return ctx.findings.sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
}

function checkJob(
  ctx: Context,
  name: string,
  job: YAMLMap,
  at: Node,
  root: YAMLMap,
  triggers: string[],
): void {
  const permissions = get(job, "permissions");
  if (!isMap(permissions)) {
    report(ctx, permissions ?? at, "job-permissions", `job \`${name}\` must list its permissions explicitly`);
  }

  const reusable = get(job, "uses");
  if (reusable) checkPinned(ctx, reusable);
  const steps = get(job, "steps");
  const stepMaps = isSeq(steps) ? steps.items.filter(isMap) : [];
  for (const step of stepMaps) {
    const uses = get(step, "uses");
    if (uses) checkPinned(ctx, uses);
    checkExpressions(ctx, step);
  }

  if (triggers.some((t) => PR_CODE_TRIGGERS.includes(t))) {
    const label = selfHostedLabel(get(job, "runs-on"));
    if (label) {
      report(
        ctx,
        get(job, "runs-on") ?? at,
        "self-hosted-pull-request",
        `job \`${name}\` runs on ${label} in a workflow triggered by ${triggers.filter((t) => PR_CODE_TRIGGERS.includes(t)).join(", ")}: pull request code must never reach a self-hosted runner`,
      );
    }
  }

  if (triggers.some((t) => PRIVILEGED_PR_TRIGGERS.includes(t))) {
    for (const step of stepMaps) checkPrivilegedStep(ctx, name, step);
  }
  if (triggers.includes("pull_request_target")) {
    const condition = text(get(job, "if")).replace(/\$\{\{|\}\}/g, "");
    const normalized = condition.replace(/\s+/g, " ").trim();
    const sameRepository = SAME_REPOSITORY_CONDITIONS.some((c) => normalized.includes(c));
    if (!sameRepository || normalized.includes("||")) {
      report(
        ctx,
        get(job, "if") ?? at,
        "pr-target-fork",
        `job \`${name}\` runs on pull_request_target for pull requests from forks too: add \`if: github.event.pull_request.head.repo.full_name == github.repository\``,
      );
    }
  }

  if (stepMaps.some((step) => /\bfolioctl\s+apply\b/.test(text(get(step, "run"))))) {
    checkApplyJob(ctx, name, job, at, root, triggers);
  }
}

function checkPinned(ctx: Context, node: Node): void {
  const ref = text(node);
  if (ref.startsWith("./")) return;
  if (ref.startsWith("docker://")) {
    if (!/@sha256:[0-9a-f]{64}$/.test(ref)) {
      report(ctx, node, "pinned-uses", `\`${ref}\` must be pinned by image digest (@sha256:...)`);
    }
    return;
  }
  if (!FULL_SHA.test(ref)) {
    report(ctx, node, "pinned-uses", `\`${ref}\` must be pinned by a full 40-hex commit SHA`);
    return;
  }
  const line = lineOf(ctx, node);
  const sourceLine = ctx.source.split("\n")[line - 1] ?? "";
  if (!VERSION_COMMENT.test(sourceLine.slice(sourceLine.indexOf(ref) + ref.length))) {
    report(
      ctx,
      node,
      "pinned-uses",
      `\`${ref}\` needs the version it pins in a comment, for example \`# v4.2.2\``,
    );
  }
}

// Expressions are expanded into the script text before the shell parses it: an attacker-chosen branch
// name or title becomes code. Values go through `env:` instead, where they stay data.
function checkExpressions(ctx: Context, step: YAMLMap): void {
  const scripts: Node[] = [];
  const run = get(step, "run");
  if (run) scripts.push(run);
  if (text(get(step, "uses")).startsWith("actions/github-script@")) {
    const script = get(get(step, "with"), "script");
    if (script) scripts.push(script);
  }
  for (const script of scripts) {
    const [start, end] = script.range ?? [0, 0];
    const body = ctx.source.slice(start, end);
    for (const match of body.matchAll(/\$\{\{[^}]*\}\}?/g)) {
      const line = ctx.lineCounter.linePos(start + (match.index ?? 0)).line;
      ctx.findings.push({
        file: ctx.file,
        line,
        rule: "expression-in-run",
        message: `\`${match[0]}\` is expanded into the script: pass it through \`env:\` and use the variable`,
      });
    }
  }
}

function checkPrivilegedStep(ctx: Context, job: string, step: YAMLMap): void {
  const uses = text(get(step, "uses"));
  if (uses.startsWith("actions/checkout@")) {
    const inputs = get(step, "with");
    const ref = get(inputs, "ref");
    if (ref && !isSafeRef(text(ref))) {
      report(
        ctx,
        ref,
        "pr-target-checkout",
        `job \`${job}\` checks out \`${text(ref)}\` with the base repository's token and secrets: check out the base branch only`,
      );
    }
    const repository = get(inputs, "repository");
    if (repository && text(repository).replace(/\s+/g, " ") !== "${{ github.repository }}") {
      report(
        ctx,
        repository,
        "pr-target-checkout",
        `job \`${job}\` checks out another repository (\`${text(repository)}\`): a fork's code must never run here`,
      );
    }
    const unsafe = get(inputs, "allow-unsafe-pr-checkout");
    if (unsafe && text(unsafe) !== "false") {
      report(ctx, unsafe, "pr-target-checkout", `job \`${job}\` allows checking out pull request code`);
    }
  }
  const run = get(step, "run");
  const command = CODE_FETCHING_COMMAND.exec(text(run));
  if (run && command) {
    report(
      ctx,
      run,
      "pr-target-checkout",
      `job \`${job}\` runs \`${command[0]}\` with the base repository's token and secrets: it must not fetch or run pull request code`,
    );
  }
}

function isSafeRef(ref: string): boolean {
  const value = ref.replace(/\$\{\{\s*/g, "${{ ").replace(/\s*\}\}/g, " }}");
  if (SAFE_CHECKOUT_REFS.has(value)) return true;
  // A literal branch or tag of the base repository, not a pull request ref.
  return !value.includes("${{") && !value.startsWith("refs/pull/");
}

function checkApplyJob(
  ctx: Context,
  name: string,
  job: YAMLMap,
  at: Node,
  root: YAMLMap,
  triggers: string[],
): void {
  const problems: string[] = [];
  const environment = get(job, "environment");
  if (text(isMap(environment) ? get(environment, "name") : environment) === "") {
    problems.push("an `environment` (required reviewers and the trading secrets live there)");
  }
  const concurrency = get(job, "concurrency") ?? get(root, "concurrency");
  if (!isMap(concurrency) || text(get(concurrency, "group")) === "") {
    problems.push("a `concurrency` group");
  }
  if (!isMap(concurrency) || text(get(concurrency, "cancel-in-progress")) !== "false") {
    problems.push("`cancel-in-progress: false` (cancelling a running apply leaves orders half placed)");
  }
  if (get(job, "timeout-minutes") === undefined) problems.push("a `timeout-minutes`");
  const onlyPushToMain =
    triggers.length === 1 &&
    triggers[0] === "push" &&
    JSON.stringify(seqOrScalar(get(get(get(root, "on"), "push"), "branches"))) === JSON.stringify(["main"]);
  if (!onlyPushToMain) problems.push("`on: push` to `branches: [main]` as its only trigger");
  for (const problem of problems) {
    report(ctx, at, "apply-protection", `job \`${name}\` runs \`folioctl apply\` and needs ${problem}`);
  }
}

/** "self-hosted" (or a description of why the runner cannot be known) when the job may run on one. */
function selfHostedLabel(runsOn: Node | undefined): string | undefined {
  if (runsOn === undefined) return undefined;
  if (isMap(runsOn)) {
    if (get(runsOn, "group")) return `the runner group \`${text(get(runsOn, "group"))}\``;
    return selfHostedLabel(get(runsOn, "labels"));
  }
  const labels = seqOrScalar(runsOn);
  if (labels.includes("self-hosted")) return "a self-hosted runner";
  const dynamic = labels.find((l) => l.includes("${{"));
  return dynamic === undefined ? undefined : `\`${dynamic}\` (which may be self-hosted)`;
}

function triggerNames(on: Node | undefined): string[] {
  if (isMap(on)) return on.items.flatMap((p) => (isScalar(p.key) ? [String(p.key.value)] : []));
  return seqOrScalar(on);
}

function seqOrScalar(node: Node | undefined): string[] {
  if (isSeq(node)) return node.items.map((item) => text(item as Node));
  if (isScalar(node)) return [text(node)];
  return [];
}

function get(node: unknown, key: string): Node | undefined {
  if (!isMap(node)) return undefined;
  const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
  return (pair?.value ?? undefined) as Node | undefined;
}

function text(node: unknown): string {
  return isScalar(node) && node.value !== null ? String(node.value) : "";
}

function lineOf(ctx: Context, node: Node): number {
  return ctx.lineCounter.linePos(node.range?.[0] ?? 0).line;
}

function report(ctx: Context, node: Node, rule: PolicyRule, message: string): void {
  ctx.findings.push({ file: ctx.file, line: lineOf(ctx, node), rule, message });
}
