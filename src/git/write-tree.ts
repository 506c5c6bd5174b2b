// Commits are built with plumbing (hash-object, mktree, commit-tree) instead of checkout/add/commit: the
// user's working tree, index and HEAD are never touched, and it works the same in a bare clone.
import { GitError } from "../errors.js";
import type { GitCli } from "./git-cli.js";

export interface TreeFile {
  /** Slash-separated path from the repository root. */
  path: string;
  content: string | Uint8Array;
}

interface TreeEntry {
  mode: string;
  type: string;
  sha: string;
  name: string;
}

/** The tree `baseTree` (null: empty) with `files` written into it; returns the new tree's sha. */
export async function writeTree(cli: GitCli, baseTree: string | null, files: TreeFile[]): Promise<string> {
  let tree = baseTree;
  for (const file of files) {
    const blob = await cli.run(`storing ${file.path}`, ["hash-object", "-w", "--stdin"], file.content);
    tree = await setEntry(cli, tree, file.path.split("/"), blob, file.path);
  }
  if (tree === null) throw new GitError("internal: writeTree was called without files");
  return tree;
}

export async function commitTree(
  cli: GitCli,
  tree: string,
  parents: string[],
  message: string,
): Promise<string> {
  const args = ["commit-tree", tree, ...parents.flatMap((parent) => ["-p", parent]), "-m", message];
  return cli.run("creating a commit", args);
}

async function setEntry(
  cli: GitCli,
  tree: string | null,
  parts: string[],
  blob: string,
  fullPath: string,
): Promise<string> {
  const [name, ...rest] = parts;
  if (name === undefined || name === "") throw new GitError(`internal: bad path "${fullPath}"`);
  const entries = tree === null ? [] : await listTree(cli, tree);
  const existing = entries.find((entry) => entry.name === name);
  let entry: TreeEntry;
  if (rest.length === 0) {
    if (existing?.type === "tree") {
      throw new GitError(`cannot write ${fullPath}: it is a folder in the repository`, {
        hint: "move that folder away in the ops repository",
      });
    }
    entry = { mode: "100644", type: "blob", sha: blob, name };
  } else {
    if (existing !== undefined && existing.type !== "tree") {
      throw new GitError(`cannot write ${fullPath}: ${name} is a file in the repository, not a folder`, {
        hint: `move ${name} away in the ops repository`,
      });
    }
    const sub = await setEntry(cli, existing?.sha ?? null, rest, blob, fullPath);
    entry = { mode: "040000", type: "tree", sha: sub, name };
  }
  const next = [...entries.filter((other) => other.name !== name), entry];
  // mktree sorts the entries itself; -z keeps unusual file names intact.
  const input = next.map((e) => `${e.mode} ${e.type} ${e.sha}\t${e.name}\0`).join("");
  return cli.run(`writing the tree for ${fullPath}`, ["mktree", "-z"], input);
}

async function listTree(cli: GitCli, tree: string): Promise<TreeEntry[]> {
  const output = await cli.run("reading a tree", ["ls-tree", "-z", tree]);
  return output
    .split("\0")
    .filter((line) => line !== "")
    .map((line) => {
      const tab = line.indexOf("\t");
      const [mode = "", type = "", sha = ""] = line.slice(0, tab).split(" ");
      return { mode, type, sha, name: line.slice(tab + 1) };
    });
}
