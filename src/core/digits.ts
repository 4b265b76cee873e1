/** The digits of a whole number grouped by thousands, en-US style: "1236" -> "1,236" (report/cells.ts formatInt; issue messages). */
export function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
