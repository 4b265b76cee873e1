/**
 * Chat JSON prompts: an OpenAI `messages` array, an OpenAI request body `{model?, messages, tools?}`,
 * or an Anthropic request body `{model?, system?, messages, tools?}`. Tool definitions are counted
 * as their compact JSON; tool calls and tool results inside messages are counted as their JSON;
 * image blocks are not counted (a warning says so). Other request keys (temperature...) are ignored.
 */
import { UserError } from '../core/issues.js';
import { isLoadBearingName } from './load-bearing.js';
import { hasVariables } from './template.js';
import type { Prompt, PromptMessage, PromptPart } from './types.js';

type Json = Record<string, unknown>;

const IMAGE_TYPES = new Set(['image', 'image_url', 'input_image', 'document', 'input_file', 'file']);

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Text of a content value: a string, or an array of blocks (text kept, tool blocks as JSON). */
function contentText(content: unknown, where: string, warnings: string[]): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (!Array.isArray(content)) return JSON.stringify(content);
  const out: string[] = [];
  for (const block of content) {
    if (typeof block === 'string') out.push(block);
    else if (isObject(block) && (block.type === 'text' || block.type === 'input_text') && typeof block.text === 'string')
      out.push(block.text);
    else if (isObject(block) && IMAGE_TYPES.has(String(block.type)))
      warnings.push(`${where}: ${String(block.type)} block not counted (text only)`);
    else out.push(JSON.stringify(block));
  }
  return out.join('\n');
}

/** `at` is the message's place in the file (`messages[1]`): an error names the file too, a warning only the place (its reader names the file). */
function messageOf(m: unknown, file: string, at: string, warnings: string[]): PromptMessage {
  if (!isObject(m) || typeof m.role !== 'string')
    throw new UserError(`${file}: ${at}: expected a message {role, content}`, 'a chat prompt is a messages array or {messages, tools}');
  let content = contentText(m.content, at, warnings);
  if (m.tool_calls !== undefined) content += (content ? '\n' : '') + JSON.stringify(m.tool_calls);
  if (m.function_call !== undefined) content += (content ? '\n' : '') + JSON.stringify(m.function_call);
  return { role: m.role, content, ...(typeof m.name === 'string' ? { name: m.name } : {}) };
}

export function isAnthropicBody(doc: Json): boolean {
  if ('system' in doc) return true;
  if (typeof doc.model === 'string' && /claude/i.test(doc.model)) return true;
  if (Array.isArray(doc.tools) && doc.tools.some((t) => isObject(t) && 'input_schema' in t)) return true;
  const msgs = Array.isArray(doc.messages) ? doc.messages : [];
  return msgs.some(
    (m) =>
      isObject(m) && Array.isArray(m.content) && m.content.some((b) => isObject(b) && (b.type === 'tool_use' || b.type === 'tool_result')),
  );
}

function toolsPart(tools: unknown): PromptPart[] {
  if (!Array.isArray(tools) || tools.length === 0) return [];
  return [{ name: 'tools', kind: 'tools', messages: [], toolsJson: JSON.stringify(tools), loadBearing: false }];
}

/** Leading system/developer messages form `system`; each later message is its own part. */
function messageParts(messages: PromptMessage[]): PromptPart[] {
  const parts: PromptPart[] = [];
  let i = 0;
  const system: PromptMessage[] = [];
  while (i < messages.length && (messages[i].role === 'system' || messages[i].role === 'developer')) system.push(messages[i++]);
  if (system.length) parts.push({ name: 'system', kind: 'system', messages: system, loadBearing: false });
  for (; i < messages.length; i++) {
    const m = messages[i];
    const kind = hasVariables(m.content) ? 'template' : m.role === 'system' || m.role === 'developer' ? 'system' : 'message';
    const name = `messages[${i}]`;
    parts.push({ name, kind, messages: [m], loadBearing: isLoadBearingName(m.name ?? '') });
  }
  return parts;
}

function stringMap(v: unknown): Record<string, string> {
  if (!isObject(v)) return {};
  return Object.fromEntries(
    Object.entries(v)
      .filter(([, x]) => typeof x === 'string' || typeof x === 'number')
      .map(([k, x]) => [k, String(x)]),
  );
}

export function parseChatJson(doc: unknown, file: string, id: string): Prompt {
  const warnings: string[] = [];
  if (Array.isArray(doc)) {
    const messages = doc.map((m, i) => messageOf(m, file, `[${i}]`, warnings));
    return { id, file, format: 'openai-chat', parts: messageParts(messages), variables: {}, models: [], warnings };
  }
  if (!isObject(doc) || !Array.isArray(doc.messages))
    throw new UserError(`${file}: not a chat prompt: expected a messages array, {messages, tools} or {system, messages, tools}`);
  const anthropic = isAnthropicBody(doc);
  const messages = doc.messages.map((m, i) => messageOf(m, file, `messages[${i}]`, warnings));
  const parts = toolsPart(doc.tools);
  if (anthropic && doc.system !== undefined) {
    const text = contentText(doc.system, 'system', warnings);
    if (text) parts.push({ name: 'system', kind: 'system', messages: [{ role: 'system', content: text }], loadBearing: false });
  }
  parts.push(...messageParts(messages));
  const models = typeof doc.model === 'string' ? [doc.model] : [];
  const promptId = typeof doc.id === 'string' ? doc.id : id;
  return {
    id: promptId,
    file,
    format: anthropic ? 'anthropic' : 'openai-chat',
    parts,
    variables: stringMap(doc.variables),
    models,
    warnings,
  };
}
