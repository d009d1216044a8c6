// The service's log: every part gets the same `(line, fields?)` function, which writes pino's JSON
// lines (LOG_FORMAT=json, for log collectors) or the plain line (pretty, for a terminal). A line about
// a job carries its id as the `jobId` field: given by the caller, or read from the line itself (job
// ids are UUIDs, and job lines name them), so an operator can select one job's lines in any process.
import pino from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'pretty' | 'json';

export interface LogFields {
  jobId?: string;
  level?: LogLevel;
  [field: string]: unknown;
}

/** What the parts of the service log with; extra fields are kept only in the JSON format. */
export type LogLine = (line: string, fields?: LogFields) => void;

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  /** Where the output goes, one chunk per line; standard output by default. */
  write?: (chunk: string) => void;
}

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i;
/** `job <id>` where the id has a digit, so that words ("job failed") are not taken for ids. */
const JOB_WORD = /\bjob ((?=[A-Za-z_.-]*\d)[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)/;
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** The job a line is about: `job <id>` first, else the first UUID it names. */
export function jobIdIn(line: string): string | undefined {
  return JOB_WORD.exec(line)?.[1] ?? UUID.exec(line)?.[0];
}

/** The level a plain line implies: the parts mark warnings and debug lines by their first word. */
function levelOf(line: string): LogLevel {
  if (/^debug:/.test(line)) return 'debug';
  if (/^warning\b/i.test(line)) return 'warn';
  if (/^error\b/i.test(line)) return 'error';
  return 'info';
}

export function createLogger(options: LoggerOptions): LogLine {
  const write = options.write ?? ((chunk: string) => process.stdout.write(chunk));
  const json = pino(
    {
      level: options.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    { write },
  );
  return (line, fields = {}) => {
    const { level = levelOf(line), ...rest } = fields;
    if (RANK[level] < RANK[options.level]) return;
    const jobId = rest.jobId ?? jobIdIn(line);
    if (options.format === 'pretty') {
      write(`${line}\n`);
      return;
    }
    json[level]({ ...rest, ...(jobId ? { jobId } : {}) }, line);
  };
}
