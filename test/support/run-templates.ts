// Directories that test processes build once and copy for each test (a git sandbox's origin, the fake
// GitHub's empty repository): copying a few files in-process is far cheaper than starting git, above all
// on a loaded machine, where each git process costs tens of milliseconds.
import { rmSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The directory the test run's global setup made for templates (compile-schemas-setup.ts). */
export const TEMPLATES_ENV = "FOLIOCTL_TEST_TEMPLATES";

const built = new Map<string, Promise<string>>();

/**
 * The template directory named `key` in this process, made by `build` (given an empty directory) on first
 * use. It lives in the run's template directory, which the global setup removes when the run ends (test
 * processes are stopped without a chance to); outside a test run, it goes when the process exits.
 */
export function template(key: string, build: (dir: string) => Promise<void>): Promise<string> {
  let dir = built.get(key);
  if (!dir) {
    dir = makeTemplate(build);
    built.set(key, dir);
    // A failed build is not kept: the next caller tries again and reports its own error.
    dir.catch(() => built.delete(key));
  }
  return dir;
}

async function makeTemplate(build: (dir: string) => Promise<void>): Promise<string> {
  const runDir = process.env[TEMPLATES_ENV];
  const dir = await mkdtemp(join(runDir ?? tmpdir(), "folioctl-template-"));
  if (runDir === undefined) process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  await build(dir);
  return dir;
}

/** git's sample hooks (`*.sample`) never run: a template without them is fewer files to copy each time. */
export async function dropSampleHooks(gitDir: string): Promise<void> {
  const hooks = join(gitDir, "hooks");
  const samples = (await readdir(hooks)).filter((name) => name.endsWith(".sample"));
  await Promise.all(samples.map((name) => rm(join(hooks, name))));
}
