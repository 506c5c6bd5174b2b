// The untrusted-bytes gate in front of the YAML parser: size, encoding, binary content and characters
// that could make the file read differently in review from what it does.
import { isUtf8 } from "node:buffer";
import type { Diagnostic } from "./diagnostic.js";

/** Portfolios are a few kilobytes; anything over this is the wrong file or an attack on the parser. */
export const MAX_PORTFOLIO_BYTES = 1024 * 1024;

const MAX_CHARACTER_PROBLEMS = 10;

export type DecodeResult = { ok: true; text: string } | { ok: false; errors: Diagnostic[] };

export function decodeYamlText(bytes: Uint8Array, file: string): DecodeResult {
  const fail = (line: number, column: number, message: string, hint: string): DecodeResult => ({
    ok: false,
    errors: [{ file, line, column, path: "", message, hint }],
  });
  if (bytes.length > MAX_PORTFOLIO_BYTES) {
    return fail(
      0,
      0,
      `the file is larger than 1 MiB (${MAX_PORTFOLIO_BYTES} bytes), the most a portfolio may have`,
      "a portfolio.yaml is a few kilobytes: check that this is the right file",
    );
  }
  const utf16 = detectUtf16(bytes);
  if (utf16 !== undefined) {
    return fail(1, 1, `the file is ${utf16} text, not UTF-8`, "save the file as UTF-8");
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const { line, column } = bytePosition(bytes, nul);
    return fail(line, column, "the file contains NUL bytes: it is binary, not YAML text", BINARY_HINT);
  }
  if (!isUtf8(bytes)) {
    const bad = firstInvalidUtf8(bytes);
    const { line, column } = bytePosition(bytes, bad);
    const byte = (bytes[bad] ?? 0).toString(16).toUpperCase().padStart(2, "0");
    return fail(line, column, `the file is not valid UTF-8 (byte 0x${byte})`, "save the file as UTF-8");
  }
  // TextDecoder drops a leading byte order mark, which some Windows editors write.
  const decoded = new TextDecoder("utf-8").decode(bytes);
  const errors = findForbiddenCharacters(decoded, file);
  if (errors.length > 0) return { ok: false, errors };
  // YAML counts a lone CR (classic Mac OS) as a line break; the parser only knows LF and CRLF. Same
  // length, so every offset and column stays right.
  return { ok: true, text: decoded.replace(/\r(?!\n)/g, "\n") };
}

const BINARY_HINT = "pass the portfolio.yaml file itself, saved as plain UTF-8 text";

function detectUtf16(bytes: Uint8Array): string | undefined {
  const [a, b] = bytes;
  if (a === 0xff && b === 0xfe) return "UTF-16 (little-endian)";
  if (a === 0xfe && b === 0xff) return "UTF-16 (big-endian)";
  return undefined;
}

// Control characters are not allowed in YAML; bidirectional overrides are invisible in review and can
// make a line look like it says something else ("Trojan Source").
const FORBIDDEN =
  // eslint-disable-next-line no-control-regex -- finding control characters is the purpose of this pattern.
  /[\u0001-\u0008\u000B\u000C\u000E-\u001F\u007F\u0080-\u0084\u0086-\u009F\u202A-\u202E\u2066-\u2069]/g;

function findForbiddenCharacters(text: string, file: string): Diagnostic[] {
  const errors: Diagnostic[] = [];
  for (const match of text.matchAll(FORBIDDEN)) {
    if (errors.length === MAX_CHARACTER_PROBLEMS) break;
    const code = match[0].codePointAt(0) ?? 0;
    const { line, column } = textPosition(text, match.index);
    const name = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
    const bidi = code >= 0x202a;
    errors.push({
      file,
      line,
      column,
      path: "",
      message: bidi
        ? `invisible text-direction character ${name}: it makes the line display differently from what it says`
        : `control character ${name} is not allowed in YAML`,
      hint: bidi
        ? "delete the character (most editors show it with a 'show invisibles' option)"
        : BINARY_HINT,
    });
  }
  return errors;
}

/** 1-based line and column (in UTF-16 code units, as the YAML parser counts) of a string index. */
export function textPosition(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < index; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}

function bytePosition(bytes: Uint8Array, offset: number): { line: number; column: number } {
  // The prefix up to `offset` is valid UTF-8 (offset is the first bad byte), so it decodes exactly.
  const prefix = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes.subarray(0, offset));
  const { line, column } = textPosition(prefix, prefix.length);
  return { line, column: line === 1 && prefix.startsWith("\uFEFF") ? column - 1 : column };
}

/** Index of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] ?? 0;
    let length: number;
    if (lead < 0x80) length = 1;
    else if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) length = 3;
    else if (lead >= 0xf0 && lead <= 0xf4) length = 4;
    else return i;
    if (length === 1) {
      i++;
      continue;
    }
    let codePoint = lead & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    const min = length === 3 ? 0x800 : length === 4 ? 0x10000 : 0x80;
    if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return i;
    i += length;
  }
  return bytes.length;
}
