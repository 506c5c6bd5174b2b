// Vitest global setup: the validators in src/generated/ are compiled from schema/*.json (they are not in
// git), so every test run compiles them first and never tests against an older schema. The CLI tests
// still need `npm run build`, which does the same for dist/.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileSchemas } from "../../scripts/compile-schemas.js";
import { writeCompiledContract } from "./fake-github/compiled-contract.js";
import { TEMPLATES_ENV } from "./run-templates.js";

export async function setup(): Promise<() => Promise<void>> {
  await compileSchemas();
  // The fake GitHub's contract validators, once for every test process (see compiled-contract.ts).
  await writeCompiledContract();
  // Where test processes keep the git templates they copy sandboxes from (run-templates.ts): removed
  // here when the run ends, as the processes themselves are stopped without a chance to.
  const templates = await mkdtemp(join(tmpdir(), "folioctl-test-templates-"));
  process.env[TEMPLATES_ENV] = templates;
  return async () => {
    delete process.env[TEMPLATES_ENV];
    await rm(templates, { recursive: true, force: true });
  };
}
