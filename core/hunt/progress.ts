/**
 * The progress line of a hunt on a TTY stderr: one line redrawn in place (`\r`), ended before any other
 * stderr line so that line stays whole. Off a TTY, nothing is drawn.
 */
export function progressLine(err: NodeJS.WritableStream & { isTTY?: boolean }) {
  let drawn = false;
  return {
    draw: err.isTTY
      ? (text: string) => {
          err.write(`\r${text}\u001b[K`);
          drawn = true;
        }
      : undefined,
    /** Ends the drawn line, so the next write starts a line of its own. */
    end: () => {
      if (drawn) err.write('\n');
      drawn = false;
    },
  };
}

/** 1536 -> "1.5 KB", in powers of 1024 as the consoles show scanned bytes. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
