/** Structured logs: one JSON object per line on stderr, quiet (warn) by default. */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
const ORDER: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export type Logger = Record<LogLevel, (msg: string, fields?: Record<string, unknown>) => void>;

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const at = (l: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[l] <= ORDER[level]) write(JSON.stringify({ time: new Date().toISOString(), level: l, msg, ...fields }) + '\n');
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

/** The same logger with `fields` on every line (e.g. the tenant). */
export function withFields(log: Logger, fields: Record<string, unknown>): Logger {
  const at = (l: LogLevel) => (msg: string, more?: Record<string, unknown>) => log[l](msg, { ...fields, ...more });
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}
