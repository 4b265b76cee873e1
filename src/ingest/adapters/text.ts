/**
 * Prompt/completion text from provider request and response bodies (OpenAI, Anthropic, Gemini),
 * rendered as {role, content string} messages. Images are counted, not kept.
 */
import type { ChatMessageText, RecordText, UsageRecord } from '../../usage/record.js';
import { isObj, type Obj } from './util.js';

export interface Extracted {
  messages: ChatMessageText[];
  images: number;
}

const IMAGE_PART = new Set(['image_url', 'input_image', 'image', 'inlineData', 'inline_data', 'fileData', 'file_data']);

/** String content, or an array of parts ({type:'text', text} / {text} / image parts). */
export function contentText(content: unknown, acc: { images: number }): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const out: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') out.push(part);
    else if (isObj(part)) {
      if (part.thought === true || part.type === 'thinking' || part.type === 'reasoning') continue;
      if (typeof part.text === 'string') out.push(part.text);
      else if (IMAGE_PART.has(String(part.type)) || Object.keys(part).some((k) => IMAGE_PART.has(k))) acc.images++;
      else if (part.type === 'tool_result') out.push(contentText(part.content, acc));
    }
  }
  return out.join('\n');
}

/**
 * One string per distinct message text: logs resend the same system prompt and history with every
 * request, and JSON.parse makes a new copy each time; kept records share one instead (the copies
 * die young). Bounded: the table is emptied when it reaches INTERN_MAX texts.
 */
const interned = new Map<string, string>();
const INTERN_MAX = 50_000;

function intern(text: string): string {
  const known = interned.get(text);
  if (known !== undefined) return known;
  if (interned.size >= INTERN_MAX) interned.clear();
  interned.set(text, text);
  return text;
}

function push(out: Extracted, role: string, content: unknown): void {
  const text = contentText(content, out);
  if (text !== '') out.messages.push({ role, content: text });
}

/** OpenAI chat `messages`, Responses `instructions` + `input`, legacy `prompt`. */
export function openaiRequestText(req: Obj): Extracted {
  const out: Extracted = { messages: [], images: 0 };
  if (typeof req.instructions === 'string') push(out, 'system', req.instructions);
  const msgs = Array.isArray(req.messages) ? req.messages : Array.isArray(req.input) ? req.input : undefined;
  if (msgs) {
    for (const m of msgs) {
      if (isObj(m) && (m.type === undefined || m.type === 'message')) push(out, String(m.role ?? 'user'), m.content);
    }
  } else if (typeof req.input === 'string') push(out, 'user', req.input);
  else if (typeof req.prompt === 'string') push(out, 'user', req.prompt);
  else if (Array.isArray(req.prompt) && req.prompt.every((p) => typeof p === 'string')) push(out, 'user', req.prompt.join('\n'));
  return out;
}

/** Anthropic `system` (string or blocks) + `messages`. */
export function anthropicRequestText(req: Obj): Extracted {
  const out: Extracted = { messages: [], images: 0 };
  if (req.system !== undefined) push(out, 'system', req.system);
  if (Array.isArray(req.messages)) {
    for (const m of req.messages) if (isObj(m)) push(out, String(m.role ?? 'user'), m.content);
  }
  return out;
}

/** Gemini `systemInstruction` + `contents[].parts` (camelCase or snake_case). */
export function geminiRequestText(req: Obj): Extracted {
  const out: Extracted = { messages: [], images: 0 };
  const sys = req.systemInstruction ?? req.system_instruction;
  if (isObj(sys)) push(out, 'system', sys.parts);
  else if (typeof sys === 'string') push(out, 'system', sys);
  const contents = req.contents;
  if (typeof contents === 'string') push(out, 'user', contents);
  else if (Array.isArray(contents)) {
    for (const c of contents) {
      if (isObj(c)) push(out, c.role === 'model' ? 'assistant' : String(c.role ?? 'user'), c.parts);
      else if (typeof c === 'string') push(out, 'user', c);
    }
  }
  return out;
}

/**
 * Builds RecordText: prompt = "role: content" blocks joined by blank lines (rendered on first
 * read: the levers work on the messages, and a joined copy of every prompt would double the
 * memory a simulation holds); query = last user message.
 */
export function buildText(messages: ChatMessageText[], completion?: string): RecordText {
  const text: RecordText = {};
  if (messages.length > 0) {
    text.messages = messages;
    Object.defineProperty(text, 'prompt', {
      enumerable: true,
      configurable: true,
      get(this: RecordText): string {
        const prompt = messages.map((m) => `${m.role}: ${m.content}`).join('\n\n');
        Object.defineProperty(this, 'prompt', { value: prompt, enumerable: true, writable: true, configurable: true });
        return prompt;
      },
      set(this: RecordText, value: string) {
        Object.defineProperty(this, 'prompt', { value, enumerable: true, writable: true, configurable: true });
      },
    });
    const lastUser = [...messages].reverse().find((m) => m.role === 'user');
    if (lastUser) text.query = lastUser.content;
  }
  if (completion !== undefined && completion !== '') text.completion = completion;
  return text;
}

/**
 * Attaches text to a record: always when counts are missing (the tokenizer needs it), otherwise
 * only with keepText. Image counts are kept either way.
 */
export function attachText(rec: UsageRecord, req: Extracted | undefined, completion: string | undefined, keepText: boolean): void {
  if (req && req.images > 0) rec.imageCount = req.images;
  if (!keepText && !rec.countsMissing) return;
  const messages = req?.messages ?? [];
  // the system prompt and the history repeat across requests; the last message rarely does
  for (let i = 0; i < messages.length - 1; i++) messages[i].content = intern(messages[i].content);
  const text = buildText(messages, completion);
  if (text.messages || text.completion) rec.text = text;
}

/** Completion text of an OpenAI chat/text completion or Responses object. */
export function openaiCompletionText(body: Obj): string | undefined {
  if (Array.isArray(body.choices) && isObj(body.choices[0])) {
    const c = body.choices[0];
    if (typeof c.text === 'string') return c.text;
    if (isObj(c.message)) return contentText(c.message.content, { images: 0 }) || undefined;
  }
  if (typeof body.output_text === 'string') return body.output_text;
  if (Array.isArray(body.output)) {
    const acc = { images: 0 };
    const parts = body.output.filter((o) => isObj(o) && o.type === 'message').map((o) => contentText((o as Obj).content, acc));
    return parts.length ? parts.join('\n') : undefined;
  }
  return undefined;
}

/** Text blocks of an Anthropic Message. */
export function anthropicCompletionText(msg: Obj): string | undefined {
  const t = contentText(msg.content, { images: 0 });
  return t === '' ? undefined : t;
}

/** Text of the first Gemini candidate (thought parts excluded). */
export function geminiCompletionText(resp: Obj): string | undefined {
  const c = Array.isArray(resp.candidates) ? resp.candidates[0] : undefined;
  if (!isObj(c) || !isObj(c.content)) return undefined;
  const t = contentText(c.content.parts, { images: 0 });
  return t === '' ? undefined : t;
}
