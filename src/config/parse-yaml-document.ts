// Text -> one YAML document, with resource limits checked before the parts of the parser whose cost
// grows with nesting or alias expansion.
import type { Alias, CST, Document, YAMLError } from "yaml";
import { Composer, Lexer, LineCounter, Parser, visit } from "yaml";
import { aliasesCopyMoreThan } from "./alias-expansion.js";
import type { Diagnostic } from "./diagnostic.js";
import { textPosition } from "./decode-yaml-text.js";
import { MAX_NESTING } from "./check-yaml-nodes.js";
import type { YamlSource } from "./yaml-locations.js";
import { positionOfOffset } from "./yaml-locations.js";

/** Aliases may expand to at most this many nodes ("billion laughs" protection). */
export const MAX_ALIAS_COUNT = 100;
const MAX_SYNTAX_ERRORS = 10;

export type ParseYamlResult =
  { ok: true; source: YamlSource; data: unknown } | { ok: false; errors: Diagnostic[] };

export function parseYamlDocument(text: string, file: string): ParseYamlResult {
  const at = (offset: number, message: string, hint: string): Diagnostic => {
    const { line, column } = textPosition(text, offset);
    return { file, line, column, path: "", message, hint };
  };
  const fail = (errors: Diagnostic[]): ParseYamlResult => ({ ok: false, errors });

  // One lexer and parser pass serves the nesting check, the document count and the composer: a
  // 1 MiB file is large enough for a second pass to matter.
  const lineCounter = new LineCounter();
  const scan = scanTokens(text, lineCounter);
  if (scan.deepOffset !== undefined) {
    return fail([
      at(
        scan.deepOffset,
        `brackets nested more than ${MAX_NESTING} levels deep`,
        "check that this is the right file",
      ),
    ]);
  }
  const documents = scan.tokens.filter((token) => token.type === "document").map((token) => token.offset);
  if (documents.length === 0) {
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
  if (documents.length > 1) {
    return fail([
      at(
        documents[1] ?? 0,
        `the file holds ${documents.length} YAML documents; a portfolio is one`,
        "remove this `---` line and what follows it, or put each portfolio in its own file",
      ),
    ]);
  }

  // Duplicate keys are reported by checkYamlNodes, with both places, instead of the parser's error.
  // logLevel "error": problems are collected on the document, not printed by the library.
  const composer = new Composer({ uniqueKeys: false, logLevel: "error" });
  let doc: Document.Parsed | undefined;
  for (const composed of composer.compose(scan.tokens, true, text.length)) doc ??= composed;
  if (doc === undefined) return fail([at(0, "the file has no YAML document", "add the portfolio's keys")]);
  const source: YamlSource = { doc, lineCounter, text };
  const problems = [...doc.errors, ...doc.warnings.filter((w) => w.code !== "TAG_RESOLVE_FAILED")];
  if (problems.length > 0) return fail(syntaxDiagnostics(problems, source, file));
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
  if (aliasesCopyMoreThan(doc, MAX_ALIAS_COUNT)) return fail([aliasDiagnostic(source, file)]);
  try {
    return { ok: true, source, data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch {
    // toJS throws for an alias without an anchor before it, and for aliases that expand past the limit.
    return fail([aliasDiagnostic(source, file)]);
  }
}

function aliasDiagnostic(source: YamlSource, file: string): Diagnostic {
  let unresolved: Alias | undefined;
  let first: Alias | undefined;
  visit(source.doc, {
    Alias(_key, node) {
      first ??= node;
      if (node.resolve(source.doc) === undefined) {
        unresolved = node;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  const alias = unresolved ?? first;
  const { line, column } = positionOfOffset(source, alias?.range?.[0] ?? 0);
  if (unresolved !== undefined) {
    const name = unresolved.source;
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

type Token = CST.Token;

interface TokenScan {
  /** Parser (CST) tokens of the whole text; incomplete when the nesting check stopped early. */
  tokens: Token[];
  /** Offset of the first `[` or `{` that opens a flow collection deeper than MAX_NESTING. */
  deepOffset?: number;
}

/** Lexes once, feeding the parser; stops at the first flow collection nested too deep. */
function scanTokens(text: string, lineCounter: LineCounter): TokenScan {
  const parser = new Parser(lineCounter.addNewLine);
  const tokens: Token[] = [];
  let depth = 0;
  let offset = 0;
  lineCounter.addNewLine(0);
  for (const lexeme of new Lexer().lex(text)) {
    if (lexeme === "[" || lexeme === "{") {
      depth++;
      if (depth > MAX_NESTING) return { tokens, deepOffset: offset };
    } else if (lexeme === "]" || lexeme === "}") depth = Math.max(0, depth - 1);
    // The lexer emits one-character control tokens (document, scalar markers) that are not in the source.
    if (!(lexeme.length === 1 && lexeme < " " && lexeme !== "\t" && lexeme !== "\n" && lexeme !== "\r")) {
      offset += lexeme.length;
    }
    for (const token of parser.next(lexeme)) tokens.push(token);
  }
  for (const token of parser.end()) tokens.push(token);
  return { tokens };
}

const SYNTAX_HINTS: Record<string, string> = {
  TAB_AS_INDENT: "indent with spaces, not tabs",
  BAD_INDENT: "line up the keys of one mapping at the same indentation",
  MISSING_CHAR: "a quote or bracket opened above is never closed: close it",
  BLOCK_AS_IMPLICIT_KEY: "put one `key: value` per line, with nested keys on indented lines below",
  MULTILINE_IMPLICIT_KEY: "put one `key: value` per line, with nested keys on indented lines below",
  BAD_ALIAS: "define the anchor (`&name`) before using it (`*name`), or write the value out",
  UNEXPECTED_TOKEN: "check this line and the one above for a missing `:`, `-` or quote, or wrong indentation",
};

function syntaxDiagnostics(all: YAMLError[], source: YamlSource, file: string): Diagnostic[] {
  // One message per place: the parser often reports two views of the same mistake.
  const seen = new Set<string>();
  const problems = all.filter((problem) => {
    const key = `${problem.pos[0]}`;
    if (seen.has(key)) return false;
    seen.add(key);
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
  if (problems.length > MAX_SYNTAX_ERRORS) {
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
