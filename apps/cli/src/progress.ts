/**
 * Progress of a long run on stderr — events/s, position, estimated time left — only when stderr is
 * a terminal: in a pipe or a log file the tool stays quiet.
 */
export class Progress {
  private readonly started = Date.now();
  private lastDraw = 0;
  private events = 0;
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    enabled: boolean = process.stderr.isTTY === true,
  ) {
    this.enabled = enabled;
  }

  /** `done`/`total`: how far the source has read (positions or messages). */
  update(eventsWritten: number, done: number, total: number): void {
    this.events += eventsWritten;
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 250) return;
    this.lastDraw = now;
    const seconds = Math.max(0.001, (now - this.started) / 1000);
    const rate = this.events / seconds;
    const readRate = done / seconds;
    const left = total > done && readRate > 0 ? `, ~${formatDuration((total - done) / readRate)} left` : '';
    process.stderr.write(
      `\r\x1b[K${this.label}: ${this.events.toLocaleString('en')} events, ${Math.round(rate).toLocaleString('en')} ev/s, at ${done.toLocaleString('en')}${total ? ` of ${total.toLocaleString('en')}` : ''}${left}`,
    );
  }

  finish(): void {
    if (!this.enabled) return;
    const seconds = (Date.now() - this.started) / 1000;
    process.stderr.write(`\r\x1b[K${this.label}: ${this.events.toLocaleString('en')} events in ${formatDuration(seconds)}\n`);
  }
}

function formatDuration(s: number): string {
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${Math.round(s % 60)}s` : `${Math.floor(m / 60)}h${m % 60}m`;
}
