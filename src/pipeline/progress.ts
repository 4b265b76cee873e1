/** Progress on stderr: only on a terminal, not with --quiet, and only after the first second. */
import { displayWidth } from '../core/text-width.js';
import { inert } from '../core/untrusted.js';

/** What progress needs of the command layer (a CommandContext is one). */
export interface ProgressSink {
  readonly progressAllowed: boolean;
  readonly io: { stderr: { write(s: string): unknown; columns?: number } };
}

const DELAY_MS = 1000;
const EVERY_MS = 200;

/**
 * A progress line as drawn over the last one: cleared first, untrusted text inert, and narrower than
 * the terminal (a line that wraps cannot be redrawn or cleared in place: each redraw would leave
 * another line on screen). `parts` go in order of use; those that do not fit are left off, and a
 * first part too wide alone is cut with "…".
 */
export function progressLine(parts: string[], columns: number | undefined): string {
  const room = columns !== undefined && columns > 1 ? columns - 1 : Number.POSITIVE_INFINITY;
  const shown = parts.map((p) => inert(p, 0));
  let line = '';
  // (display columns: a wide character, such as a CJK file name, takes two)
  for (const p of shown) {
    if (displayWidth(line) + displayWidth(p) > room) break;
    line += p;
  }
  if (line === '' && shown.length > 0) line = `${widthPrefix(shown[0], Math.max(0, room - 1))}…`;
  return `\r\x1b[K${line}`;
}

/** The longest prefix of `s` at most `width` display columns wide. */
function widthPrefix(s: string, width: number): string {
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = displayWidth(ch);
    if (w + cw > width) break;
    out += ch;
    w += cw;
  }
  return out;
}

export class Progress {
  private readonly startMs = Date.now();
  /** Where the rate is measured from: the start, or where a second pass over the input began. */
  private passStartMs = this.startMs;
  private passStartBytes = 0;
  private lastBytes = 0;
  private again = false;
  private lastMs = 0;
  private drawn = false;

  constructor(private readonly ctx: ProgressSink) {}

  update(doneBytes: number, totalBytes: number | undefined): void {
    if (!this.ctx.progressAllowed) return;
    const now = Date.now();
    // fewer bytes than before: the input is read again (a file the SQL reader handed to the
    // TypeScript reader); say so rather than let 84% fall back to 1% unexplained
    if (doneBytes < this.lastBytes) {
      this.again = true;
      this.passStartMs = now;
      this.passStartBytes = doneBytes;
    }
    this.lastBytes = doneBytes;
    if (now - this.startMs < DELAY_MS || now - this.lastMs < EVERY_MS) return;
    this.lastMs = now;
    const mb = (n: number) => (n / 1e6).toFixed(1);
    const seconds = (now - this.passStartMs) / 1000;
    const rate = (doneBytes - this.passStartBytes) / 1e6 / seconds;
    const pct = totalBytes ? ` ${Math.min(100, (100 * doneBytes) / totalBytes).toFixed(0)}% of ${mb(totalBytes)} MB` : '';
    // a rate once a pass has run a second
    const speed = seconds >= 1 ? ` (${rate < 10 ? rate.toFixed(1) : rate.toFixed(0)} MB/s)` : '';
    const parts = [`${this.again ? 'reading again' : 'reading'} ${mb(doneBytes)} MB`, pct, speed];
    this.ctx.io.stderr.write(progressLine(parts, this.ctx.io.stderr.columns));
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) this.ctx.io.stderr.write('\r\x1b[K');
  }
}
