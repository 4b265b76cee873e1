/**
 * Chart colours against the page: every colour a bar, a stack segment or a legend swatch is drawn in
 * must stand out from the white background by at least 3:1 (WCAG 2.2 non-text contrast, 1.4.11:
 * https://www.w3.org/WAI/WCAG22/Understanding/non-text-contrast.html), and neighbours in a stack must
 * differ in grey level too (a printout in greyscale, colour-blind readers). The light colours drawn
 * before (#d9d9d9, #f7e08b: 1.4:1 and 1.3:1 against white) were nearly invisible as a lone bar.
 * Contrast is computed here from the WCAG definition of relative luminance, not by the code under test.
 */
import { describe, expect, it } from 'vitest';
import { PALETTE, vegaLiteSpec } from '../../src/report/formats/chart-svg.js';

/** WCAG relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const contrast = (a: string, b: string): number => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
};

describe('chart palette', () => {
  it('every colour is at least 3:1 against the white background', () => {
    // white: luminance 1, so contrast = 1.05 / (L + 0.05) >= 3 <=> L <= 0.3
    for (const c of PALETTE) expect({ c, ratio: contrast(c, '#ffffff') >= 3 }).toEqual({ c, ratio: true });
  });

  it('neighbours (and the last with the first, as a long stack wraps) differ in grey level by at least 2:1', () => {
    for (let i = 0; i < PALETTE.length; i++) {
      const [a, b] = [PALETTE[i], PALETTE[(i + 1) % PALETTE.length]];
      expect({ a, b, ratio: contrast(a, b) >= 2 }).toEqual({ a, b, ratio: true });
    }
  });

  it('the page background of a chart is white (what the contrast is measured against)', () => {
    const spec = vegaLiteSpec({ kind: 'bar', title: 't', xLabel: 'x', yLabel: 'y', points: [{ x: 'a', value: 1, text: '1' }] } as never);
    expect(spec.background).toBe('white');
  });
});
