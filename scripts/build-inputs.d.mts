// Types of scripts/build-inputs.mjs (plain JavaScript, so that the build can run before anything is compiled).
export declare const INPUT_DIRS: readonly string[];
export declare const OUTPUT_DIRS: readonly string[];
export declare const INPUT_FILES: readonly string[];
/** The hash of the inputs under `root`; a file added, removed, renamed or changed gives another. */
export declare function buildInputsHash(root: string): string;
