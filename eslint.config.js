import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "dist-check/",
      "node_modules/",
      "coverage/",
      "src/generated/",
      "test/support/fake-github/generated/",
      "reports/",
      ".stryker-tmp/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly" },
    },
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        { selector: "ExportDefaultDeclaration", message: "Use named exports." },
      ],
    },
  },
  {
    // The pure core takes time as an argument: a hidden clock makes plans non-deterministic.
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-globals": ["error", { name: "Date", message: "Pass time in; core/ is clock-free." }],
      "no-restricted-imports": [
        "error",
        { patterns: ["node:fs*", "node:net", "node:child_process", "../broker/*", "../forge/*", "../git/*"] },
      ],
    },
  },
  {
    files: ["eslint.config.js", "vitest.config.ts", "vitest.stryker.config.ts"],
    rules: { "no-restricted-syntax": "off" },
  },
);
