import { describe, expect, it } from 'vitest';
import { analyzePrompt } from '../../src/prompts/analysis.js';
import { normalizeWhitespace, removeFiller, removeSentence } from '../../src/prompts/edit.js';
import { segmentText } from '../../src/prompts/load-bearing.js';
import { loadPromptFile, parsePromptText } from '../../src/prompts/load.js';
import { chatTok, estimator, FIXTURES, tok } from './helpers.js';

describe('text edits', () => {
  it('whitespace: trailing spaces, inner runs, more than one blank line; indentation kept', () => {
    expect(normalizeWhitespace('a  b   \n\n\n\n  - c\t\td  \n')).toBe('a b\n\n  - c d\n');
  });
  it('fillers: removed or shortened, capitalisation kept', () => {
    expect(
      removeFiller('Please note that answers are short. Use it in order to win.', { phrase: 'please note that', replacement: '' }),
    ).toBe('Answers are short. Use it in order to win.');
    expect(removeFiller('Use it in order to win.', { phrase: 'in order to', replacement: 'to' })).toBe('Use it to win.');
  });
  it('duplicate sentences: later copies removed, a line left empty is dropped', () => {
    expect(removeSentence('Be kind to users.\n- Be kind to users.\nOk.\n', 'Be kind to users.', 1)).toBe('Be kind to users.\nOk.\n');
  });
  it('load-bearing sections by heading: Markdown, "Title:" lines and <tags>', () => {
    const segs = segmentText(
      'Intro.\n## Output format\nJSON only.\n## Tone\nWarm.\nExamples:\nQ: a\n<criteria>\nGood.\n</criteria>\nEnd.\n',
    );
    expect(segs.map((s) => [s.loadBearing, s.text])).toEqual([
      [false, 'Intro.\n'],
      [true, '## Output format\nJSON only.\n'],
      [false, '## Tone\nWarm.\n'],
      [true, 'Examples:\nQ: a\n'],
      [true, '<criteria>\nGood.\n</criteria>\n'],
      [false, 'End.\n'],
    ]);
  });
});

describe('compression findings, measured by re-tokenizing', () => {
  const prompt = loadPromptFile('wasteful.yaml', FIXTURES);
  const est = estimator();
  const pe = est.estimate(prompt);
  const a = analyzePrompt(est, pe, {});
  const sys = prompt.parts[0].messages[0].content;
  const tpl = prompt.parts[1].messages[0].content;

  it('whitespace waste per part equals tokens before minus after', () => {
    const w = a.savings.find((s) => s.kind === 'whitespace' && s.where === 'system')!;
    // the "## Examples" section is load-bearing and left as written
    const [head, examples] = [sys.slice(0, sys.indexOf('## Examples')), sys.slice(sys.indexOf('## Examples'))];
    expect(w.tokensSaved).toBe(tok(sys) - tok(normalizeWhitespace(head) + examples));
    expect(w.perMonthSaved).toBeGreaterThan(0n);
  });

  it('a sentence repeated across system and template: the copies are removed, one kept', () => {
    const d = a.savings.find((s) => s.kind === 'duplicate')!;
    expect(d.where).toBe('system, template');
    expect(d.detail).toMatch(/Always confirm the booking reference.* x3/);
    const s = 'Always confirm the booking reference before you change a booking.';
    const sysAfter = removeSentence(sys, s, 1);
    const tplAfter = removeSentence(tpl, s, 0);
    expect(d.tokensSaved).toBe(tok(sys) + tok(tpl) - tok(sysAfter) - tok(tplAfter));
  });

  it('filler phrases, each with tokens and dollars per month', () => {
    const f = a.savings.filter((s) => s.kind === 'filler').map((s) => `${s.where} ${s.detail}`);
    expect(f).toEqual([
      'system "please note that" x1',
      'system "it is important to" x1',
      'system "in order to" x1 -> "to"',
      'system "make sure to" x1',
      'template "please note that" x1',
    ]);
    const n = a.savings.find((s) => s.detail.startsWith('"in order to"'))!;
    expect(n.tokensSaved).toBe(tok(sys) - tok(sys.replace('In order to', 'To')));
    // 5,000 calls/day x 30 at gpt-4o $2.50/MTok, nothing cacheable (prefix < 1,024)
    expect(n.perMonthSaved).toBe(BigInt(n.tokensSaved) * 150_000n * 2_500_000_000n);
  });

  it('never proposes cutting load-bearing parts or sections', () => {
    expect(a.loadBearing).toEqual(['system: "Examples"']);
    const sb = loadPromptFile('support-bot.yaml', FIXTURES);
    const sa = analyzePrompt(est, est.estimate(sb), {});
    expect(sa.loadBearing).toEqual(['system: "Output format"', 'examples']);
    expect(sa.savings.every((s) => s.where !== 'examples')).toBe(true);
    const onlyExamples = parsePromptText('model: gpt-4o\nexamples: [{user: "Please note that   it rains.", assistant: "Ok."}]\n', 'e.yaml');
    const ea = analyzePrompt(est, est.estimate(onlyExamples, { output: { value: 1 } }), {});
    expect(ea.savings).toEqual([]);
  });

  it('sentences shared across prompt files are listed', async () => {
    const { sharedAcrossFiles } = await import('../../src/prompts/compress.js');
    const a1 = parsePromptText('Never repeat a full card number back to the customer.\nA.', 'a.md');
    const b1 = parsePromptText('B.\nNever repeat a full card number back to the customer.', 'b.md');
    expect([...sharedAcrossFiles([a1, b1])]).toEqual([['Never repeat a full card number back to the customer.', ['a', 'b']]]);
  });
});

describe('dynamic content before static content', () => {
  it('warns with the tokens that moving the context would cache, per model minimum', () => {
    const p = loadPromptFile('rag-context-first.yaml', FIXTURES);
    const est = estimator();
    const pe = est.estimate(p, { output: { value: 250 } });
    const mini = est.estimateModel(p, 'gpt-4o-mini', 250, pe.traffic);
    const haiku = est.estimateModel(p, 'claude-haiku-4-5', 250, pe.traffic);
    expect(mini.cacheable).toBe(0); // static prefix is only the short system prompt + "Retrieved articles:"
    const a = analyzePrompt(est, { ...pe, models: [mini, haiku] }, {});
    expect(a.order!.ahead).toEqual(['context']);
    const tpl = p.parts[1].messages[0].content;
    const instructions = tpl
      .slice(
        tpl.indexOf('Instructions for answering'),
        tpl.indexOf('\n\n  Question:') >= 0 ? tpl.indexOf('\n\n  Question:') : tpl.indexOf('\nQuestion:'),
      )
      .trim();
    const staticNow = chatTok([{ role: 'system', content: p.parts[0].messages[0].content }]) - 3 + 3 + tok('user');
    const prefixAfter = staticNow + tok('Retrieved articles:\n' + instructions + '\n\n');
    const m = a.order!.models.find((x) => x.model === 'gpt-4o-mini')!;
    expect(m.moreCacheable).toBe(1024 + Math.floor((prefixAfter - 1024) / 128) * 128);
    expect(a.order!.models.find((x) => x.model === 'claude-haiku-4-5')!.moreCacheable).toBe(0); // still under 4,096
    expect(a.order!.message).toMatch(/move the retrieved context after the instructions to cache [\d,]+ more tokens/);
    expect(m.perMonthSaved).toBeGreaterThan(0n);
  });
});
