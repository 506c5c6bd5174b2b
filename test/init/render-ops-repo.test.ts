import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseInstallSource } from "../../src/init/install-source.js";
import { DEFAULT_ACCOUNT, renderOpsRepo } from "../../src/init/render-ops-repo.js";
import { REPO_ROOT } from "../support/run-cli.js";

describe("renderOpsRepo", () => {
  it("renders every template and leaves no placeholder behind", async () => {
    const files = await renderOpsRepo({
      account: DEFAULT_ACCOUNT,
      owners: ["ops@example.com"],
      source: parseInstallSource("npm", "9.8.7", "/ops", "/"),
    });
    expect(files.map((f) => f.path)).toHaveLength(10);
    for (const file of files) expect(file.content, file.path).not.toMatch(/__[A-Z_]+__/);
    expect(files.find((f) => f.path === "package.json")?.content).toContain('"folioctl": "9.8.7"');
  });

  it("gives the ops repository folioctl's own overrides, so that installing it on Node.js 20 warns of no engine", async () => {
    // npm applies `overrides` of the root package only: folioctl's own do not reach a repository that
    // installs it (content-type 3, under octokit, declares Node.js 22 or later).
    const files = await renderOpsRepo({
      account: DEFAULT_ACCOUNT,
      owners: [],
      source: parseInstallSource("npm", "9.8.7", "/ops", "/"),
    });
    const ops = JSON.parse(files.find((f) => f.path === "package.json")?.content ?? "{}") as {
      overrides?: unknown;
    };
    const own = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { overrides?: unknown };
    expect(own.overrides).toBeDefined();
    expect(ops.overrides).toEqual(own.overrides);
  });

  it("ships every template in the npm package, the dot-less gitignore included", () => {
    const pack = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });
    expect(pack.status, pack.stderr).toBe(0);
    const [manifest] = JSON.parse(pack.stdout) as Array<{ files: Array<{ path: string }> }>;
    const packed = (manifest?.files ?? []).map((f) => f.path).filter((p) => p.startsWith("templates/"));
    expect(packed.sort()).toEqual(
      [
        ".github/CODEOWNERS",
        ".github/actionlint.yaml",
        ".github/workflows/apply.yml",
        ".github/workflows/preview.yml",
        ".github/workflows/propose.yml",
        ".github/workflows/validate.yml",
        "README.md",
        "README-accounts.md",
        "gitignore",
        "npmrc",
        "package.json",
        "portfolio.yaml",
      ]
        .map((p) => `templates/ops-repo/${p}`)
        .sort(),
    );
  });
});
