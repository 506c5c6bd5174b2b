// How the group of a broken account file is read from its `group:` line alone (preview-problem-owner.ts):
// the forms YAML allows for a plain top-level line, and the lines that are not one, each of which must
// fall back to the account's group on main rather than guess. The owning group is the one whose preview
// run comments, so a wrong read makes the comment come from another group's runner, or from none.
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/config/diagnostic.js";
import { readOpsIntent } from "../../src/config/ops-intent.js";
import { problemOwners } from "../../src/gitops/preview-problem-owner.js";
import { opsTree as tree } from "../config/support/ops-tree.js";

const account = (id: string, group?: string) =>
  `account: ${id}\nmodel: core\n${group === undefined ? "" : `group: ${group}\n`}`;

// On main, U2222222 is in `partner`; `advisor`, `partner`, `x` and `default` all have accounts.
const MAIN = {
  "accounts/U1111111.yaml": account("U1111111"),
  "accounts/U2222222.yaml": account("U2222222", "partner"),
  "accounts/U3333333.yaml": account("U3333333", "advisor"),
  "accounts/U4444444.yaml": account("U4444444", "x"),
};
const FILE = "accounts/U2222222.yaml";

/** The group that reports a problem in U2222222's file when the pull request's version reads `text`. */
async function ownerOf(text: string | undefined): Promise<string | undefined> {
  const main = await readOpsIntent(tree(MAIN));
  const problem: Diagnostic = { file: FILE, line: 1, column: 1, path: "", message: "broken" };
  const owners = await problemOwners([problem], { readFile: async () => text }, main);
  return owners.get(problem);
}

describe("the group: line of a broken account file", () => {
  it("is read with or without spaces, quoted either way, with a comment after it", async () => {
    expect(await ownerOf("limits: [\ngroup:advisor\n")).toBe("advisor");
    expect(await ownerOf("limits: [\ngroup:\t advisor \t\n")).toBe("advisor");
    expect(await ownerOf('limits: [\ngroup: "advisor"\n')).toBe("advisor");
    expect(await ownerOf("limits: [\ngroup: 'advisor' # moved\n")).toBe("advisor");
    expect(await ownerOf("limits: [\ngroup: advisor\t# moved\n")).toBe("advisor");
    expect(await ownerOf("limits: [\ngroup: advisor  # moved\n")).toBe("advisor");
    expect(await ownerOf("limits: [\ngroup: x\n")).toBe("x");
    expect(await ownerOf("group: advisor\nlimits: [\n")).toBe("advisor");
  });

  it("is not read from a line it does not begin, or that goes on after the name", async () => {
    // An indented `group:` belongs to another key: the file has no group line, so it is in default.
    expect(await ownerOf("limits:\n  group: advisor\nmodel: [\n")).toBe("default");
    expect(await ownerOf("limits: [\nmygroup: advisor\n")).toBe("default");
    // A line that is there but unreadable: the account's group on main.
    expect(await ownerOf("limits: [\ngroup: advisor extra\n")).toBe("partner");
    expect(await ownerOf("limits: [\ngroup: \"advisor'\n")).toBe("partner");
    expect(await ownerOf("limits: [\ngroup: Advisor\n")).toBe("partner");
    expect(await ownerOf("limits: [\ngroup: 9advisor\n")).toBe("partner");
    // YAML starts a comment only after white space: `advisor#x` is the name, not `advisor` and a comment.
    expect(await ownerOf("limits: [\ngroup: advisor#x\n")).toBe("partner");
    expect(await ownerOf("limits: [\ngroup: 'advisor'#x\n")).toBe("partner");
  });

  it("is not guessed for a file the pull request deleted: the account's group on main reports it", async () => {
    expect(await ownerOf(undefined)).toBe("partner");
  });
});
