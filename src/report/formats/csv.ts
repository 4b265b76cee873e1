/** One section as spreadsheet-safe CSV (--section picks which; default the report's primary one). */
import { pickSection, toCsv } from '../format.js';
import type { Formatter } from './index.js';

export const csvFormatter: Formatter = {
  name: 'csv',
  description: 'one table as CSV',
  render: (report, opts) => toCsv(pickSection(report, opts.section)),
};
