/** Markdown for pull-request comments and docs; all text from the data escaped. */
import { toMarkdown } from '../format.js';
import type { Formatter } from './index.js';

export const markdownFormatter: Formatter = {
  name: 'markdown',
  description: 'markdown tables',
  render: (report, opts) => toMarkdown(report, opts),
};
