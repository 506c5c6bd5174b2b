// Field paths as users read them (`targets[2].weight`) and as ajv reports them (`/targets/2/weight`).

export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `["targets", 2, "weight"]` -> `targets[2].weight`; odd keys are quoted: `cash["my key"]`. */
export function formatFieldPath(path: readonly PathSegment[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) text += text === "" ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

/** Parses an ajv instancePath (JSON Pointer); array indexes become numbers when the data is an array. */
export function pointerToPath(pointer: string, data: unknown): PathSegment[] {
  if (pointer === "") return [];
  const path: PathSegment[] = [];
  let current: unknown = data;
  // A file can have tens of thousands of errors, each with its pointer: the escapes are rare.
  const escaped = pointer.includes("~");
  for (const raw of pointer.slice(1).split("/")) {
    const key = escaped ? raw.replace(/~1/g, "/").replace(/~0/g, "~") : raw;
    if (Array.isArray(current) && ARRAY_INDEX.test(key)) {
      const index = Number(key);
      path.push(index);
      current = current[index];
    } else {
      path.push(key);
      current = isRecord(current) ? current[key] : undefined;
    }
  }
  return path;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
