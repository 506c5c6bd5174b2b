// The one lexer and parser pass over a portfolio's text, with the resource budgets that keep the rest of
// the loader cheap. Every later stage (composing, converting, schema, checks) costs time in proportion to
// what this pass lets through, and the YAML library spends a few microseconds per token: a 1 MiB file of
// short tokens, or of small lists, costs seconds. Counting here stops such a file after a bounded amount
// of work, at the token where a limit is crossed, before anything else runs.
import type { LineCounter } from "yaml";
import { CST, Lexer, Parser } from "yaml";
import { withPlainEnvironment } from "./plain-environment.js";

/**
 * Tokens of the text: keys, values, punctuation, runs of spaces, line breaks and comments. Only files
 * that are not plain YAML come here (plain-yaml.ts reads the others in time proportional to their
 * size), and this budget bounds what such a file costs: the `yaml` library spends a few microseconds per
 * token, and a file of 250,000 takes about 0.7 s of CPU. The largest portfolio the schema allows,
 * 10,000 targets with five keys each written one per line, has about 320,000: as plain YAML it never
 * meets this budget; with an anchor or a tag it is refused, with a hint to write it plainly.
 */
export const MAX_YAML_TOKENS = 250_000;

/** Mappings and lists: a portfolio has one per target (10,000 at most) and a few for its settings. */
export const MAX_COLLECTIONS = 10_100;

/**
 * Aliases may copy at most this many values ("billion laughs" protection, see checkAliases). Each alias
 * copies one at least, so a file with more aliases than this is refused as soon as one too many is read.
 */
export const MAX_ALIAS_COUNT = 100;

/**
 * Entries of one mapping or list: `targets` lists 10,000 at most, a mapping has a few dozen keys. The
 * later stages cost time per entry (a message for each of 80,000 unknown keys, a node for each of
 * 130,000 numbers in a list), so a longer one is refused while it is read.
 */
export const MAX_ENTRIES = 10_200;

/** Mappings and lists inside one another: a portfolio needs three (the document, `targets`, a target). */
export const MAX_NESTING = 64;

/**
 * Syntax errors the parser reports before the scan stops: ten are shown, and a file with a stray
 * bracket on each of 80,000 lines would cost seconds to compose for messages nobody reads.
 */
export const MAX_PARSE_ERRORS = 100;

export type ScanLimit = "tokens" | "collections" | "entries" | "nesting" | "aliases" | "documents";

export interface TokenScan {
  /** Parser (CST) tokens of the whole text; incomplete when a limit stopped the scan. */
  tokens: CST.Token[];
  /** Whether a document started at all (a file of comments and blank lines has none). */
  hasDocument: boolean;
  /** Whether the text has an alias (`*name`): the alias checks have nothing to do otherwise. */
  hasAliases: boolean;
  /** The first limit crossed, and the offset of the token that crossed it. */
  exceeded?: { limit: ScanLimit; offset: number };
  /** Where the scan stopped after MAX_PARSE_ERRORS syntax errors; `tokens` end there. */
  stoppedAfterErrors?: number;
}

/** Lexes once, feeding the parser and `lineCounter`; stops at the first limit crossed. */
export function scanYamlTokens(text: string, lineCounter: LineCounter): TokenScan {
  return withPlainEnvironment(() => scanWithBudgets(text, lineCounter));
}

function scanWithBudgets(text: string, lineCounter: LineCounter): TokenScan {
  const parser = new Parser(lineCounter.addNewLine);
  const tokens: CST.Token[] = [];
  let sourceTokens = 0;
  let offset = 0;
  let aliases = 0;
  let atScalar = false;
  let document: CST.Token | undefined;
  let collections = 0;
  let parseErrors = 0;
  // The parser keeps the open tokens on a stack, each at a fixed position while it is open. `known`
  // mirrors the stack as of the last lexeme, with the collection depth at each position, so that only
  // tokens new since then are looked at: constant work per lexeme, on average.
  const known: CST.Token[] = [];
  const depths: number[] = [];
  let knownLength = 0;
  const stop = (limit: ScanLimit, at: number): TokenScan => ({
    tokens,
    hasDocument: document !== undefined,
    hasAliases: aliases > 0,
    exceeded: { limit, offset: at },
  });

  lineCounter.addNewLine(0);
  for (const lexeme of new Lexer().lex(text)) {
    // The lexer emits one-character control tokens (document, scalar markers) that are not in the source.
    const isControl =
      lexeme.length === 1 && lexeme < " " && lexeme !== "\t" && lexeme !== "\n" && lexeme !== "\r";
    if (isControl) atScalar = lexeme === CST.SCALAR;
    const start = offset;
    if (!isControl) {
      if (++sourceTokens > MAX_YAML_TOKENS) return stop("tokens", offset);
      // After the scalar marker comes a plain or block scalar's text, which may start with `*`.
      if (!atScalar && lexeme.charCodeAt(0) === 0x2a /* * */ && ++aliases > MAX_ALIAS_COUNT) {
        return stop("aliases", offset);
      }
      atScalar = false;
      offset += lexeme.length;
    }
    for (const token of parser.next(lexeme)) {
      tokens.push(token);
      if (token.type === "error") parseErrors++;
    }
    if (parseErrors > MAX_PARSE_ERRORS) {
      for (const token of parser.end()) tokens.push(token);
      return {
        tokens,
        hasDocument: document !== undefined,
        hasAliases: aliases > 0,
        stoppedAfterErrors: start,
      };
    }

    const stack = parser.stack;
    // Below the first unchanged position from the top, nothing changed: the stack is last in, first out.
    let same = Math.min(stack.length, knownLength);
    while (same > 0 && stack[same - 1] !== known[same - 1]) same--;
    for (let i = same; i < stack.length; i++) {
      const token = stack[i] as CST.Token;
      const below = i === 0 ? 0 : (depths[i - 1] as number);
      known[i] = token;
      if (token.type === "document") {
        if (document !== undefined && token !== document) return stop("documents", token.offset);
        document = token;
      }
      if (token.type !== "block-map" && token.type !== "block-seq" && token.type !== "flow-collection") {
        depths[i] = below;
        continue;
      }
      depths[i] = below + 1;
      if (++collections > MAX_COLLECTIONS) return stop("collections", token.offset);
      if (below + 1 > MAX_NESTING) return stop("nesting", token.offset);
    }
    knownLength = stack.length;
    // New entries go into the innermost open collection, the one nearest the top of the stack.
    for (let i = stack.length - 1; i >= 0; i--) {
      const token = stack[i] as CST.Token;
      if (token.type !== "block-map" && token.type !== "block-seq" && token.type !== "flow-collection")
        continue;
      if (token.items.length > MAX_ENTRIES) return stop("entries", start);
      break;
    }
  }
  for (const token of parser.end()) tokens.push(token);
  return { tokens, hasDocument: document !== undefined, hasAliases: aliases > 0 };
}
