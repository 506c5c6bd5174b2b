import type { PathSegment } from "./field-path.js";

/**
 * A problem found in a portfolio before it has a file position. `at` says which part of the YAML the
 * message is about: the key of the field (unknown or duplicate keys), or its value (wrong type, range).
 * When the field is absent, the loader points at the nearest enclosing key instead.
 */
export interface Problem {
  path: PathSegment[];
  at: "key" | "value";
  message: string;
  hint?: string;
  /** For an unknown key: the field path (formatted) of the key it is probably a typo of. */
  suggests?: string;
  /** For a missing key: its field path (formatted). */
  requires?: string;
}
