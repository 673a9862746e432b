import { Presets, SingleBar } from 'cli-progress';
import type { OnProgress } from '@app/files';

const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;

/** A terminal progress bar for each download (hf:// models and data the CLI fetches). */
export function downloadBars(): OnProgress {
  const bars = new Map<string, SingleBar>();
  return (p) => {
    let bar = bars.get(p.uri);
    if (p.phase === 'start' || !bar) {
      bar = new SingleBar(
        { format: ' {file} |{bar}| {percentage}% | {received} of {size}', hideCursor: true, noTTYOutput: true, notTTYSchedule: 2000 },
        Presets.shades_classic,
      );
      bar.start(p.totalBytes ?? 0, 0, { file: p.uri, received: mb(0), size: p.totalBytes === undefined ? '?' : mb(p.totalBytes) });
      bars.set(p.uri, bar);
    }
    if (p.totalBytes === undefined) bar.setTotal(p.receivedBytes);
    bar.update(p.receivedBytes, { received: mb(p.receivedBytes) });
    if (p.phase === 'done') {
      bar.stop();
      bars.delete(p.uri);
    }
  };
}
