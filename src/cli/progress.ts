/**
 * A one-line progress bar for a TTY (stderr), redrawn in place. Off a TTY, callers emit
 * structured JSON events instead, so logs and pipes stay machine-readable.
 */
export class ProgressBar {
  private total = 0;
  private done = 0;
  private label = '';
  private lastDraw = 0;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr, private readonly width = 30) {}

  /** True when drawing makes sense (stderr is a terminal). */
  static enabled(stream: NodeJS.WriteStream = process.stderr): boolean {
    return Boolean(stream.isTTY);
  }

  /** Adds to the expected total. */
  grow(n: number): void {
    this.total += n;
    this.draw(true);
  }

  /** Counts one item done, with a short status text. */
  tick(label: string): void {
    this.done++;
    this.label = label;
    this.draw(false);
  }

  private draw(force: boolean): void {
    const t = Date.now();
    if (!force && t - this.lastDraw < 80 && this.done < this.total) return;
    this.lastDraw = t;
    const frac = this.total ? Math.min(1, this.done / this.total) : 0;
    const filled = Math.round(frac * this.width);
    const cols = this.stream.columns ?? 100;
    const line = `[${'#'.repeat(filled)}${'-'.repeat(this.width - filled)}] ${this.done}/${this.total} ${this.label}`;
    this.stream.write(`\r${line.slice(0, cols - 1).padEnd(Math.min(cols - 1, line.length + 10))}`);
  }

  /** Clears the line. */
  finish(): void {
    this.stream.write('\r\x1b[K');
  }
}
