import { formatDuration, type InferenceProgress } from '../core/inference';

/**
 * Progress on stderr: one line rewritten in place on a terminal; in logs, a line every few seconds and the last
 * one, so a 400-window run does not flood them.
 */
export function progressLine(stream: NodeJS.WriteStream = process.stderr): { update: (p: InferenceProgress) => void; end: () => void } {
  let lastPrinted = -Infinity;
  let pending = '';
  const tty = stream.isTTY === true;
  return {
    update(p) {
      const eta = p.etaMs === undefined ? '' : `, about ${formatDuration(p.etaMs)} left`;
      pending = `windows ${p.done}/${p.total}${eta}`;
      const now = performance.now();
      if (tty) stream.write(`\r${pending}\u001b[K`);
      else if (now - lastPrinted > 5000 || p.done === p.total) {
        stream.write(pending + '\n');
        lastPrinted = now;
        pending = '';
      }
    },
    end() {
      if (tty && pending) stream.write('\n');
    },
  };
}
