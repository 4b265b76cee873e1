/** Progress on stderr: only on a terminal, not with --quiet, and only after the first second. */

/** What progress needs of the command layer (a CommandContext is one). */
export interface ProgressSink {
  readonly progressAllowed: boolean;
  readonly io: { stderr: { write(s: string): unknown } };
}

const DELAY_MS = 1000;
const EVERY_MS = 200;

export class Progress {
  private readonly startMs = Date.now();
  private lastMs = 0;
  private drawn = false;

  constructor(private readonly ctx: ProgressSink) {}

  update(doneBytes: number, totalBytes: number | undefined): void {
    if (!this.ctx.progressAllowed) return;
    const now = Date.now();
    if (now - this.startMs < DELAY_MS || now - this.lastMs < EVERY_MS) return;
    this.lastMs = now;
    const mb = (n: number) => (n / 1e6).toFixed(1);
    const rate = doneBytes / 1e6 / ((now - this.startMs) / 1000);
    const pct = totalBytes ? ` ${Math.min(100, (100 * doneBytes) / totalBytes).toFixed(0)}% of ${mb(totalBytes)} MB` : '';
    this.ctx.io.stderr.write(`\rreading ${mb(doneBytes)} MB${pct} (${rate.toFixed(0)} MB/s)   `);
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) this.ctx.io.stderr.write('\r\x1b[K');
  }
}
