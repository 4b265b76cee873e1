/**
 * Chart categories are told apart by their labels: the drawing puts points with the same label in
 * one band (Vega stacks their bars), and the table beside a chart has one row per label. Two
 * different things whose labels read alike (groups "a / b" + "c" and "a" + "b / c", two long names
 * cut at the same place, a series named "other" beside the summed rest) would be drawn as one bar
 * of their sum and listed as one row. Here each label for a different thing is made distinct.
 */

/**
 * Labels for different things, in order, made distinct: a label already taken gets " (2)", " (3)"…
 * (the first keeps its own), never one that another thing has as its own.
 */
export function distinctLabels(labels: readonly string[]): string[] {
  const taken = new Set(labels);
  const used = new Set<string>();
  return labels.map((label) => {
    let out = label;
    for (let n = 2; used.has(out); n++) {
      out = `${label} (${n})`;
      if (taken.has(out) && !used.has(out)) out = label; // another thing's own label: try the next number
    }
    used.add(out);
    return out;
  });
}
