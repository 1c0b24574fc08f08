/** Severity of a log line, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One structured log line, as handed to a sink. */
export interface LogRecord {
  level: LogLevel;
  /** The area that logged it (e.g. `libvirt`); also the name CORRAL_DEBUG selects. */
  topic: string;
  message: string;
  fields: Record<string, unknown>;
}

/** Where log lines go. */
export type LogSink = (record: LogRecord) => void;

/** One line on stderr: stdout may carry a protocol (the server's), stderr never does. */
export const stderrSink: LogSink = ({ level, topic, message, fields }) => {
  const pairs = Object.entries(fields).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  process.stderr.write(
    `${new Date().toISOString()} ${level.toUpperCase()} ${topic}: ${[message, ...pairs].join(' ')}\n`,
  );
};

/**
 * The topics whose debug lines are on: CORRAL_DEBUG is a comma-separated list of topics
 * (`libvirt`), or `*` for all. Unset means none, so debug costs nothing by default.
 */
export function debugEnabledFor(topic: string, setting = process.env.CORRAL_DEBUG): boolean {
  if (!setting) return false;
  const topics = setting.split(',').map((t) => t.trim());
  return topics.includes('*') || topics.includes(topic);
}

/** A small leveled logger for one topic: info and above always, debug only when asked for. */
export class Logger {
  readonly debugEnabled: boolean;
  private readonly sink: LogSink;

  constructor(
    readonly topic: string,
    options: { debug?: boolean; sink?: LogSink } = {},
  ) {
    this.debugEnabled = options.debug ?? debugEnabledFor(topic);
    this.sink = options.sink ?? stderrSink;
  }

  debug(message: string, fields: Record<string, unknown> = {}): void {
    if (this.debugEnabled) this.sink({ level: 'debug', topic: this.topic, message, fields });
  }

  info(message: string, fields: Record<string, unknown> = {}): void {
    this.sink({ level: 'info', topic: this.topic, message, fields });
  }

  warn(message: string, fields: Record<string, unknown> = {}): void {
    this.sink({ level: 'warn', topic: this.topic, message, fields });
  }

  error(message: string, fields: Record<string, unknown> = {}): void {
    this.sink({ level: 'error', topic: this.topic, message, fields });
  }
}
