/**
 * Attribution tags for a LiteLLM spend-log row:
 * user -> user, end_user -> customer, team_id -> team, organization_id -> organization,
 * model_group -> model_group, call_type -> call_type, metadata.user_api_key_alias -> api_key_alias,
 * metadata.user_api_key_team_alias -> team_alias, every scalar in metadata.spend_logs_metadata -> its key,
 * request_tags `key:value` / `key=value` -> key, other request tags -> `request_tags` (comma-joined),
 * then configured attribution paths (tag -> dot path into metadata, else into the row).
 */
import { setTag, TAG_CUSTOMER, TAG_USER } from '../../usage/record.js';
import { getPath, isObject, str } from './values.js';

type Row = Record<string, unknown>;

/** Row field -> tag, in the order they are set (the SQL reader, engine/sql-readers/litellm.ts, sets them alike). */
export const ROW_TAGS: ReadonlyArray<readonly [string, string]> = [
  ['user', TAG_USER],
  ['end_user', TAG_CUSTOMER],
  ['team_id', 'team'],
  ['organization_id', 'organization'],
  ['model_group', 'model_group'],
  ['call_type', 'call_type'],
];

/** metadata key -> tag, set after the row's. */
export const METADATA_TAGS: ReadonlyArray<readonly [string, string]> = [
  ['user_api_key_alias', 'api_key_alias'],
  ['user_api_key_team_alias', 'team_alias'],
];

function addRequestTags(tags: Record<string, string>, requestTags: unknown): void {
  if (!Array.isArray(requestTags)) return;
  const plain: string[] = [];
  for (const t of requestTags) {
    const s = str(t);
    if (s === undefined) continue;
    const m = /^([A-Za-z0-9_.-]+)[:=](.+)$/.exec(s);
    if (m) tags[m[1]] = m[2].trim();
    else plain.push(s);
  }
  if (plain.length > 0) tags.request_tags = plain.join(',');
}

export function litellmTags(
  row: Row,
  metadata: unknown,
  requestTags: unknown,
  attribution?: Record<string, string>,
): Record<string, string> {
  // no prototype: a metadata key __proto__ is a tag (emptyUsage)
  const tags: Record<string, string> = Object.create(null);
  for (const [key, tag] of ROW_TAGS) {
    const v = str(row[key]);
    if (v !== undefined) tags[tag] = v;
  }
  if (isObject(metadata)) {
    for (const [key, tag] of METADATA_TAGS) {
      const v = str(metadata[key]);
      if (v !== undefined) tags[tag] = v;
    }
    const custom = metadata.spend_logs_metadata;
    if (isObject(custom)) {
      for (const [key, value] of Object.entries(custom)) {
        const v = str(value);
        if (v !== undefined) setTag(tags, key, v);
      }
    }
  }
  addRequestTags(tags, requestTags);
  for (const [tag, path] of Object.entries(attribution ?? {})) {
    const parts = path.split('.');
    const v = str(getPath(metadata, path, parts)) ?? str(getPath(row, path, parts));
    if (v !== undefined) setTag(tags, tag, v);
  }
  return tags;
}
