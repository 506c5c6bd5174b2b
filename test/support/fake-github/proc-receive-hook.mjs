// The fake GitHub's git remote answers some pushes in GitHub's own words. git's proc-receive hook (see
// `git help githooks`) takes over the refs listed in `receive.procReceiveRefs` and reports each one as
// accepted or refused with a reason of its own, which the pushing client shows as
// `[remote rejected] <ref> (<reason>)`: a pre-receive hook could only make that "pre-receive hook declined".
// The rules come from push-rules.ts through a JSON file in the repository; refs without a rule fall
// through to git's normal update.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";

const RULES = join(process.cwd(), "fake-github-push-rules.json");
const ZERO = "0".repeat(40);

function readExactly(length) {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const read = readSync(0, buffer, done, length - done, null);
    if (read === 0) throw new Error("proc-receive: input ended early");
    done += read;
  }
  return buffer;
}

/** One pkt-line's text, or null for a flush packet. */
function readPacket() {
  const length = parseInt(readExactly(4).toString("ascii"), 16);
  if (length === 0) return null;
  return readExactly(length - 4)
    .toString("utf8")
    .replace(/\n$/, "");
}

function readUntilFlush() {
  const lines = [];
  for (let line = readPacket(); line !== null; line = readPacket()) lines.push(line);
  return lines;
}

function writePacket(text) {
  const payload = Buffer.from(`${text}\n`, "utf8");
  writeSync(1, Buffer.concat([Buffer.from((payload.length + 4).toString(16).padStart(4, "0")), payload]));
}

function flush() {
  writeSync(1, "0000");
}

function loadRules() {
  return existsSync(RULES) ? JSON.parse(readFileSync(RULES, "utf8")) : [];
}

function saveRules(rules) {
  writeFileSync(`${RULES}.tmp`, JSON.stringify(rules));
  renameSync(`${RULES}.tmp`, RULES);
}

/** git outside the push's quarantine, where moving a ref is allowed: another push landing first. */
function landConcurrently(ref, old, concurrent) {
  const env = { ...process.env };
  for (const name of ["GIT_QUARANTINE_PATH", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES"]) {
    delete env[name];
  }
  const args = concurrent === null ? ["update-ref", "-d", ref, old] : ["update-ref", ref, concurrent, old];
  execFileSync("git", args, { env, stdio: ["ignore", "ignore", "inherit"] });
}

readUntilFlush(); // version=1 and the server's features; we ask for none.
writePacket("version=1");
flush();
const commands = readUntilFlush().map((line) => {
  const [old, value, ref] = line.split(" ");
  return { old, value, ref };
});

const rules = loadRules();
for (const { old, ref } of commands) {
  const index = rules.findIndex((rule) => rule.ref === ref);
  const rule = rules[index];
  if (rule === undefined) {
    writePacket(`ok ${ref}`);
    writePacket("option fall-through");
    continue;
  }
  if (rule.kind === "race") {
    rules.splice(index, 1);
    landConcurrently(ref, old, rule.concurrent);
    const reason =
      old === ZERO
        ? "reference already exists"
        : rule.concurrent === null
          ? `unable to resolve reference '${ref}'`
          : `is at ${rule.concurrent} but expected ${old}`;
    writePacket(`ng ${ref} cannot lock ref '${ref}': ${reason}`);
    continue;
  }
  // A ruleset that does not list the pusher as a bypass actor.
  process.stderr.write(
    `error: GH013: Repository rule violations found for ${ref}.\n` +
      `Review all repository rules at ${rule.rulesUrl}?ref=${encodeURIComponent(ref)}\n\n` +
      "- Cannot update this protected ref.\n\n",
  );
  writePacket(`ng ${ref} push declined due to repository rule violations`);
}
saveRules(rules);
flush();
