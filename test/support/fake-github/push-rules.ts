// Switches that make the fake's git remote refuse pushes the way GitHub does, in GitHub's words. They are
// carried out by proc-receive-hook.mjs inside `git receive-pack`, so the client sees exactly what a push
// to GitHub would show it.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export type PushRule =
  | {
      ref: string;
      /** Another push lands first: the ref is moved to `concurrent` (null: deleted), then ours is refused. */
      kind: "race";
      concurrent: string | null;
    }
  | {
      ref: string;
      /** A ruleset without the pusher as a bypass actor refuses every push to the ref. */
      kind: "ruleset";
      rulesUrl: string;
    };

const HOOK = fileURLToPath(new URL("./proc-receive-hook.mjs", import.meta.url));
const RULES_FILE = "fake-github-push-rules.json";

/** Installs the hook once and hands `ref` to it (`receive.procReceiveRefs`, a prefix, may repeat). */
export async function addPushRule(
  gitDir: string,
  rule: PushRule,
  git: (args: string[]) => Promise<string>,
): Promise<void> {
  const hook = join(gitDir, "hooks", "proc-receive");
  await writeFile(hook, `#!/bin/sh\nexec "${process.execPath}" "${HOOK}"\n`, { mode: 0o755 });
  const configured: string[] = await git(["config", "--get-all", "receive.procReceiveRefs"]).then(
    (out) => out.split("\n"),
    () => [],
  );
  if (!configured.includes(rule.ref)) await git(["config", "--add", "receive.procReceiveRefs", rule.ref]);
  const rules = await readRules(gitDir);
  await writeFile(join(gitDir, RULES_FILE), JSON.stringify([...rules, rule]));
}

export async function removePushRules(gitDir: string, ref: string): Promise<void> {
  const rules = await readRules(gitDir);
  await writeFile(join(gitDir, RULES_FILE), JSON.stringify(rules.filter((rule) => rule.ref !== ref)));
}

/** The rules not yet used up (a race is used by the push it refused). */
export async function readRules(gitDir: string): Promise<PushRule[]> {
  try {
    return JSON.parse(await readFile(join(gitDir, RULES_FILE), "utf8")) as PushRule[];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}
