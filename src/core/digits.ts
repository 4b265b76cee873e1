/** A whole number (or its digits) grouped by thousands, en-US style: 1236 -> "1,236" (report/cells.ts formatInt; issue messages). */
export function groupThousands(value: number | string): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
