// The ops repository as a directory on disk (`folioctl validate`, `plan --account`): the same reader as
// for a git commit or a pull request's head, so that every command sees one layout the same way.
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { MAX_PORTFOLIO_BYTES } from "./decode-yaml-text.js";
import type { OpsTree } from "./ops-intent.js";
import { readFileBounded } from "./read-file-bounded.js";

export function directoryTree(root: string): OpsTree {
  const readFile = async (path: string): Promise<Uint8Array | null> => {
    const exists = await stat(join(root, path)).then(
      () => true,
      (error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? false : true),
    );
    if (!exists) return null;
    const read = await readFileBounded(join(root, path), MAX_PORTFOLIO_BYTES);
    // A file that is there but cannot be read is a problem to name, not an absent file.
    if (!read.ok) throw new InputError(`${path}: ${read.problem.message}`, { hint: read.problem.hint });
    return read.bytes;
  };
  return {
    readFile,
    async readFolder(folder, wanted) {
      let names: string[];
      try {
        const entries = await readdir(join(root, folder), { withFileTypes: true });
        names = entries.filter((e) => e.isFile() && wanted(e.name)).map((e) => e.name);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Map();
        throw error;
      }
      const files = new Map<string, Uint8Array>();
      for (const name of names) {
        const bytes = await readFile(`${folder}/${name}`);
        if (bytes !== null) files.set(name, bytes);
      }
      return files;
    },
  };
}
