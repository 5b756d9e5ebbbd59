import type { Duplex } from 'node:stream';

/**
 * What Node's HTTP server sends by itself when a request never becomes one (a malformed request
 * line, headers past the size limit, a client too slow to send its request): a bare status line
 * and no body. The contract promises a JSON error body for every error, so the adapter answers
 * these too, with a status and code for each of the parser's reasons.
 */
export function clientErrorResponse(error: NodeJS.ErrnoException, timeouts: { requestTimeoutMs: number }): { status: number; reason: string; code: string; message: string } {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        reason: 'Request Timeout',
        code: 'invalid_request',
        message: `The request did not arrive within ${timeouts.requestTimeoutMs / 1000}s`,
      };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, reason: 'Request Header Fields Too Large', code: 'payload_too_large', message: 'The request headers are too large' };
    default:
      return { status: 400, reason: 'Bad Request', code: 'invalid_request', message: 'The request is not valid HTTP' };
  }
}

/**
 * The server's `clientError` listener: writes the JSON error straight to the socket (there is no
 * response object yet), as Node's own handler would its bare one, and only when nothing of a
 * response went out on the connection yet, so a half-sent answer is never corrupted.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, timeouts: { requestTimeoutMs: number }): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code !== 'ECONNRESET' && socket.writable && !inFlight?.headersSent) {
    const { status, reason, code, message } = clientErrorResponse(error, timeouts);
    const body = JSON.stringify({ error: { code, message, details: [] } });
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\n` +
        'content-type: application/json\r\n' +
        'x-content-type-options: nosniff\r\n' +
        'cache-control: no-store\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        'connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy();
}
