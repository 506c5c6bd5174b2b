// A package-lock.json for an ops repository that depends on a packed folioctl tarball, built from this
// project's own lock file. `npm install` would ask the registry for every dependency's metadata (tests
// stay off the network); the project's lock already resolved the same dependencies, and `npm ci --offline`
// installs them from the npm cache that installing this project filled.
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

interface LockEntry {
  dev?: boolean;
  [field: string]: unknown;
}
interface Manifest {
  version: string;
  dependencies: Record<string, string>;
  bin?: unknown;
  engines?: unknown;
}

export async function writeOfflineOpsLock(
  opsDir: string,
  projectDir: string,
  tarball: string,
): Promise<void> {
  const ops = JSON.parse(await readFile(join(opsDir, "package.json"), "utf8")) as {
    name: string;
    dependencies: Record<string, string>;
  };
  const project = JSON.parse(await readFile(join(projectDir, "package.json"), "utf8")) as Manifest;
  const lock = JSON.parse(await readFile(join(projectDir, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockEntry>;
  };
  const bytes = await readFile(tarball);
  const packages: Record<string, unknown> = {
    "": { name: ops.name, dependencies: ops.dependencies },
    "node_modules/folioctl": {
      version: project.version,
      resolved: ops.dependencies["folioctl"],
      integrity: `sha512-${createHash("sha512").update(bytes).digest("base64")}`,
      dependencies: project.dependencies,
      bin: project.bin,
      engines: project.engines,
    },
  };
  // What folioctl needs at run time: everything the project's lock does not mark as a dev dependency.
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path !== "" && entry.dev !== true) packages[path] = entry;
  }
  const document = { name: ops.name, lockfileVersion: 3, requires: true, packages };
  await writeFile(join(opsDir, "package-lock.json"), `${JSON.stringify(document, null, 2)}\n`);
}
