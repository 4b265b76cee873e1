/** Prose wrapping (summaries, notes, warnings): a word longer than a line is cut where it reads. */
import { describe, expect, it } from 'vitest';
import { wrapText } from '../../src/report/table.js';

describe('wrapText cuts a word too long for its line', () => {
  it('after a separator in it, not just before its closing punctuation', () => {
    // simulate's "Where it comes from" at COLUMNS=40 (summary values at 4 columns of indent: 36 columns of text);
    // the 37-column word `(feature=chat-assistant|reply-draft),` was cut after 36, leaving `,` to start a line
    const text = 'prefixCache $2.09, compress $1.71 (feature=chat-assistant|reply-draft), cache-drafts-1h $1.20';
    const lines = wrapText(text, 36);
    expect(lines).toEqual(['prefixCache $2.09, compress $1.71', '(feature=chat-assistant|reply-', 'draft), cache-drafts-1h $1.20']);
    for (const l of lines) expect(l).not.toMatch(/^[,.;:)]/);
  });

  it('without a separator in its second half, a cut that leaves closing punctuation alone moves back', () => {
    // 12 columns: `abcdefghijkl),` would be `abcdefghijkl` + `),`; cut back to leave `l),`
    expect(wrapText('abcdefghijkl), x', 12)).toEqual(['abcdefghijk', 'l), x']);
  });

  it('a word with neither is cut at the width, as before', () => {
    expect(wrapText('abcdefghijklmnopqrstuvwxyz', 12)).toEqual(['abcdefghijkl', 'mnopqrstuvwx', 'yz']);
  });
});
