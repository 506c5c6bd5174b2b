// The rule that picks the one group whose preview run comments on a problem of a pull request's files
// (docs/operations.md, section 11): every group's run computes it from the same files, so each problem
// is reported by exactly one of them. The loop test (loop-groups.test.ts) shows it on the fake GitHub.
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/config/diagnostic.js";
import { readOpsIntent } from "../../src/config/ops-intent.js";
import { problemOwners } from "../../src/gitops/preview-problem-owner.js";
import { opsTree as tree } from "../config/support/ops-tree.js";

const account = (id: string, group?: string) =>
  `account: ${id}\nmodel: core\n${group === undefined ? "" : `group: ${group}\n`}`;
const problemIn = (file: string): Diagnostic => ({ file, line: 1, column: 1, path: "", message: "broken" });

async function ownersOf(mainFiles: Record<string, string>, headFiles: Record<string, string>) {
  const main = await readOpsIntent(tree(mainFiles));
  const problems = Object.keys(headFiles).map(problemIn);
  const owners = await problemOwners(problems, { readFile: async (path) => headFiles[path] }, main);
  return Object.fromEntries(problems.map((p) => [p.file, owners.get(p)]));
}

const MAIN = {
  "accounts/U1111111.yaml": account("U1111111"),
  "accounts/U2222222.yaml": account("U2222222", "partner"),
  "accounts/U3333333.yaml": account("U3333333", "advisor"),
};

describe("which group's preview reports a problem", () => {
  it("an account file's own group: line, read on its own, else its group on main, else default", async () => {
    expect(
      await ownersOf(MAIN, {
        // Broken YAML, but the group: line is readable: it wins over main's `partner`.
        "accounts/U2222222.yaml":
          "account: U2222222\ngroup: advisor # moving to the advisor's login\nlimits: [\n",
        // No group: line: the file is in default, whatever main says.
        "accounts/U3333333.yaml": "account: U3333333\nmodel: [\n",
        // A group: line that cannot be read: the account's group on main.
        "accounts/U1111111.yaml": "account: U1111111\ngroup: [advisor\n",
        // A group main has no job for (no account in it): main's group of the account, else default.
        "accounts/U4444444.yaml": account("U4444444", "newcomer"),
        "models/core.yaml": "targets: [\n",
        "accounts/u5555555.yml": account("U5555555", "advisor"),
      }),
    ).toEqual({
      "accounts/U2222222.yaml": "advisor",
      "accounts/U3333333.yaml": "default",
      "accounts/U1111111.yaml": "default",
      "accounts/U4444444.yaml": "default",
      "models/core.yaml": "default",
      "accounts/u5555555.yml": "default",
    });
    expect(
      await ownersOf(MAIN, {
        "accounts/U2222222.yaml": "account: U2222222\ngroup: '\n",
        "accounts/U1111111.yaml": account("U1111111", "advisor"),
      }),
    ).toEqual({ "accounts/U2222222.yaml": "partner", "accounts/U1111111.yaml": "advisor" });
  });

  it("without a default group on main, the alphabetically first group reports what has no group", async () => {
    const main = {
      "accounts/U2222222.yaml": account("U2222222", "partner"),
      "accounts/U3333333.yaml": account("U3333333", "advisor"),
    };
    expect(
      await ownersOf(main, {
        "models/core.yaml": "targets: [\n",
        "accounts/U9999999.yaml": account("U9999999"),
      }),
    ).toEqual({ "models/core.yaml": "advisor", "accounts/U9999999.yaml": "advisor" });
  });
});
