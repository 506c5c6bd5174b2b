// What dist/ is built from, as one SHA-256 of every input file's path and contents: scripts/build.mjs
// builds only when it differs from the hash kept in dist/.build-inputs by the last successful build.
// Contents, not modification times: a checkout or a copy can leave old times on changed files.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

/** Folders whose every file is an input; src/generated/ is output (of compile-schemas), not input. */
export const INPUT_DIRS = ["src", "schema"];
export const OUTPUT_DIRS = [join("src", "generated")];
export const INPUT_FILES = [
  "scripts/build.mjs",
  "scripts/build-inputs.mjs",
  "scripts/compile-schemas.ts",
  "tsconfig.json",
  "tsconfig.build.json",
  "package.json",
  "package-lock.json",
];

function filesUnder(root, dir) {
  if (OUTPUT_DIRS.includes(relative(root, dir))) return [];
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? filesUnder(root, path) : entry.isFile() ? [path] : [];
    });
}

/** The hash of the inputs under `root`; a file added, removed, renamed or changed gives another. */
export function buildInputsHash(root) {
  const hash = createHash("sha256");
  const files = [
    ...INPUT_DIRS.flatMap((dir) => filesUnder(root, join(root, dir))),
    ...INPUT_FILES.map((file) => join(root, file)).filter((file) => existsSync(file)),
  ];
  for (const file of files) {
    hash.update(`${relative(root, file).split(sep).join("/")}\0`);
    hash.update(readFileSync(file));
    hash.update("\0");
  }
  return hash.digest("hex");
}
