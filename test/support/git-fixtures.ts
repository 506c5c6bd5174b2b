// Real git for tests: a temporary bare "origin" with an initial commit on main, clones of it, and server
// hooks that make races happen on purpose. Nothing reads the machine's global or system git config.
import { execFile } from "node:child_process";
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { dropSampleHooks, template } from "./run-templates.js";

const execFileAsync = promisify(execFile);

export const PERSON = { name: "Pat Person", email: "pat@example.test" };

export const INITIAL_FILES: Record<string, string> = {
  "portfolio.yaml": "version: 1\naccount: DU1234567\nbaseCurrency: USD\n",
  "README.md": "# ops\n",
};

/**
 * The global git config of a test's HOME: nothing of the machine's, and no housekeeping. git would
 * otherwise start `git maintenance run --auto` after every fetch and `git gc --auto` after every push it
 * receives, two more processes each time for repositories of a few commits.
 */
export const TEST_GITCONFIG =
  "[gc]\n\tauto = 0\n[maintenance]\n\tauto = false\n[receive]\n\tautogc = false\n";

export interface GitSandbox {
  root: string;
  /** The bare repository, usable as a remote URL. */
  origin: string;
  /** A HOME with an empty git config: also give it to folioctl runs so they see no global config. */
  home: string;
  env: NodeJS.ProcessEnv;
  git(cwd: string, args: string[]): Promise<string>;
  /** A working clone of origin committing as PERSON. */
  clone(name: string): Promise<string>;
  /** Writes files in a clone, commits them as PERSON and pushes to `branch` on origin; returns the sha. */
  commitAndPush(
    clone: string,
    files: Record<string, string>,
    message: string,
    branch?: string,
  ): Promise<string>;
  /** Where a ref points on origin, or null. */
  originRef(ref: string): Promise<string | null>;
  /** A file's text at a ref of origin, or null. */
  originFile(ref: string, path: string): Promise<string | null>;
  /** Installs a pre-receive hook script (sh) in origin. */
  preReceive(script: string): Promise<void>;
  /** Installs a hook script (sh) named `name` in the repository at `dir` (a clone or origin). */
  hook(dir: string, name: string, script: string): Promise<void>;
  cleanup(): Promise<void>;
}

export async function createGitSandbox(files: Record<string, string> = INITIAL_FILES): Promise<GitSandbox> {
  const root = await mkdtemp(join(tmpdir(), "folioctl-git-"));
  // A copy of this worker's template (home and origin with its initial commit) instead of building them
  // again: the same files, config and commit, without the eight git processes that made them.
  await cp(await sandboxTemplate(files), root, { recursive: true });
  const home = join(root, "home");
  const env = hermeticEnv(home);
  const git = gitIn(env);
  const origin = join(root, "origin.git");

  const clone = async (name: string) => {
    const dir = join(root, name);
    // While origin is as the template left it, a clone is a copy of the template's clone, pointed at
    // this origin; after any push, git clones.
    const pristine = await cloneTemplate(files);
    if ((await refState(origin)) === pristine.originRefs) {
      await mkdir(dirname(dir), { recursive: true });
      await cp(pristine.clone, dir, { recursive: true, errorOnExist: true, force: false });
      await repointClone(dir, pristine.origin, origin);
      return dir;
    }
    await git(root, cloneArgs(origin, dir));
    return dir;
  };
  const commitAndPush = async (
    dir: string,
    content: Record<string, string>,
    message: string,
    branch = "main",
  ) => {
    await git(dir, ["fetch", "--quiet", "origin"]);
    const exists = (await git(dir, ["ls-remote", "origin", `refs/heads/${branch}`])) !== "";
    await git(dir, ["checkout", "--quiet", "-B", branch, exists ? `origin/${branch}` : "HEAD"]);
    await writeFiles(dir, content);
    await git(dir, ["add", "--all"]);
    await git(dir, ["commit", "--quiet", "--allow-empty", "-m", message]);
    await git(dir, ["push", "--quiet", "origin", `HEAD:refs/heads/${branch}`]);
    return git(dir, ["rev-parse", "HEAD"]);
  };

  const installHook = async (dir: string, name: string, script: string) => {
    const hooks = resolve(dir, await git(dir, ["rev-parse", "--git-path", "hooks"]));
    await mkdir(hooks, { recursive: true });
    await writeFile(join(hooks, name), `#!/bin/sh\n${script}\n`);
    await chmod(join(hooks, name), 0o755);
  };

  return {
    root,
    origin,
    home,
    env,
    git,
    clone,
    commitAndPush,
    originRef: async (ref) => {
      const out = await git(origin, ["for-each-ref", "--format=%(objectname)", ref]);
      return out === "" ? null : out;
    },
    originFile: async (ref, path) => {
      try {
        return await git(origin, ["show", `${ref}:${path}`]);
      } catch {
        return null;
      }
    },
    preReceive: (script) => installHook(origin, "pre-receive", script),
    hook: (dir, name, script) => installHook(dir, name, script),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

function gitIn(env: NodeJS.ProcessEnv): (cwd: string, args: string[]) => Promise<string> {
  return async (cwd, args) => {
    const { stdout } = await execFileAsync("git", args, { cwd, env, maxBuffer: 16 * 1024 * 1024 });
    return stdout.replace(/\n$/, "");
  };
}

/** `git clone` of origin into dir; --config writes the identity into its config, as `git config` after would. */
function cloneArgs(origin: string, dir: string): string[] {
  return [
    "clone",
    "--quiet",
    "--config",
    `user.name=${PERSON.name}`,
    "--config",
    `user.email=${PERSON.email}`,
    origin,
    dir,
  ];
}

interface CloneTemplate {
  /** The template's origin, which the clone's config and reflogs name. */
  origin: string;
  /** refState of that origin when it was cloned. */
  originRefs: string;
  clone: string;
}

const cloneTemplates = new Map<string, Promise<CloneTemplate>>();

/** A clone of the sandbox template's origin, made once per process and initial file set. */
function cloneTemplate(files: Record<string, string>): Promise<CloneTemplate> {
  const key = JSON.stringify(Object.entries(files));
  let made = cloneTemplates.get(key);
  if (!made) {
    made = (async () => {
      const origin = join(await sandboxTemplate(files), "origin.git");
      const dir = await template(`git-sandbox-clone ${key}`, async (into) => {
        await gitIn(hermeticEnv(join(dirname(origin), "home")))(into, cloneArgs(origin, join(into, "clone")));
      });
      return { origin, originRefs: await refState(origin), clone: join(dir, "clone") };
    })();
    cloneTemplates.set(key, made);
    made.catch(() => cloneTemplates.delete(key));
  }
  return made;
}

/**
 * Every ref of a bare repository and where it points, from its files: equal states clone to equal
 * clones (a local clone takes its objects as they are).
 */
async function refState(gitDir: string): Promise<string> {
  const lines = [`HEAD ${await readFile(join(gitDir, "HEAD"), "utf8")}`];
  lines.push(`packed ${await readFile(join(gitDir, "packed-refs"), "utf8").catch(() => "")}`);
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(join(gitDir, folder), { withFileTypes: true })) {
      const path = `${folder}/${entry.name}`;
      if (entry.isDirectory()) await walk(path);
      else lines.push(`${path} ${await readFile(join(gitDir, path), "utf8")}`);
    }
  };
  await walk("refs");
  return lines.sort().join("\n");
}

/** Makes a copied clone's remote (and the reflogs that record where it came from) name `origin`. */
async function repointClone(dir: string, from: string, origin: string): Promise<void> {
  const files = [join(dir, ".git", "config")];
  const logs = join(dir, ".git", "logs");
  for (const entry of await readdir(logs, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files.push(join(entry.parentPath, entry.name));
  }
  await Promise.all(
    files.map(async (file) => {
      const text = await readFile(file, "utf8");
      if (text.includes(from)) await writeFile(file, text.split(from).join(origin));
    }),
  );
}

function sandboxTemplate(files: Record<string, string>): Promise<string> {
  return template(`git-sandbox ${JSON.stringify(Object.entries(files))}`, (dir) => buildTemplate(dir, files));
}

/**
 * home/.gitconfig and origin.git with `files` committed on main by PERSON, pushed from a scratch clone
 * that is removed afterwards (sandboxes never used it).
 */
async function buildTemplate(root: string, files: Record<string, string>): Promise<void> {
  const home = join(root, "home");
  await mkdir(home);
  await writeFile(join(home, ".gitconfig"), TEST_GITCONFIG);
  const git = gitIn(hermeticEnv(home));
  const origin = join(root, "origin.git");
  await git(root, ["init", "--quiet", "--bare", "--initial-branch=main", origin]);
  await dropSampleHooks(origin);
  const seed = await mkdtemp(join(tmpdir(), "folioctl-git-seed-"));
  try {
    await git(seed, ["init", "--quiet", "--initial-branch=main"]);
    await writeFiles(seed, files);
    await git(seed, ["add", "--all"]);
    await git(seed, [
      "-c",
      `user.name=${PERSON.name}`,
      "-c",
      `user.email=${PERSON.email}`,
      "commit",
      "--quiet",
      "-m",
      "Initial commit",
    ]);
    await git(seed, ["push", "--quiet", origin, "HEAD:refs/heads/main"]);
  } finally {
    await rm(seed, { recursive: true, force: true });
  }
}

/** Writes files under `dir`, all at once: a test may commit a thousand of them. */
async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  const entries = Object.entries(files).map(([path, text]) => [join(dir, path), text] as const);
  for (const folder of new Set(entries.map(([path]) => dirname(path)))) {
    await mkdir(folder, { recursive: true });
  }
  await Promise.all(entries.map(([path, text]) => writeFile(path, text)));
}

/**
 * Points HOME of this test process at the sandbox so that git run by the code under test (simple-git drops
 * GIT_* variables) reads no global identity; returns the function that restores it.
 */
export function useSandboxHome(sandbox: GitSandbox): () => void {
  const saved = { HOME: process.env["HOME"], XDG_CONFIG_HOME: process.env["XDG_CONFIG_HOME"] };
  process.env["HOME"] = sandbox.home;
  process.env["XDG_CONFIG_HOME"] = join(sandbox.home, ".config");
  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

function hermeticEnv(home: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("GIT_")));
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: join(home, ".gitconfig"),
    GIT_TERMINAL_PROMPT: "0",
  };
}

/**
 * A pre-receive hook that holds each push until `count` pushes are in flight at once (or about 20 s pass),
 * so that all of them pass their client-side checks before any of them lands.
 */
export function barrierHook(dir: string, count: number): string {
  return [
    `mkdir -p '${dir}'`,
    `: > '${dir}/'$$`,
    "i=0",
    `while [ "$(ls '${dir}' | wc -l)" -lt ${count} ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done`,
    "exit 0",
  ].join("\n");
}

/**
 * A pre-receive hook for origin: the first `times` pushes to main find that `human` pushed a commit to main
 * while they were in flight, so the remote refuses them under its ref lock. `counter` is a scratch file.
 */
export function mainMoverHook(sandbox: GitSandbox, human: string, counter: string, times: number): string {
  return [
    '[ -n "$FOLIOCTL_TEST_NESTED" ] && exit 0',
    "while read old new ref; do",
    '  [ "$ref" = refs/heads/main ] || continue',
    ...moveMainOnce(sandbox, human, counter, times, "  "),
    "done",
    "exit 0",
  ].join("\n");
}

/**
 * A reference-transaction hook for a folioctl clone: right after that clone fetched a new main, the first
 * `times` times, `human` pushes a commit to main, so the clone builds on a main that is already stale.
 */
export function fetchMoverHook(sandbox: GitSandbox, human: string, counter: string, times: number): string {
  return [
    '[ "$1" = committed ] || exit 0',
    '[ -n "$FOLIOCTL_TEST_NESTED" ] && exit 0',
    "grep -q ' refs/remotes/origin/main$' || exit 0",
    ...moveMainOnce(sandbox, human, counter, times, ""),
    "exit 0",
  ].join("\n");
}

function moveMainOnce(sandbox: GitSandbox, human: string, counter: string, times: number, indent: string) {
  // A clean environment: hooks run with GIT_DIR and quarantine variables that must not leak into `human`.
  const env = `env -i PATH="$PATH" HOME='${sandbox.home}' GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL='${sandbox.home}/.gitconfig' FOLIOCTL_TEST_NESTED=1`;
  const moveMain = [
    `cd '${human}'`,
    "git fetch -q origin",
    "git checkout -q -B main origin/main",
    "echo edit-$n >> notes.txt",
    "git add notes.txt",
    "git commit -q -m 'Edit notes meanwhile'",
    "git push -q origin HEAD:refs/heads/main",
  ].join(" && ");
  return [
    `n=$(cat '${counter}' 2>/dev/null || echo 0)`,
    `[ "$n" -ge ${times} ] && exit 0`,
    `echo $((n+1)) > '${counter}'`,
    `${env} sh -c "${moveMain.replace(/"/g, '\\"')}" > /dev/null 2>&1 || exit 1`,
  ].map((line) => indent + line);
}
