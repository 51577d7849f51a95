import cliProgress from 'cli-progress';

/** A progress line on stderr for long work (hidden when stderr is not a terminal, or with --json). */
export function progressBar(label: string, enabled: boolean): { update(n: number, text?: string): void; stop(): void } {
  if (!enabled || !process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} {value} {unit} {text}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(0, 0, { unit: '', text: '' });
  return {
    update(n, text = '') {
      bar.update(n, { text });
    },
    stop() {
      bar.stop();
    },
  };
}

export interface PhaseBar {
  /** Sets the work done so far (same unit as the total). */
  update(done: number): void;
  /** Marks the phase finished; off a terminal, prints its line (`note` in place of the count). */
  stop(note?: string): void;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function padLabel(label: string): string {
  return label.padEnd(12);
}

/**
 * One phase of a long job with a known total: bar, percentage, count and ETA on a terminal.
 * Elsewhere (a pipe, a log file) it prints one line when the phase ends, with its duration,
 * so a scripted run still shows where the time went. Disabled, it prints nothing.
 */
export function phaseBar(label: string, total: number, unit: string, enabled: boolean): PhaseBar {
  const started = Date.now();
  const summary = (done: number, note?: string) =>
    `${padLabel(label)} ${note ?? `${done.toLocaleString('en-US')} ${unit}`} in ${seconds(Date.now() - started)}\n`;
  if (!enabled) return { update() {}, stop() {} };
  let last = 0;
  if (!process.stderr.isTTY) {
    return {
      update(done) {
        last = done;
      },
      stop(note) {
        process.stderr.write(summary(last, note));
      },
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${padLabel(label)} [{bar}] {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 50,
      fps: 8,
      formatValue: (v, _o, type) => (type === 'value' || type === 'total' ? Math.round(v).toLocaleString('en-US') : String(v)),
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(1, total), 0);
  return {
    update(done) {
      last = done;
      bar.update(Math.min(done, total));
    },
    stop() {
      bar.update(total);
      bar.stop();
    },
  };
}

/**
 * A phase that is one database statement, whose engine reports no progress: the bar advances
 * with the elapsed time against an expected duration (work ÷ a measured rate), holds at 99%
 * if the statement runs longer, and completes when it returns. The ETA is that estimate.
 */
export async function timedPhase<T>(
  label: string,
  expectedMs: number,
  enabled: boolean,
  work: () => Promise<T>,
  note = 'done',
): Promise<T> {
  const expected = Math.max(200, expectedMs);
  const bar = phaseBar(label, expected / 1000, 's (est.)', enabled);
  const started = Date.now();
  const timer = setInterval(() => bar.update(Math.min(0.99 * expected, Date.now() - started) / 1000), 200);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    bar.stop(note);
  }
}
