import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandPromptPaths, loadPromptFile, parsePromptText } from '../../src/prompts/load.js';
import { FIXTURES } from './helpers.js';

describe('prompt files', () => {
  it('reads the YAML spec: parts in request order, variables, models, output, traffic', () => {
    const p = loadPromptFile('support-bot.yaml', FIXTURES);
    expect(p.format).toBe('spec');
    expect(p.id).toBe('support-bot');
    expect(p.parts.map((x) => [x.name, x.kind, x.loadBearing])).toEqual([
      ['tools', 'tools', false],
      ['system', 'system', false],
      ['examples', 'examples', true],
      ['template', 'template', false],
    ]);
    expect(p.parts[2].messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(Object.keys(p.variables).sort()).toEqual(['context', 'question']);
    expect(p.models).toEqual(['claude-sonnet-4-5', 'claude-haiku-4-5', 'gpt-4o-mini']);
    expect(p.expectedOutputTokens).toEqual({ p50: 180, p90: 420 });
    expect(p.traffic).toEqual({ callsPerMonth: 600000, basis: 'callsPerDay: 20000' });
    expect(JSON.parse(p.parts[0].toolsJson!).map((t: { name: string }) => t.name)).toEqual([
      'lookup_order',
      'check_stock',
      'create_return',
      'escalate',
    ]);
  });

  it('a spec system may be named sections; a section named like a format spec is load-bearing', () => {
    const p = parsePromptText(
      'system:\n  role: You help.\n  outputFormat: Reply in JSON.\ntemplate: "{{q}}"\nvariables: {q: hi}\n',
      'x.yaml',
    );
    expect(p.parts.map((x) => [x.name, x.loadBearing])).toEqual([
      ['system.role', false],
      ['system.outputFormat', true],
      ['template', false],
    ]);
    expect(p.id).toBe('x');
  });

  it('warns about an empty prompt file instead of silently pricing chat framing', () => {
    // an empty .md is one empty user message: 3 (framing) + 1 ("user") + 0 + 3 (reply priming) = 7 tokens
    expect(parsePromptText('', 'empty.md').warnings).toEqual(['the prompt is empty: only chat-format overhead is counted']);
    expect(parsePromptText('  \n\n', 'blank.txt').warnings).toHaveLength(1);
    expect(parsePromptText('[]', 'none.json').warnings).toEqual(['no messages: only the reply priming is counted']);
    expect(parsePromptText('hi', 'ok.md').warnings).toEqual([]);
  });

  it('reads plain Markdown as one user message and warns about variables without sample values', () => {
    const p = loadPromptFile('summarize-ticket.md', FIXTURES);
    expect(p.format).toBe('text');
    expect(p.parts).toHaveLength(1);
    expect(p.parts[0].messages[0].role).toBe('user');
    expect(p.warnings[0]).toMatch(/no sample value for \{\{ticket\}\}/);
  });

  it('reads an OpenAI request body: leading system messages, later messages, tools, model', () => {
    const p = loadPromptFile('openai-chat.json', FIXTURES);
    expect(p.format).toBe('openai-chat');
    expect(p.models).toEqual(['gpt-4o-mini']);
    expect(p.parts.map((x) => x.name)).toEqual([
      'tools',
      'system',
      'messages[1]',
      'messages[2]',
      'messages[3]',
      'messages[4]',
      'messages[5]',
    ]);
    expect(p.parts[6].kind).toBe('template');
    expect(p.variables.message).toMatch(/charged twice/);
  });

  it('reads a bare OpenAI messages array', () => {
    const p = parsePromptText(
      JSON.stringify([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ]),
      'a.json',
    );
    expect(p.format).toBe('openai-chat');
    expect(p.parts.map((x) => [x.name, x.messages[0].content])).toEqual([
      ['system', 'Be brief.'],
      ['messages[1]', 'Hi'],
    ]);
  });

  it('reads an Anthropic body: system blocks, tool_use/tool_result blocks as JSON, images not counted', () => {
    const p = loadPromptFile('anthropic-messages.json', FIXTURES);
    expect(p.format).toBe('anthropic');
    expect(p.parts.map((x) => x.name)).toEqual(['tools', 'system', 'messages[0]', 'messages[1]', 'messages[2]']);
    expect(p.parts[1].messages[0].content).toMatch(/^You write product descriptions/);
    expect(JSON.parse(p.parts[3].messages[0].content)).toMatchObject({ type: 'tool_use', name: 'get_spec_sheet' });
    const img = parsePromptText(
      JSON.stringify({
        system: 's',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: {} },
              { type: 'text', text: 'What is this?' },
            ],
          },
        ],
      }),
      'i.json',
    );
    expect(img.parts[1].messages[0].content).toBe('What is this?');
    expect(img.warnings[0]).toMatch(/image block not counted/);
  });

  it('rejects an invalid spec with file:line, key path and did-you-mean', () => {
    expect(() => parsePromptText('id: a\nsystem: hi\ntemplat: "{{q}}"\n', 'p/s.yaml')).toThrow(
      /p\/s\.yaml:3: templat: unknown key \(did you mean "template"\?\)/,
    );
    expect(() => parsePromptText('system: hi\nexpectedOutputTokens: {p90: 3}\n', 's.yaml')).toThrow(
      /s\.yaml:2: expectedOutputTokens\.p50: is required/,
    );
    expect(() => parsePromptText('system: hi\ntraffic: {callsPerDay: -1}\n', 's.yaml')).toThrow(
      /s\.yaml:2: traffic\.callsPerDay: expected a non-negative number/,
    );
    expect(() => parsePromptText('{"nope": 1}', 'c.json')).toThrow(/not a chat prompt/);
  });

  it('expands directories recursively and sorted, with prompt extensions only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-prompts-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'b.md'), 'b');
    writeFileSync(join(dir, 'a.txt'), 'a');
    writeFileSync(join(dir, 'sub', 'c.json'), '[]');
    writeFileSync(join(dir, 'notes.csv'), 'x');
    expect(expandPromptPaths(['.'], dir)).toEqual(['a.txt', 'b.md', join('sub', 'c.json')]);
    expect(() => expandPromptPaths(['missing.md'], dir)).toThrow(/no such prompt file/);
  });
});
