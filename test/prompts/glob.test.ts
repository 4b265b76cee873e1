import { describe, expect, it } from 'vitest';
import { globMatcher, globTakes, isGlob, splitGlob } from '../../src/prompts/glob.js';

describe('glob patterns', () => {
  it('tells a pattern from a plain name', () => {
    expect(['a/*.md', 'a/?.md', 'a/[ab].md', 'a/{x,y}.md', '**'].map(isGlob)).toEqual([true, true, true, true, true]);
    expect(['a/b.md', 'prompts/support-bot.yaml', 'a b.md'].map(isGlob)).toEqual([false, false, false]);
  });

  it('splits at the first name with glob syntax', () => {
    expect(splitGlob('prompts/**/*.md')).toEqual({ base: 'prompts', rest: '**/*.md' });
    expect(splitGlob('*.md')).toEqual({ base: '.', rest: '*.md' });
    expect(splitGlob('/srv/p/*.md')).toEqual({ base: '/srv/p', rest: '*.md' });
  });

  it('matches as the shell does, ** as any number of directories', () => {
    const m = globMatcher('**/*.md');
    expect(['a.md', 'x/a.md', 'x/y/a.md', 'a.txt', 'x/a.md.bak'].map(m)).toEqual([true, true, true, false, false]);
    const one = globMatcher('*.md');
    expect(['a.md', 'x/a.md'].map(one)).toEqual([true, false]);
    expect(['a1.md', 'ab.md', 'a12.md'].map(globMatcher('a?.md'))).toEqual([true, true, false]);
    expect(['a.md', 'b.md', 'c.md'].map(globMatcher('[!a]*.md'))).toEqual([false, true, true]);
    expect(['a.md', 'b.md', 'c.md'].map(globMatcher('[a-b].md'))).toEqual([true, true, false]);
    expect(['x.md', 'x.txt', 'x.yaml'].map(globMatcher('x.{md,txt}'))).toEqual([true, true, false]);
    // regex characters in a name are literal
    expect(['a+b (1).md', 'aab (1).md'].map(globMatcher('a+b (?).md'))).toEqual([true, false]);
    expect(['x/a.md', '.d/a.md', 'node_modules/a.md'].map(globTakes('**/*.md'))).toEqual([true, false, false]);
    // a revision's listing takes what the working tree's walk would: no deeper than the pattern's names
    expect(['ab.md', 'a/b.md'].map(globTakes('a[!x]b.md'))).toEqual([false, false]);
    expect(['axb.md', 'a/b.md'].map(globTakes('a?b.md'))).toEqual([true, false]);
  });
});
