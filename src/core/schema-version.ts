/** Version of the JSON output contract (every command's `schemaVersion`). Bump on breaking changes. */
export const SCHEMA_VERSION = 1;
