import { existsSync, statSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import { UsageError } from "../errors.js";

/**
 * Where the ops repository installs folioctl from: what `package.json` depends on, and how the workflows
 * install it. The lock file `npm install` writes then pins the exact bytes, whichever route it is.
 */
export interface InstallSource {
  kind: "npm" | "tarball" | "git";
  /** The value of `dependencies.folioctl` in the ops repository's package.json. */
  dependency: string;
  /**
   * The workflows' install command. A git dependency is built from source by npm (folioctl's `prepare`
   * script), which `--ignore-scripts` would skip, leaving a package without its compiled code.
   */
  installCommand: string;
}

const IGNORE_SCRIPTS = "npm ci --ignore-scripts --no-audit --no-fund";
// Without --ignore-scripts, npm 11 runs only the install scripts package.json's `allowScripts` approves;
// `.npmrc`'s strict-allow-scripts (written for this route) makes any other one fail the install.
const BUILD_FROM_GIT = "npm ci --no-audit --no-fund";

const GIT = /^(git\+(https|ssh|file):\/\/|git:\/\/|github:)[^\s]+$/;
const TARBALL_URL = /^https:\/\/[^\s]+\.(tgz|tar\.gz)(\?[^\s]*)?$/;
const FORMS =
  "use npm (the registry, the default), an https URL of a release tarball (…/folioctl-X.Y.Z.tgz), a local " +
  "tarball made by `npm pack`, or a git URL such as git+https://github.com/OWNER/folioctl.git#vX.Y.Z";

/**
 * Reads `init --from`. `version` is the registry version to pin; `opsDir` is where package.json goes, so
 * that a local tarball is written relative to it (the repository can then be moved with the file).
 */
export function parseInstallSource(
  from: string,
  version: string,
  opsDir: string,
  cwd: string,
): InstallSource {
  if (from === "npm") return { kind: "npm", dependency: version, installCommand: IGNORE_SCRIPTS };
  if (GIT.test(from)) return { kind: "git", dependency: from, installCommand: BUILD_FROM_GIT };
  if (TARBALL_URL.test(from)) return { kind: "tarball", dependency: from, installCommand: IGNORE_SCRIPTS };
  if (/^http:\/\//.test(from)) {
    throw new UsageError(`--from ${JSON.stringify(from)} is a plain http URL`, {
      hint: "use the https URL of the tarball: what runs next to your gateway must not come over plain http",
    });
  }
  if (/\.(tgz|tar\.gz)$/.test(from)) return localTarball(from, opsDir, cwd);
  throw new UsageError(`--from ${JSON.stringify(from)} is not a place folioctl can be installed from`, {
    hint: FORMS,
  });
}

function localTarball(from: string, opsDir: string, cwd: string): InstallSource {
  const file = resolve(cwd, from.replace(/^file:/, ""));
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new UsageError(`--from ${JSON.stringify(from)}: no such file`, {
      hint: "make the tarball with `npm pack` in a folioctl checkout and pass its path",
    });
  }
  // npm reads `file:` specs with forward slashes on every platform.
  const path = relative(opsDir, file).split(sep).join("/");
  const dependency = `file:${path.startsWith(".") ? path : `./${path}`}`;
  return { kind: "tarball", dependency, installCommand: IGNORE_SCRIPTS };
}
