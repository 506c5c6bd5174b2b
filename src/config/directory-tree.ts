// The ops repository as a directory on disk (`folioctl validate`, `plan --account`): the same reader as
// for a git commit or a pull request's head, so that every command sees one layout the same way.
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { MAX_PORTFOLIO_BYTES } from "./decode-yaml-text.js";
import type { OpsTree } from "./ops-intent.js";
import { readFileBounded } from "./read-file-bounded.js";

export function directoryTree(root: string): OpsTree {
  return {
    async readFile(path) {
      const exists = await stat(join(root, path)).then(
        () => true,
        (error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? false : true),
      );
      if (!exists) return null;
      const read = await readFileBounded(join(root, path), MAX_PORTFOLIO_BYTES);
      // A file that is there but cannot be read is a problem to name, not an absent file.
      if (!read.ok) throw new InputError(`${path}: ${read.problem.message}`, { hint: read.problem.hint });
      return read.bytes;
    },
    async listFiles(folder) {
      try {
        const entries = await readdir(join(root, folder), { withFileTypes: true });
        return entries.filter((e) => e.isFile()).map((e) => e.name);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw error;
      }
    },
  };
}
