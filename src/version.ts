import { readFileSync } from "node:fs";

// Read once from package.json so that plans record the exact version that made them.
const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};
export const TOOL_VERSION: string = manifest.version;
