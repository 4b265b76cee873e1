/**
 * Dynamic content before static content defeats prefix caching: every token after the first
 * `{{variable}}` is re-sent uncached. This builds the prompt with the static instructions moved
 * ahead of the first variable, so the caller can measure how many more tokens would cache:
 *  - paragraphs of static text after the first variable in the same message, of at least
 *    MIN_MOVABLE_TOKENS tokens (short labels such as "Question:" stay with their variable);
 *  - later messages that hold no variable at all.
 */
import { hasVariables, splitTemplate } from './template.js';
import type { Prompt, PromptMessage, PromptPart } from './types.js';

export const MIN_MOVABLE_TOKENS = 32;

export interface Reordered {
  prompt: Prompt;
  /** Names of the variables the static text was moved ahead of. */
  ahead: string[];
}

interface Split {
  kept: string;
  moved: string;
  ahead: string[];
}

/** Split one message at its first variable into what stays and the static paragraphs to move. */
function splitMessage(content: string, count: (s: string) => number): Split {
  const pieces = splitTemplate(content);
  const firstVar = pieces.findIndex((p) => p.kind === 'var');
  const head = pieces
    .slice(0, firstVar)
    .map((p) => (p.kind === 'static' ? p.text : p.raw))
    .join('');
  let kept = '';
  const moved: string[] = [];
  const ahead: string[] = [];
  for (const p of pieces.slice(firstVar)) {
    if (p.kind === 'var') {
      kept += p.raw;
      if (!moved.length && !ahead.includes(p.name)) ahead.push(p.name);
      continue;
    }
    for (const para of p.text.split(/(\n{2,})/)) {
      if (!/^\n+$/.test(para) && count(para) >= MIN_MOVABLE_TOKENS) moved.push(para.trim());
      else kept += para;
    }
  }
  const movedText = moved.join('\n\n');
  return {
    kept: movedText ? `${head}${head && !head.endsWith('\n') ? '\n\n' : ''}${movedText}\n\n${kept.replace(/^\n+/, '')}` : content,
    moved: movedText,
    ahead,
  };
}

/** The prompt with static text moved before the first variable, or undefined when nothing moves. */
export function staticFirst(prompt: Prompt, count: (s: string) => number): Reordered | undefined {
  const parts = prompt.parts;
  const pi = parts.findIndex((p) => p.messages.some((m) => hasVariables(m.content)));
  if (pi < 0) return undefined;
  const mi = parts[pi].messages.findIndex((m) => hasVariables(m.content));
  const split = splitMessage(parts[pi].messages[mi].content, count);
  const laterStatic: PromptPart[] = [];
  const laterDynamic: PromptPart[] = [];
  for (const p of parts.slice(pi + 1))
    (p.messages.some((m) => hasVariables(m.content)) || p.kind === 'tools' ? laterDynamic : laterStatic).push(p);
  const restMessages = parts[pi].messages.slice(mi + 1);
  const restStatic = restMessages.filter((m) => !hasVariables(m.content));
  if (!split.moved && !laterStatic.length && !restStatic.length) return undefined;
  const target = parts[pi];
  const before: PromptMessage[] = target.messages.slice(0, mi);
  const moved: PromptMessage = { ...target.messages[mi], content: split.kept };
  const head: PromptPart = { ...target, messages: [...before, ...restStatic] };
  const tail: PromptPart = { ...target, name: target.name, messages: [moved, ...restMessages.filter((m) => hasVariables(m.content))] };
  const reordered = [
    ...parts.slice(0, pi),
    ...(head.messages.length ? [{ ...head, name: `${target.name} (static)` }] : []),
    ...laterStatic,
    tail,
    ...laterDynamic,
  ];
  return { prompt: { ...prompt, parts: reordered }, ahead: split.ahead.length ? split.ahead : [] };
}
