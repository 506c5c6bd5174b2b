// What folioctl's own release workflow promises (docs/operations.md, "Installing folioctl"): only a
// version tag releases, only a tested commit is published, and npm and the GitHub release get the same
// tarball.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../support/run-cli.js";

interface Step {
  run?: string;
  env?: Record<string, string>;
}
interface Job {
  needs?: string;
  environment?: string;
  permissions: Record<string, string>;
  steps: Step[];
}
const workflow = parse(await readFile(join(REPO_ROOT, ".github/workflows/release.yml"), "utf8")) as {
  on: { push: { tags: string[]; branches?: string[] } };
  jobs: { test: Job; publish: Job };
};
const runs = (job: Job): string[] => job.steps.flatMap((step) => (step.run ? [step.run] : []));

describe("release workflow", () => {
  it("runs for version tags only", () => {
    expect(workflow.on).toEqual({ push: { tags: ["v*.*.*"] } });
  });

  it("publishes only after the whole test command passed on the tagged commit", () => {
    expect(runs(workflow.jobs.test)).toContain("npm test");
    expect(workflow.jobs.publish.needs).toBe("test");
  });

  it("refuses a tag that is not the version in package.json", () => {
    const check = runs(workflow.jobs.publish).find(
      (run) => run.includes("GITHUB_REF_NAME") && run.includes("exit 1"),
    );
    expect(check).toMatch(/require\("\.\/package\.json"\)\.version/);
  });

  it("publishes with provenance the same tarball it attaches to the GitHub release", () => {
    const publish = workflow.jobs.publish;
    expect(publish.permissions).toEqual({ contents: "write", "id-token": "write" });
    expect(publish.environment).toBe("npm");
    const steps = publish.steps.filter((step) => step.env?.["TARBALL"] !== undefined);
    expect(steps.map((step) => step.run)).toEqual([
      'npm publish "$TARBALL" --provenance --access public',
      expect.stringMatching(/^gh release create "\$GITHUB_REF_NAME" "\$TARBALL" /),
    ]);
    expect(new Set(steps.map((step) => step.env?.["TARBALL"]))).toEqual(
      new Set(["${{ steps.pack.outputs.tarball }}"]),
    );
    expect(runs(publish).some((run) => run.includes("npm pack"))).toBe(true);
  });

  it("gives the test job no write permission", () => {
    expect(workflow.jobs.test.permissions).toEqual({ contents: "read" });
  });
});
