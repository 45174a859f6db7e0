/**
 * Structured logs: one JSON object per line on stderr, so an operator can grep or ship them.
 * Secrets (resume and account tokens) are never passed to the logger.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(minLevel: LogLevel | 'silent', write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const min = minLevel === 'silent' ? Infinity : ORDER[minLevel];
  return {
    log(level, event, fields) {
      if (ORDER[level] < min) return;
      write(JSON.stringify({ t: new Date().toISOString(), level, event, ...fields }) + '\n');
    },
  };
}

/** A logger that keeps lines in memory, for tests that assert on what was logged. */
export function createMemoryLogger(): Logger & { lines: Array<{ level: LogLevel; event: string } & Record<string, unknown>> } {
  const lines: Array<{ level: LogLevel; event: string } & Record<string, unknown>> = [];
  return {
    lines,
    log(level, event, fields) {
      lines.push({ level, event, ...fields });
    },
  };
}
