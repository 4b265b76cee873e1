import { describe, expect, it } from 'vitest';
import { countPrompt, PromptCounter } from '../../src/prompts/count.js';
import { loadPromptFile, parsePromptText } from '../../src/prompts/load.js';
import { chatTok, estimator, FIXTURES, tok } from './helpers.js';

const SPEC = `
system: You are terse.
tools: [{name: t, description: "Look it up."}]
examples: [{user: Hi, assistant: Hello}]
template: "Context: {{ctx}}\\nQ: {{q}}"
variables: {ctx: "abc def ghi", q: "why?"}
`;

describe('token counts per part', () => {
  const prompt = parsePromptText(SPEC, 's.yaml');
  const toolsJson = JSON.stringify([{ name: 't', description: 'Look it up.' }]);
  const rendered = [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Hi' },
    { role: 'assistant', content: 'Hello' },
    { role: 'user', content: 'Context: abc def ghi\nQ: why?' },
  ];

  it('matches js-tiktoken and the chat rule, part by part', () => {
    const t = countPrompt(prompt, new PromptCounter({ encoding: 'o200k_base', factor: 1, exact: true }));
    expect(t.input).toBe(tok(toolsJson) + chatTok(rendered));
    expect(t.parts.map((p) => [p.name, p.tokens])).toEqual([
      ['tools', tok(toolsJson)],
      ['system', tok('You are terse.')],
      ['examples', tok('Hi') + tok('Hello')],
      ['template', tok('Context: \nQ: ')],
    ]);
    expect(t.variables).toBe(tok('Context: abc def ghi\nQ: why?') - tok('Context: \nQ: '));
    expect(t.overhead).toBe(3 + 4 * 3 + tok('system') + 3 * tok('user') - tok('user') + tok('assistant'));
  });

  it('the static prefix ends at the first {{variable}}', () => {
    const t = countPrompt(prompt, new PromptCounter({ encoding: 'o200k_base', factor: 1, exact: true }));
    const before = chatTok(rendered.slice(0, 3)) - 3; // without the reply priming
    expect(t.staticPrefix).toBe(tok(toolsJson) + before + 3 + tok('user') + tok('Context: '));
    expect(t.firstVariable).toEqual({ part: 'template', message: 0 });
  });

  it('a prompt without variables is static through the reply priming', () => {
    const p = parsePromptText('Summarise the text.', 'a.md');
    const t = countPrompt(p, new PromptCounter({ encoding: 'o200k_base', factor: 1, exact: true }));
    expect(t.input).toBe(chatTok([{ role: 'user', content: 'Summarise the text.' }]));
    expect(t.staticPrefix).toBe(t.input);
  });

  it('estimated tokenizers scale counts by their factor, and the parts still add up', () => {
    const t = countPrompt(prompt, new PromptCounter({ encoding: 'o200k_base', factor: 1.2, exact: false }));
    expect(t.input).toBe(Math.round((tok(toolsJson) + chatTok(rendered)) * 1.2));
    expect(t.parts.reduce((n, p) => n + p.tokens, 0) + t.variables + t.overhead).toBe(t.input);
  });

  it('counts every fixture format: input = tools JSON + chat tokens of the rendered messages', () => {
    const est = estimator();
    for (const f of ['openai-chat.json', 'anthropic-messages.json', 'summarize-ticket.md']) {
      const p = loadPromptFile(f, FIXTURES);
      const me = est.estimateModel(p, 'gpt-4o-mini', 10, undefined);
      const tools = p.parts.filter((x) => x.toolsJson).reduce((n, x) => n + tok(x.toolsJson!), 0);
      const msgs = p.parts
        .flatMap((x) => x.messages)
        .map((m) => ({ role: m.role, content: m.content.replace(/\{\{\s*(\w+)\s*\}\}/g, (_s, v: string) => p.variables[v] ?? '') }));
      expect(me.tokens.input, f).toBe(tools + chatTok(msgs));
    }
  });
});
