// Lets `node --import ./scripts/register-ts.mjs file.ts` run TypeScript scripts (benchmarks, tooling)
// through ts-node's ESM loader without a separate build step.
import { register } from "node:module";
import { pathToFileURL } from "node:url";

process.env.TS_NODE_TRANSPILE_ONLY ??= "true";
register("ts-node/esm", pathToFileURL("./"));
