// What `folioctl init` writes when it is not told otherwise. Kept apart from the templates so that the
// command line can show them in --help without loading the renderer.

export const DEFAULT_ACCOUNT = "DU1234567";
/** Written when no owner is given: GitHub cannot resolve it, so it must be replaced before use. */
export const PLACEHOLDER_OWNER = "@your-org/portfolio-owners";
