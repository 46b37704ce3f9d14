/** A one-line progress bar on stderr (redrawn with \r), for uploads on a terminal. */

export interface ProgressBar {
  update(done: number, total: number): void;
  finish(): void;
}

const MiB = 1024 * 1024;
const WIDTH = 30;

export function progressBar(stream: { write(text: string): unknown }, label: string, enabled: boolean): ProgressBar {
  if (!enabled) return { update: () => {}, finish: () => {} };
  let drawn = -1;
  let started = false;
  return {
    update(done, total) {
      const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
      if (percent === drawn) return;
      drawn = percent;
      started = true;
      const filled = Math.round((percent / 100) * WIDTH);
      stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(percent).padStart(3)}% ${(done / MiB).toFixed(1)}/${(total / MiB).toFixed(1)} MiB`);
    },
    finish() {
      if (started) stream.write('\n');
    },
  };
}
