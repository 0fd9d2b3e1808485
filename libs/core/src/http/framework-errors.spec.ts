import { Duplex } from 'node:stream';
import { answerClientError } from './framework-errors';

/** A socket that records what is written to it. */
class RecordingSocket extends Duplex {
  written = '';
  override _read(): void {}
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.written += chunk.toString('utf8');
    done();
  }
}

function parseAnswer(text: string): { status: number; headers: Record<string, string>; body: Record<string, unknown> } {
  const [head, body] = text.split('\r\n\r\n');
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 2)]),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) as Record<string, unknown> };
}

function answer(error: Error & { code?: string; rawPacket?: unknown }): RecordingSocket {
  const socket = new RecordingSocket();
  answerClientError(error, socket);
  socket.destroy();
  return socket;
}

const parseError = (code: string, rawPacket?: string) =>
  Object.assign(new Error('Parse Error'), {
    code,
    rawPacket: rawPacket === undefined ? undefined : Buffer.from(rawPacket, 'latin1'),
  });

describe('answerClientError (what Node refuses before there is a request)', () => {
  it.each<[string, number, string]>([
    ['HPE_HEADER_OVERFLOW', 431, 'headers_too_large'],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'client_timeout'],
    ['HPE_INVALID_HEADER_TOKEN', 400, 'malformed_request'],
    ['HPE_UNEXPECTED_CONTENT_LENGTH', 400, 'malformed_request'],
  ])('answers %s with %d %s as a problem with a request id', (code, status, problemCode) => {
    const { status: written, headers, body } = parseAnswer(answer(parseError(code)).written);
    expect(written).toBe(status);
    expect(headers['content-type']).toBe('application/problem+json');
    expect(headers.connection).toBe('close');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(body).toMatchObject({ status, code: problemCode, requestId: headers['x-request-id'] });
    expect(Number(headers['content-length'])).toBe(Buffer.byteLength(JSON.stringify(body)));
  });

  it.each<[string, string | undefined, string]>([
    ['the path of the request line', 'GET /v1/workflows?top=5 HTTP/1.1\r\nHost: x\r\n', '/v1/workflows'],
    ['nothing when the packet is not a request line', 'X-Padding: aaaa\r\n', ''],
    ['nothing when there is no packet', undefined, ''],
    ['nothing for a path with bytes HTTP forbids', 'GET /a\u0000b HTTP/1.1\r\n', ''],
  ])('quotes %s as the instance', (_name, packet, instance) => {
    expect(parseAnswer(answer(parseError('HPE_HEADER_OVERFLOW', packet)).written).body.instance).toBe(instance);
  });

  it('writes nothing on a reset connection, and answers a socket only once', () => {
    expect(answer(Object.assign(new Error('reset'), { code: 'ECONNRESET' })).written).toBe('');
    const socket = new RecordingSocket();
    answerClientError(parseError('HPE_INVALID_METHOD'), socket);
    const first = socket.written;
    answerClientError(parseError('HPE_INVALID_METHOD'), socket);
    expect(socket.written).toBe(first);
    socket.destroy();
  });

  it('adds no second answer after a response already went out on the socket', () => {
    // A request answered early (an unknown path, say) while its chunked body was still arriving:
    // the rest of the body parses as a broken request. Found by the contract fuzzer.
    const socket = Object.assign(new RecordingSocket(), { _httpMessage: { headersSent: true } });
    answerClientError(parseError('HPE_INVALID_METHOD', 'false'), socket);
    expect(socket.written).toBe('');
    expect(socket.destroyed).toBe(true);
  });
});
