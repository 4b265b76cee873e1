import { readFileSync } from 'node:fs';

/** Version of the JSON output contract. Bump on breaking changes. */
export const SCHEMA_VERSION = 1;

export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return '0.0.0';
  }
}
