import { lstat, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { InputError } from "../errors.js";
import type { OpsRepoFile } from "./render-ops-repo.js";

export interface ScaffoldOptions {
  /** Overwrite files whose content differs from what init writes. */
  force: boolean;
  /** Leave files that differ alone (listed as kept) instead of refusing: restore what is missing. */
  keepDifferent?: boolean;
  /** Files a person edits (accounts/, models/): written when missing, else left as they are, --force or not. */
  keepAlways?: ReadonlySet<string>;
}

export interface ScaffoldResult {
  dir: string;
  created: string[];
  overwritten: string[];
  /** Already exactly as init writes them: left alone, not even touched. */
  unchanged: string[];
  /** Differ from what init writes and were left as they are (keepDifferent without force). */
  kept: string[];
}

/**
 * Writes the files into `dir`. All or nothing: without `force`, a single file that exists with other
 * content stops the whole run before anything is written, so a second run never half-applies.
 */
export async function scaffoldOpsRepo(
  dir: string,
  files: readonly OpsRepoFile[],
  options: ScaffoldOptions,
): Promise<ScaffoldResult> {
  const result: ScaffoldResult = { dir, created: [], overwritten: [], unchanged: [], kept: [] };
  for (const file of files) {
    const state = await existingState(join(dir, file.path), file.content);
    if (state === "absent") result.created.push(file.path);
    else if (state === "same") result.unchanged.push(file.path);
    else if (state === "different") {
      if (options.keepAlways?.has(file.path) === true) result.kept.push(file.path);
      else if (options.keepDifferent === true && !options.force) result.kept.push(file.path);
      else result.overwritten.push(file.path);
    } else if (state === "blocked") {
      throw new InputError(`cannot write ${join(dir, file.path)}: a part of that path is a file`, {
        hint: "pass a directory to folioctl init, or move the file that is in the way",
      });
    } else {
      throw new InputError(`${join(dir, file.path)} exists and is not a regular file`, {
        hint: "move it away and run folioctl init again; --force only replaces regular files",
      });
    }
  }
  if (result.overwritten.length > 0 && !options.force) {
    const list = result.overwritten.map((path) => `\n  ${path}`).join("");
    throw new InputError(
      `refusing to overwrite ${result.overwritten.length} existing file(s) in ${dir} that differ from what init writes:${list}`,
      { hint: "nothing was written; move them away, or run again with --force to replace them" },
    );
  }
  for (const path of [...result.created, ...result.overwritten]) {
    const target = join(dir, path);
    const content = files.find((f) => f.path === path)?.content ?? "";
    try {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "error";
      throw new InputError(`cannot write ${target} (${code})`, {
        hint: "check that the directory is writable and that no part of the path is a file",
        cause: error,
      });
    }
  }
  return result;
}

async function existingState(
  path: string,
  content: string,
): Promise<"absent" | "same" | "different" | "other" | "blocked"> {
  try {
    const stats = await lstat(path);
    // A symbolic link would make init write through it, somewhere outside the repository.
    if (!stats.isFile()) return "other";
    return (await readFile(path, "utf8")) === content ? "same" : "different";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    if (code === "ENOENT") return "absent";
    if (code === "ENOTDIR") return "blocked";
    throw new InputError(`cannot read ${path} (${code})`, {
      hint: "check the permissions of the directory folioctl init writes into",
      cause: error,
    });
  }
}
