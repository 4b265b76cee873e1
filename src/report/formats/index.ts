/**
 * The formatters, by name: `--format` takes its choices from here, and `render` re-renders a saved
 * JSON report with any of them. Each formatter is one module; html is loaded only when asked for,
 * so the chart library never slows a table.
 */
import type { Report } from '../model.js';
import type { FormatOptions } from '../format.js';

export interface Formatter {
  name: string;
  description: string;
  render(report: Report, opts: FormatOptions): string | Promise<string>;
}

type Loader = () => Promise<Formatter>;

const LOADERS: ReadonlyArray<[string, Loader]> = [
  ['table', async () => (await import('./table.js')).tableFormatter],
  ['json', async () => (await import('./json.js')).jsonFormatter],
  ['csv', async () => (await import('./csv.js')).csvFormatter],
  ['markdown', async () => (await import('./markdown.js')).markdownFormatter],
  ['html', async () => (await import('./html.js')).htmlFormatter],
];

/** Format names in the order --help lists them. */
export const FORMAT_NAMES: readonly string[] = LOADERS.map(([name]) => name);

export async function formatterFor(name: string): Promise<Formatter | undefined> {
  const entry = LOADERS.find(([n]) => n === name);
  return entry ? entry[1]() : undefined;
}

export async function renderAs(report: Report, format: string, opts: FormatOptions): Promise<string> {
  const f = await formatterFor(format);
  if (!f) throw new Error(`no formatter named ${format}`);
  return f.render(report, opts);
}
