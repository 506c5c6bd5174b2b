// What each ops-repo workflow must do (issue: the workflows `folioctl init` writes), beyond the policy
// that every workflow follows.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseInstallSource } from "../../src/init/install-source.js";
import { DEFAULT_ACCOUNT, renderOpsRepo, type OpsRepoFile } from "../../src/init/render-ops-repo.js";
import { listWorkflowFiles } from "./workflow-files.js";

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  "runs-on": string | string[];
  if?: string;
  environment?: string;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  permissions: Record<string, string>;
  "timeout-minutes"?: number;
  steps: Step[];
}
interface Workflow {
  on: Record<
    string,
    { paths?: string[]; branches?: string[]; types?: string[] } | Array<{ cron: string }> | null
  >;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  jobs: Record<string, Job>;
}

// What `folioctl init` writes for the default route (the npm registry).
async function renderFrom(from: string): Promise<OpsRepoFile[]> {
  const source = parseInstallSource(from, "1.2.3", "/ops", "/");
  return renderOpsRepo({ account: DEFAULT_ACCOUNT, owners: [], source });
}
const source = async (name: string): Promise<string> =>
  (await renderFrom("npm")).find((file) => file.path === `.github/workflows/${name}.yml`)!.content;
async function load(name: string): Promise<{ workflow: Workflow; job: Job; run: Step }> {
  const workflow = parse(await source(name)) as Workflow;
  const jobs = Object.values(workflow.jobs);
  expect(jobs).toHaveLength(1);
  const job = jobs[0]!;
  const run = job.steps.find((s) => s.run?.includes(`folioctl ${name}`));
  expect(run, `a step that runs folioctl ${name}`).toBeDefined();
  return { workflow, job, run: run! };
}
const labels = (job: Job): string[] => [job["runs-on"]].flat();
const APP_TOKEN = "${{ steps.app.outputs.token }}";

describe("ops-repo workflow templates", () => {
  it("validate: pull requests on portfolio.yaml, GitHub-hosted, read-only, no secrets", async () => {
    const { workflow, job, run } = await load("validate");
    expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
    expect((workflow.on["pull_request"] as { paths: string[] }).paths).toContain("portfolio.yaml");
    expect(labels(job)).toEqual(["ubuntu-latest"]);
    expect(job.permissions).toEqual({ contents: "read" });
    expect(await source("validate")).not.toMatch(/secrets\.\w/);
    // Without files: the repository's layout, portfolio.yaml or every account and model.
    expect((workflow.on["pull_request"] as { paths: string[] }).paths).toEqual(
      expect.arrayContaining(["accounts/**", "models/**"]),
    );
    expect(run.run).toBe("npx --no folioctl validate");
  });

  it("preview: pull_request_target, same repository only, base branch only, the PR number as data", async () => {
    const { workflow, job, run } = await load("preview");
    expect(Object.keys(workflow.on)).toEqual(["pull_request_target"]);
    expect((workflow.on["pull_request_target"] as { paths: string[] }).paths).toEqual([
      "portfolio.yaml",
      "accounts/**",
      "models/**",
    ]);
    expect(job.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    expect(labels(job)).toEqual(["self-hosted", "folioctl-preview"]);
    expect(job.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    const checkout = job.steps.find((s) => s.uses?.startsWith("actions/checkout@"));
    expect(checkout?.with).toEqual({ "persist-credentials": false });
    expect(run.run).toBe('npx --no folioctl preview --pr "$PR_NUMBER"');
    expect(run.env?.["PR_NUMBER"]).toBe("${{ github.event.pull_request.number }}");
    expect(run.env?.["FOLIOCTL_GATEWAY"]).toBe("${{ secrets.FOLIOCTL_READONLY_GATEWAY }}");
    // The workflow token's comments are github-actions[bot]'s; preview edits only its own comment.
    expect(run.env?.["FOLIOCTL_BOT_LOGIN"]).toBe("github-actions[bot]");
  });

  it("propose: weekdays in US market hours, on intent merged to main, on demand; one group per account", async () => {
    const { workflow, job, run } = await load("propose");
    expect(Object.keys(workflow.on).sort()).toEqual(["push", "schedule", "workflow_dispatch"]);
    const [cron] = workflow.on["schedule"] as Array<{ cron: string }>;
    const [minute, hour, , , weekdays] = (cron?.cron ?? "").split(" ");
    expect(weekdays).toBe("1-5");
    // 14:30-20:00 UTC is inside 09:30-16:00 in New York in both summer (UTC-4) and winter (UTC-5).
    const utcMinutes = Number(hour) * 60 + Number(minute);
    expect(utcMinutes).toBeGreaterThanOrEqual(14 * 60 + 30);
    expect(utcMinutes).toBeLessThan(20 * 60);
    expect(workflow.on["push"]).toEqual({
      branches: ["main"],
      paths: ["portfolio.yaml", "accounts/**", "models/**"],
    });
    expect(workflow.concurrency).toEqual({
      group: `folioctl-propose-${DEFAULT_ACCOUNT}`,
      "cancel-in-progress": false,
    });
    expect(labels(job)).toEqual(["self-hosted", "folioctl"]);
    expect(run.run).toBe("npx --no folioctl propose");
    // Pull requests opened with GITHUB_TOKEN start no workflows: propose uses the App's token.
    expect(run.env?.["FOLIOCTL_GITHUB_TOKEN"]).toBe(APP_TOKEN);
    // An installation token cannot say whose it is: propose finds its pull request by the App's login.
    expect(run.env?.["FOLIOCTL_BOT_LOGIN"]).toBe("${{ steps.app.outputs.app-slug }}[bot]");
    expect(await source("propose")).not.toContain("github.token");
  });

  it("apply: push to main on plans/, production environment, non-cancelling group per account, timeout within the token's hour", async () => {
    const { workflow, job, run } = await load("apply");
    expect(workflow.on).toEqual({ push: { branches: ["main"], paths: ["plans/**"] } });
    expect(labels(job)).toEqual(["self-hosted", "folioctl"]);
    expect(job.environment).toBe("production");
    expect(job.concurrency).toEqual({
      group: `folioctl-apply-${DEFAULT_ACCOUNT}`,
      "cancel-in-progress": false,
    });
    expect(job["timeout-minutes"]).toBeGreaterThan(0);
    // The App's installation token expires an hour after the job made it ("Installation tokens expire 1
    // hour from the time you create them": https://github.com/Link-/gh-token; docs.github.com, Generating
    // an installation access token for a GitHub App): the ledger and report at the end of the run need
    // it, so the job stops well before (setup included).
    expect(job["timeout-minutes"]).toBeLessThanOrEqual(50);
    // A push can land several merges: apply walks every commit since the push's `before`.
    expect(run.run).toBe('npx --no folioctl apply --on-merge --sha "$GITHUB_SHA" --before "$PUSH_BEFORE"');
    expect(run.env).toEqual({
      PUSH_BEFORE: "${{ github.event.before }}",
      FOLIOCTL_GATEWAY: "${{ secrets.FOLIOCTL_GATEWAY }}",
      FOLIOCTL_GITHUB_TOKEN: APP_TOKEN,
      FOLIOCTL_BOT_LOGIN: "${{ steps.app.outputs.app-slug }}[bot]",
    });
  });

  it("install exactly the folioctl in package-lock.json, without install scripts", async () => {
    for (const name of ["validate", "preview", "propose", "apply"]) {
      const { job } = await load(name);
      const runs = job.steps.flatMap((s) => (s.run ? [s.run] : []));
      expect(runs[0], name).toBe("npm ci --ignore-scripts --no-audit --no-fund");
      for (const command of runs.slice(1)) expect(command, name).toMatch(/^npx --no folioctl /);
    }
  });

  it("install with scripts on only when folioctl comes from git, which npm builds with folioctl's prepare", async () => {
    for (const [from, command] of [
      [
        "https://github.com/acme/folioctl/releases/download/v1.2.3/folioctl-1.2.3.tgz",
        "npm ci --ignore-scripts",
      ],
      ["git+https://github.com/acme/folioctl.git#v1.2.3", "npm ci --no-audit"],
    ] as const) {
      const files = await renderFrom(from);
      for (const name of ["validate", "preview", "propose", "apply"]) {
        const workflow = files.find((file) => file.path === `.github/workflows/${name}.yml`)!.content;
        expect(workflow, `${from}: ${name}`).toContain(`run: ${command}`);
      }
      // With scripts on, npm must refuse any other package's install script rather than run it.
      const npmrc = files.find((file) => file.path === ".npmrc")?.content;
      if (from.startsWith("git")) expect(npmrc).toMatch(/^strict-allow-scripts=true$/m);
      else expect(npmrc).toBeUndefined();
    }
  });

  it("give preview and propose their own IB API client ids, and leave apply on the account's own", async () => {
    const ids = [];
    for (const name of ["preview", "propose"]) ids.push((await load(name)).run.env?.["FOLIOCTL_CLIENT_ID"]);
    expect(new Set(ids).size).toBe(2);
    expect(ids).not.toContain(undefined);
    // An apply connected with a shared id would not keep a second apply for the account out.
    expect((await load("apply")).run.env).not.toHaveProperty("FOLIOCTL_CLIENT_ID");
  });

  it("pin each action to one commit everywhere", async () => {
    const pins = new Map<string, Set<string>>();
    for (const workflow of await listWorkflowFiles()) {
      for (const match of (await readFile(workflow.absolutePath, "utf8")).matchAll(
        /uses: ([^@\s]+)@(\S+ # \S+)/g,
      )) {
        pins.set(match[1]!, (pins.get(match[1]!) ?? new Set()).add(match[2]!));
      }
    }
    expect([...pins.keys()].sort()).toEqual([
      "actions/checkout",
      "actions/create-github-app-token",
      "actions/setup-node",
    ]);
    for (const [action, versions] of pins) expect([...versions], action).toHaveLength(1);
  });
});
