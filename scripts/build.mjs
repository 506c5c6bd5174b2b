// `npm run build` (and so `npm start`, `npm test`, `npm run bench`): compiles the JSON schemas into
// validators (scripts/compile-schemas.ts), then the TypeScript into dist/ (tsc, incremental).
//
// It does nothing when dist/ was built from exactly the files that are there now: the hash of every
// input's path and contents (scripts/build-inputs.mjs) is kept in dist/.build-inputs once a build
// succeeds. Any change, added or removed file under src/ or schema/, or another lock file, gives another
// hash and a build, so a stale dist/ is never used. `--force` builds anyway; `--quiet` says nothing when
// there is nothing to do.
//
// Plain JavaScript on purpose: it must run before anything is compiled, in a few milliseconds.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildInputsHash } from "./build-inputs.mjs";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const STAMP = join(ROOT, "dist", ".build-inputs");
const ENTRY = join(ROOT, "dist", "cli", "main.js");

const args = new Set(process.argv.slice(2));
const say = (line) => process.stderr.write(`${line}\n`);

function run(step, command, commandArgs) {
  const result = spawnSync(process.execPath, [...command, ...commandArgs], { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) {
    say(
      `folioctl: build failed in ${step} (exit ${result.status ?? result.signal}); dist/ is not up to date`,
    );
    process.exit(result.status ?? 1);
  }
}

const hash = buildInputsHash(ROOT);
const built = existsSync(ENTRY) && existsSync(STAMP) ? readFileSync(STAMP, "utf8").trim() : undefined;
if (built === hash && !args.has("--force")) {
  if (!args.has("--quiet")) say("folioctl: dist/ is up to date with the sources; nothing to build");
  process.exit(0);
}

const started = Date.now();
say(
  !existsSync(ENTRY)
    ? "building folioctl (first run only; tsc takes about half a minute)..."
    : "rebuilding folioctl: the sources changed since the last build...",
);
// A build that stops half way must not leave a stamp that calls its dist/ up to date.
rmSync(STAMP, { force: true });
run("compile-schemas", ["--import", "./scripts/register-ts.mjs", "scripts/compile-schemas.ts"], []);
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
run("tsc", [tsc], ["-p", "tsconfig.build.json"]);
writeFileSync(STAMP, `${hash}\n`);
say(`folioctl: built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
