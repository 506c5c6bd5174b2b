// Vitest global setup: the validators in src/generated/ are compiled from schema/*.json (they are not in
// git), so every test run compiles them first and never tests against an older schema. The CLI tests
// still need `npm run build`, which does the same for dist/.
import { compileSchemas } from "../../scripts/compile-schemas.js";
import { writeCompiledContract } from "./fake-github/compiled-contract.js";

export async function setup(): Promise<void> {
  await compileSchemas();
  // The fake GitHub's contract validators, once for every test process (see compiled-contract.ts).
  await writeCompiledContract();
}
