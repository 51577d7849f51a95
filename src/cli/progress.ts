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
