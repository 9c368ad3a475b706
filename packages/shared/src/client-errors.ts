import { randomUUID } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import { errorBody } from './error-handler.ts'
import { HeadersTooLarge, InvalidRequest, type LakehouseError, PayloadTooLarge, RequestTimeout } from './errors.ts'

// What a client gets when Node's HTTP parser refuses its bytes before any route or hook runs (a raw
// tab in the request line, headers too large, a request that took longer than
// server.request_timeout_ms): the DESIGN §5 error shape with a fresh request id, then the
// connection closes, as the parser cannot find the next request's start on it.

function parserError(err: NodeJS.ErrnoException): LakehouseError {
  switch (err.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new RequestTimeout('the request was not received in time')
    case 'HPE_HEADER_OVERFLOW':
      return new HeadersTooLarge('request headers are too large')
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new PayloadTooLarge('chunk extensions are too large')
    default:
      return new InvalidRequest('malformed HTTP request')
  }
}

type ServerSocket = Socket & { _httpMessage?: { headersSent?: boolean } }

export function writeClientError(err: NodeJS.ErrnoException, socket: ServerSocket): void {
  // A reset connection has nobody to answer; a response already under way cannot get a second one.
  if (err.code === 'ECONNRESET' || !socket.writable || socket._httpMessage?.headersSent) {
    socket.destroy(err)
    return
  }
  const mapped = parserError(err)
  const requestId = randomUUID()
  const body = JSON.stringify(errorBody(mapped, requestId))
  socket.end(
    `HTTP/1.1 ${mapped.status} ${STATUS_CODES[mapped.status]}\r\n` +
      'content-type: application/json; charset=utf-8\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      `x-request-id: ${requestId}\r\n` +
      'connection: close\r\n\r\n' +
      body,
  )
}
