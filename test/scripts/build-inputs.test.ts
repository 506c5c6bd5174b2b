// The build is skipped when dist/ was built from the same inputs: every change that can change dist/
// must change the hash, and nothing else may (or every `npm start` would rebuild).
import { mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildInputsHash } from "../../scripts/build-inputs.mjs";

const root = mkdtempSync(join(tmpdir(), "folioctl-build-inputs-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

write("src/cli/main.ts", "export const a = 1;\n");
write("src/config/load.ts", "export const b = 2;\n");
write("schema/portfolio.schema.json", "{}\n");
write("package.json", '{ "name": "x" }\n');
write("package-lock.json", "{}\n");
write("tsconfig.json", "{}\n");

describe("the hash of what dist/ is built from", () => {
  it("is the same for the same files, whatever their modification times", () => {
    const before = buildInputsHash(root);
    utimesSync(join(root, "src/cli/main.ts"), new Date("2001-01-01"), new Date("2001-01-01"));
    expect(buildInputsHash(root)).toBe(before);
  });

  it.each([
    ["a source changes", () => write("src/cli/main.ts", "export const a = 2;\n")],
    ["a source is added", () => write("src/cli/new.ts", "export {};\n")],
    ["a source is removed", () => rmSync(join(root, "src/config/load.ts"))],
    ["a source is renamed", () => renameSync(join(root, "src/cli/main.ts"), join(root, "src/cli/entry.ts"))],
    ["a schema changes", () => write("schema/portfolio.schema.json", '{ "type": "object" }\n')],
    ["the lock file changes", () => write("package-lock.json", '{ "lockfileVersion": 3 }\n')],
    ["the compiler options change", () => write("tsconfig.json", '{ "compilerOptions": {} }\n')],
    ["the build script changes", () => write("scripts/build.mjs", "// another build\n")],
  ])("changes when %s", (_what, change) => {
    const before = buildInputsHash(root);
    change();
    expect(buildInputsHash(root)).not.toBe(before);
  });

  it("leaves out src/generated/, which the build itself writes", () => {
    const before = buildInputsHash(root);
    write("src/generated/portfolio-validator.ts", "export const v = 1;\n");
    expect(buildInputsHash(root)).toBe(before);
  });
});
