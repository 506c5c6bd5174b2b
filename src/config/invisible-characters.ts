// Characters a reviewer cannot see in a diff: `"VTI "` and `VTI` look the same in a pull request but are
// two different symbols to IB. Fields with a fixed spelling (tickers, currency and exchange codes)
// refuse them by name instead of quoting them back invisibly.

const NAMED: Record<string, string> = {
  "\t": "a tab",
  "\u00a0": "a non-breaking space (U+00A0)",
  "\u200b": "a zero-width space (U+200B)",
  "\u200c": "a zero-width non-joiner (U+200C)",
  "\u200d": "a zero-width joiner (U+200D)",
  "\u2060": "a word joiner (U+2060)",
  "\ufeff": "a byte order mark (U+FEFF)",
};

// Unicode white space and format characters that render as nothing or as an ordinary space.
const INVISIBLE = /[\t\n\r\v\f\u00a0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]/u;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, "gu");

function nameOf(character: string): string {
  const code = character.codePointAt(0)?.toString(16).toUpperCase().padStart(4, "0") ?? "";
  return NAMED[character] ?? `an invisible character (U+${code})`;
}

/** What a reader of `text` cannot see: "it ends with a space", "it holds a tab"; undefined if nothing. */
export function describeInvisible(text: string): string | undefined {
  const hidden = INVISIBLE.exec(text);
  if (hidden !== null) return `it holds ${nameOf(hidden[0])}`;
  if (text.startsWith(" ")) return "it starts with a space";
  if (text.endsWith(" ")) return "it ends with a space";
  if (text.includes("  ")) return "it holds two spaces in a row";
  return undefined;
}

// The ones that render as nothing; every other one renders as a space.
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/u;

/** `text` as it looks: zero-width characters dropped, other spaces single, none at either end. */
export function withoutInvisible(text: string): string {
  return text
    .replace(INVISIBLE_ALL, (c) => (ZERO_WIDTH.test(c) ? "" : " "))
    .replace(/ {2,}/g, " ")
    .trim();
}

/** JSON-style escapes for the characters a reader cannot see, so that a quoted value shows them. */
export function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE_ALL, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`);
}
