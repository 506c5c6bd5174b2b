// Text -> one YAML document, with resource limits checked in the first pass over the text, before the
// stages whose cost grows with what that pass let through.
import type { Alias, Document, YAMLError } from "yaml";
import { Composer, LineCounter } from "yaml";
import type { AliasProblem } from "./alias-expansion.js";
import { checkAliases } from "./alias-expansion.js";
import type { Diagnostic } from "./diagnostic.js";
import { textPosition } from "./decode-yaml-text.js";
import type { ScanLimit } from "./scan-yaml-tokens.js";
import {
  MAX_ALIAS_COUNT,
  MAX_COLLECTIONS,
  MAX_PARSE_ERRORS,
  MAX_ENTRIES,
  MAX_NESTING,
  MAX_YAML_TOKENS,
  scanYamlTokens,
} from "./scan-yaml-tokens.js";
import type { YamlSource } from "./yaml-locations.js";
import { withPlainEnvironment } from "./plain-environment.js";
import { positionOfOffset } from "./yaml-locations.js";

const MAX_SYNTAX_ERRORS = 10;

export type ParseYamlResult =
  { ok: true; source: YamlSource; data: unknown } | { ok: false; errors: Diagnostic[] };

export function parseYamlDocument(text: string, file: string): ParseYamlResult {
  const at = (offset: number, message: string, hint: string): Diagnostic => {
    const { line, column } = textPosition(text, offset);
    return { file, line, column, path: "", message, hint };
  };
  const fail = (errors: Diagnostic[]): ParseYamlResult => ({ ok: false, errors });

  // One lexer and parser pass serves the resource budgets, the document count and the composer: a
  // 1 MiB file is large enough for a second pass to matter.
  const lineCounter = new LineCounter();
  const scan = scanYamlTokens(text, lineCounter);
  if (scan.exceeded !== undefined) {
    const { limit, offset } = scan.exceeded;
    return fail([at(offset, LIMIT_MESSAGES[limit].message, LIMIT_MESSAGES[limit].hint)]);
  }
  if (!scan.hasDocument) {
    return fail([
      {
        file,
        line: 0,
        column: 0,
        path: "",
        message: text.trim() === "" ? "the file is empty" : "the file has only comments, no portfolio",
        hint: "start from the example portfolio.yaml in the folioctl README",
      },
    ]);
  }

  // Duplicate keys are reported by checkYamlNodes, with both places, instead of the parser's error.
  // logLevel "error": problems are collected on the document, not printed by the library.
  const composer = new Composer({ uniqueKeys: false, logLevel: "error" });
  let doc: Document.Parsed | undefined;
  // The composer makes an Error object for every problem it finds (an unknown tag on each of 60,000
  // values, a syntax error on every line), and capturing each one's stack trace costs more than
  // composing the node: tens of microseconds. Nothing reads those stacks.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    withPlainEnvironment(() => {
      for (const composed of composer.compose(scan.tokens, true, text.length)) doc ??= composed;
    });
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  if (doc === undefined) return fail([at(0, "the file has no YAML document", "add the portfolio's keys")]);
  const source: YamlSource = { doc, lineCounter, text };
  const problems = [...doc.errors, ...doc.warnings.filter((w) => w.code !== "TAG_RESOLVE_FAILED")];
  if (problems.length > 0) return fail(syntaxDiagnostics(problems, source, file, scan.stoppedAfterErrors));
  if (doc.directives.yaml.explicit && doc.directives.yaml.version !== "1.2") {
    return fail([
      at(
        0,
        `YAML ${doc.directives.yaml.version} is not supported`,
        "remove the %YAML line: portfolios are YAML 1.2",
      ),
    ]);
  }
  if (doc.contents === null) {
    return fail([at(0, "the file has no content, only comments or `---`", "add the portfolio's keys")]);
  }
  // The alias check walks the whole document: only when the scan saw an alias.
  if (scan.hasAliases) {
    const aliases = checkAliases(doc, MAX_ALIAS_COUNT);
    if (!aliases.ok) return fail([aliasDiagnostic(aliases.reason, aliases.alias, source, file)]);
    source.aliasTargets = aliases.targets;
  }
  try {
    // The library's own alias limit stays as a second line of defence. It counts the anchored value
    // as one more copy: 100 aliases of one value are 101 to it and 100 to checkAliases.
    return { ok: true, source, data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT + 1 }) };
  } catch {
    const first = source.aliasTargets?.keys().next().value;
    return fail([aliasDiagnostic("expansion", first, source, file)]);
  }
}

function aliasDiagnostic(
  reason: AliasProblem["reason"],
  alias: Alias | undefined,
  source: YamlSource,
  file: string,
): Diagnostic {
  const { line, column } = positionOfOffset(source, alias?.range?.[0] ?? 0);
  const name = alias?.source ?? "";
  if (reason === "unresolved") {
    return {
      file,
      line,
      column,
      path: "",
      message: `the alias \`*${name}\` has no anchor \`&${name}\` before it`,
      hint: `define \`&${name}\` on an earlier value, or write the value out`,
    };
  }
  return {
    file,
    line,
    column,
    path: "",
    message: `aliases expand to more than ${MAX_ALIAS_COUNT} values: refused as a possible resource-exhaustion attack`,
    hint: "write the values out instead of using `*` aliases",
  };
}

const count = new Intl.NumberFormat("en-US");

const LIMIT_MESSAGES: Record<ScanLimit, { message: string; hint: string }> = {
  tokens: {
    message: `the file has more than ${count.format(MAX_YAML_TOKENS)} YAML tokens (keys, values, punctuation, spaces, line breaks, comments); reading stopped here`,
    hint: "plain YAML (no anchors, aliases, tags, `|` or `>` values, directives) has no such limit, and a 10,000-target portfolio written plainly has about 320,000: check that this is the right file, remove what a portfolio does not use, or write it as plain YAML",
  },
  collections: {
    message: `the file has more than ${count.format(MAX_COLLECTIONS)} mappings and lists; reading stopped at this one`,
    hint: "a portfolio has one per target (10,000 at most) and a few for its settings: check that this is the right file",
  },
  entries: {
    message: `a mapping or list has more than ${count.format(MAX_ENTRIES)} entries; reading stopped here`,
    hint: "`targets` lists 10,000 at most and a mapping has a few dozen keys: check that this is the right file",
  },
  nesting: {
    message: `mappings and lists nested more than ${MAX_NESTING} levels deep`,
    hint: "a portfolio nests three (the document, `targets`, a target): check that this is the right file",
  },
  aliases: {
    message: `the file has more than ${MAX_ALIAS_COUNT} aliases (\`*name\`); reading stopped at this one`,
    hint: "write the values out instead of using `*` aliases",
  },
  documents: {
    message: "a second YAML document starts here; a portfolio is one",
    hint: "remove this `---` line and what follows it, or put each portfolio in its own file",
  },
};

const SYNTAX_HINTS: Record<string, string> = {
  TAB_AS_INDENT: "indent with spaces, not tabs",
  BAD_INDENT: "line up the keys of one mapping at the same indentation",
  MISSING_CHAR: "a quote or bracket opened above is never closed: close it",
  BLOCK_AS_IMPLICIT_KEY: "put one `key: value` per line, with nested keys on indented lines below",
  MULTILINE_IMPLICIT_KEY: "put one `key: value` per line, with nested keys on indented lines below",
  BAD_ALIAS: "define the anchor (`&name`) before using it (`*name`), or write the value out",
  UNEXPECTED_TOKEN: "check this line and the one above for a missing `:`, `-` or quote, or wrong indentation",
};

function syntaxDiagnostics(
  all: YAMLError[],
  source: YamlSource,
  file: string,
  stoppedAt: number | undefined,
): Diagnostic[] {
  // One message per place: the parser often reports two views of the same mistake.
  const seen = new Set<number>();
  const problems = all.filter((problem) => {
    const start = problem.pos[0];
    if (seen.has(start)) return false;
    seen.add(start);
    return true;
  });
  const shown = problems.slice(0, MAX_SYNTAX_ERRORS).map((problem): Diagnostic => {
    const start = problem.pos[0];
    const position = start >= 0 ? positionOfOffset(source, start) : undefined;
    const message = problem.message;
    return {
      file,
      line: position?.line ?? 0,
      column: position?.column ?? 0,
      path: "",
      message: `YAML syntax: ${message.charAt(0).toLowerCase()}${message.slice(1)}`,
      hint: /end with an? [\]}]/.test(message)
        ? "a `[` or `{` above is never closed: close it on the line where it starts"
        : (SYNTAX_HINTS[problem.code] ?? "fix the YAML syntax here"),
    };
  });
  if (stoppedAt !== undefined) {
    // The count would cost as much as the errors themselves: say where reading stopped instead.
    shown.push({
      file,
      line: 0,
      column: 0,
      path: "",
      message: `more YAML syntax errors not shown: reading stopped at line ${positionOfOffset(source, stoppedAt).line}, after ${MAX_PARSE_ERRORS}`,
      hint: "fix the first errors; the later ones often follow from them",
    });
  } else if (problems.length > MAX_SYNTAX_ERRORS) {
    shown.push({
      file,
      line: 0,
      column: 0,
      path: "",
      message: `${problems.length - MAX_SYNTAX_ERRORS} more YAML syntax errors not shown`,
      hint: "fix the first errors; the later ones often follow from them",
    });
  }
  return shown;
}
