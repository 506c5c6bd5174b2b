// An ops repository held in memory, for tests of the many-account layout: the files by repository path,
// read the way the git tree of a commit is read (a folder lists only its own files, not sub-folders').
import type { OpsTree } from "../../../src/config/ops-intent.js";

/** A valid model: two targets and cash. */
export const MODEL = `version: 1
baseCurrency: USD
targets:
  - { symbol: VTI, weight: 60 }
  - { symbol: BND, weight: 35 }
cash: { weight: 5 }
`;

export function opsTree(files: Record<string, string>): OpsTree {
  return {
    readFile: async (path) => (path in files ? Buffer.from(files[path] ?? "", "utf8") : null),
    readFolder: async (folder, wanted) =>
      new Map(
        Object.entries(files)
          .filter(([path]) => path.startsWith(`${folder}/`) && !path.slice(folder.length + 1).includes("/"))
          .map(([path, text]) => [path.slice(folder.length + 1), Buffer.from(text, "utf8")] as const)
          .filter(([name]) => wanted(name)),
      ),
  };
}
