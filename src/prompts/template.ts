/** `{{variable}}` placeholders: finding, rendering, and splitting text at them. */

const VAR_SOURCE = String.raw`\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}`;

export type TemplatePiece = { kind: 'static'; text: string } | { kind: 'var'; name: string; raw: string };

export function hasVariables(text: string): boolean {
  return new RegExp(VAR_SOURCE).test(text);
}

/** Variable names in order of first appearance. */
export function variablesIn(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(new RegExp(VAR_SOURCE, 'g'))) if (!names.includes(m[1])) names.push(m[1]);
  return names;
}

/** Index of the first placeholder, or -1. */
export function firstVariableIndex(text: string): number {
  const m = new RegExp(VAR_SOURCE).exec(text);
  return m ? m.index : -1;
}

/**
 * Fill placeholders from `values`; a name without a value renders empty. Own keys only: `{{constructor}}`
 * or `{{toString}}` read the object's prototype and rendered its function's source into the prompt.
 */
export function render(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(new RegExp(VAR_SOURCE, 'g'), (_m, name: string) => (Object.hasOwn(values, name) ? values[name] : ''));
}

/** The text with every placeholder removed (the template's own, static words). */
export function stripVariables(text: string): string {
  return render(text, {});
}

export function splitTemplate(text: string): TemplatePiece[] {
  const pieces: TemplatePiece[] = [];
  let last = 0;
  for (const m of text.matchAll(new RegExp(VAR_SOURCE, 'g'))) {
    if (m.index > last) pieces.push({ kind: 'static', text: text.slice(last, m.index) });
    pieces.push({ kind: 'var', name: m[1], raw: m[0] });
    last = m.index + m[0].length;
  }
  if (last < text.length) pieces.push({ kind: 'static', text: text.slice(last) });
  return pieces;
}
