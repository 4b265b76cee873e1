/** Terminal tables fitted to the width (the default format). */
import { toTable } from '../format.js';
import type { Formatter } from './index.js';

export const tableFormatter: Formatter = {
  name: 'table',
  description: 'tables fitted to the terminal width',
  render: (report, opts) => toTable(report, opts),
};
