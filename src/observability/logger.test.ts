import { describe, expect, it } from 'vitest';
import { KvsyncError } from '../errors.ts';
import { createLogger, type LogFormat, type Logger, type LoggerOptions } from './logger.ts';

const KNOWN_SECRET = 'pa55-Known-Secret-Value';
const FIXED_CLOCK = { now: () => Date.UTC(2026, 4, 1, 10, 0, 0) };

function capture(options: Partial<LoggerOptions> = {}): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    format: 'json',
    clock: FIXED_CLOCK,
    write: (line) => lines.push(line),
    ...options,
  });
  return { logger, lines };
}

function secretFields(): Record<string, unknown> {
  // Foreign errors may quote their input, as JSON.parse does (truncated there, complete here).
  const foreign = new SyntaxError(`Unexpected token in "${KNOWN_SECRET}"`);
  return {
    value: KNOWN_SECRET,
    data: { password: KNOWN_SECRET },
    stringData: { 'db.url': `postgres://u:${KNOWN_SECRET}@h` },
    password: KNOWN_SECRET,
    Secret: KNOWN_SECRET,
    token: KNOWN_SECRET,
    clientSecret: KNOWN_SECRET,
    authorization: `Bearer ${KNOWN_SECRET}`,
    headers: { Authorization: `Bearer ${KNOWN_SECRET}`, 'x-ms-client-request-id': 'r1' },
    nested: [{ deeper: { accessToken: KNOWN_SECRET, list: [{ VALUE: KNOWN_SECRET }] } }],
    bytes: Buffer.from(KNOWN_SECRET),
    view: new TextEncoder().encode(KNOWN_SECRET),
    map: new Map([['secretValue', KNOWN_SECRET]]),
    url: new URL(`https://kvsync.example/webhooks/eventgrid?code=${KNOWN_SECRET}`),
    error: new KvsyncError('ERR_DECODING', "decode property 'p' of secret 'db'", { cause: foreign }),
  };
}

describe.each<LogFormat>(['json', 'text'])('a known secret never appears (%s)', (format) => {
  it('in fields, bindings, bytes and error causes', () => {
    const { logger, lines } = capture({ format });
    logger.info('reconciled', secretFields());
    logger.child(secretFields()).warn('child entry', { name: 'db' });
    logger.error('error entry', { error: secretFields()['error'] });
    expect(lines).toHaveLength(3);
    const output = lines.join('\n');
    expect(output).toContain('reconciled');
    expect(output).toContain('[redacted]');
    expect(output).toContain(`[bytes:${KNOWN_SECRET.length}]`);
    expect(output).not.toContain(KNOWN_SECRET);
    expect(output).not.toContain(Buffer.from(KNOWN_SECRET).toString('base64'));
    expect(output).not.toContain(Buffer.from(KNOWN_SECRET).toString('hex'));
  });
});

describe('createLogger', () => {
  it('writes one JSON object per entry with time, level, msg and the fields', () => {
    const { logger, lines } = capture();
    logger.info('synced', { namespace: 'default', name: 'db', durationMs: 12 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toEqual({
      time: '2026-05-01T10:00:00.000Z',
      level: 'info',
      msg: 'synced',
      namespace: 'default',
      name: 'db',
      durationMs: 12,
    });
  });

  it('logs errors as {name, code, message}', () => {
    const { logger, lines } = capture();
    logger.error('sync failed', { error: new KvsyncError('ERR_STORE_NOT_FOUND', "store 'x' not found") });
    expect(JSON.parse(lines[0] as string).error).toEqual({
      name: 'KvsyncError',
      code: 'ERR_STORE_NOT_FOUND',
      message: "store 'x' not found",
    });
  });

  it.each([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
  ] as const)('at level %s writes %j', (level, expected) => {
    const { logger, lines } = capture({ level });
    logger.debug('m');
    logger.info('m');
    logger.warn('m');
    logger.error('m');
    expect(lines.map((line) => JSON.parse(line).level)).toEqual(expected);
    expect(logger.isLevelEnabled('debug')).toBe(level === 'debug');
  });

  it('children add bindings, nest, and let entry fields win', () => {
    const { logger, lines } = capture({ level: 'info' });
    const child = logger.child({ controller: 'external-secret' }).child({ namespace: 'a' });
    child.info('m', { namespace: 'b', name: 'x' });
    child.debug('hidden');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      controller: 'external-secret',
      namespace: 'b',
      name: 'x',
    });
  });

  it('keeps time, level and msg from being overwritten by fields', () => {
    const { logger, lines } = capture();
    logger.info('real', { msg: 'fake', level: 'error', time: 'then' });
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      msg: 'real',
      level: 'info',
      time: '2026-05-01T10:00:00.000Z',
      _msg: 'fake',
      _level: 'error',
      _time: 'then',
    });
  });

  it('writes a readable text line', () => {
    const { logger, lines } = capture({ format: 'text' });
    logger.warn('store not ready', {
      namespace: 'default',
      reason: 'Invalid config',
      count: 2,
      obj: { a: 1 },
    });
    expect(lines).toEqual([
      '2026-05-01T10:00:00.000Z WARN  store not ready namespace=default reason="Invalid config" count=2 obj={"a":1}',
    ]);
  });

  it('writes to standard output by default', () => {
    const written: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stdout.write;
    try {
      createLogger({ level: 'info', format: 'json', clock: FIXED_CLOCK }).info('hello', {
        password: KNOWN_SECRET,
      });
    } finally {
      process.stdout.write = original;
    }
    expect(written).toEqual([
      '{"time":"2026-05-01T10:00:00.000Z","level":"info","msg":"hello","password":"[redacted]"}\n',
    ]);
  });
});
