import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Small figures helpers: percentiles, and a process's RSS and CPU time from /proc. */

/** The nearest-rank percentile (`p` from 0 to 100) of `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** Rounds to `digits` decimals. */
export function round(value: number, digits = 0): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export interface ProcessSample {
  rssBytes: number;
  /** User + system CPU time so far. */
  cpuSeconds: number;
  /** Open file descriptors (sockets included). */
  openFds: number;
}

let ticksPerSecond: number | undefined;

function clockTicksPerSecond(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

/**
 * RSS (`VmRSS` of /proc/PID/status), utime + stime (/proc/PID/stat) and the number of open file
 * descriptors; undefined once the process has exited.
 */
export function sampleProcess(pid: number): ProcessSample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at field 3 (state).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const openFds = readdirSync(`/proc/${pid}/fd`).length;
    return { rssBytes: rssKb * 1024, cpuSeconds: ticks / clockTicksPerSecond(), openFds };
  } catch {
    return undefined;
  }
}

/** Samples a process every `everyMs` and keeps the peaks of RSS and open descriptors, and the latest CPU time. */
export class ProcessMonitor {
  peakRssBytes = 0;
  peakOpenFds = 0;
  cpuSeconds = 0;
  readonly #pid: number;
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(pid: number, everyMs = 200) {
    this.#pid = pid;
    this.#timer = setInterval(() => this.sample(), everyMs);
    this.sample();
  }

  sample(): ProcessSample | undefined {
    const sample = sampleProcess(this.#pid);
    if (sample) {
      this.peakRssBytes = Math.max(this.peakRssBytes, sample.rssBytes);
      this.peakOpenFds = Math.max(this.peakOpenFds, sample.openFds);
      this.cpuSeconds = sample.cpuSeconds;
    }
    return sample;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
