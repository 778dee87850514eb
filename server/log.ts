import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, hubId: string): Logger {
  return pino({
    level,
    base: { hub: hubId },
    // Belt and braces: secrets never reach the log even if a caller logs a whole object.
    redact: {
      paths: [
        'apiToken',
        '*.apiToken',
        'password',
        '*.password',
        'pin',
        '*.pin',
        'staffPin',
        '*.staffPin',
        'secret',
        '*.secret',
        'req.headers.authorization',
        'req.headers.cookie',
      ],
      censor: '[redacted]',
    },
  });
}
