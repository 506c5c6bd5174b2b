#!/usr/bin/env node
// Thin launcher so `npx folioctl` works from a checkout (after `npm run build`) and from a global install.
import { existsSync } from "node:fs";
import module from "node:module";
import { fileURLToPath } from "node:url";

// Node.js 22.1 and later can keep V8's compiled code of folioctl and its dependencies between runs (in
// the OS temp directory), so that every command starts sooner; Node.js 20 has no such cache.
module.enableCompileCache?.();

const entry = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write("folioctl: dist/ is missing. Run `npm run build` in the folioctl checkout first.\n");
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
