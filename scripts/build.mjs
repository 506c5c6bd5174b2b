// `npm run build` (and so `npm start`, `npm test`, `npm run bench`): compiles the JSON schemas into
// validators (scripts/compile-schemas.ts), then the TypeScript into dist/ (tsc, incremental).
//
// It does nothing when dist/ was built from exactly the files that are there now: a SHA-256 of every
// input's path and contents is kept in dist/.build-inputs once a build succeeds. Any change, added or
// removed file under src/ or schema/, or another lock file, gives another hash and a build, so a stale
// dist/ is never used. Contents, not modification times: a checkout or a copy can leave old times on
// new files. `--force` builds anyway; `--quiet` says nothing when there is nothing to do.
//
// Plain JavaScript on purpose: it must run before anything is compiled, in a few milliseconds.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const STAMP = join(ROOT, "dist", ".build-inputs");
const ENTRY = join(ROOT, "dist", "cli", "main.js");
// What dist/ is made from. src/generated/ is output (of compile-schemas), not input.
const INPUT_DIRS = ["src", "schema"];
const INPUT_FILES = [
  "scripts/build.mjs",
  "scripts/compile-schemas.ts",
  "tsconfig.json",
  "tsconfig.build.json",
  "package.json",
  "package-lock.json",
];
const OUTPUT_DIRS = new Set([join(ROOT, "src", "generated")]);

const args = new Set(process.argv.slice(2));
const say = (line) => process.stderr.write(`${line}\n`);

function filesUnder(dir) {
  if (OUTPUT_DIRS.has(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
    });
}

function inputsHash() {
  const hash = createHash("sha256");
  const files = [
    ...INPUT_DIRS.flatMap((dir) => filesUnder(join(ROOT, dir))),
    ...INPUT_FILES.map((file) => join(ROOT, file)).filter((file) => existsSync(file)),
  ];
  for (const file of files) {
    hash.update(`${relative(ROOT, file)}\0`);
    hash.update(readFileSync(file));
    hash.update("\0");
  }
  return hash.digest("hex");
}

function run(step, command, commandArgs) {
  const result = spawnSync(process.execPath, [...command, ...commandArgs], { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) {
    say(
      `folioctl: build failed in ${step} (exit ${result.status ?? result.signal}); dist/ is not up to date`,
    );
    process.exit(result.status ?? 1);
  }
}

const hash = inputsHash();
const built = existsSync(ENTRY) && existsSync(STAMP) ? readFileSync(STAMP, "utf8").trim() : undefined;
if (built === hash && !args.has("--force")) {
  if (!args.has("--quiet")) say("folioctl: dist/ is up to date with the sources; nothing to build");
  process.exit(0);
}

const started = Date.now();
say(
  built === undefined
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
