import { once } from 'node:events'
import { connect, type Socket } from 'node:net'

// Tests only: HTTP over a bare TCP socket, for requests that no client library would send as
// written (raw request targets, hostile header sequences, trickled bytes) and for watching what
// the server does to the connection itself.

export interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
  /** Everything the server sent, as text. */
  raw: string
}

export async function openSocket(port: number): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port })
  await once(socket, 'connect')
  return socket
}

/** Parses the first response in `raw` (content-length or to the end; no chunked decoding needed). */
export function parseResponse(raw: string): RawResponse {
  const headEnd = raw.indexOf('\r\n\r\n')
  const head = headEnd < 0 ? raw : raw.slice(0, headEnd)
  const [statusLine = '', ...lines] = head.split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  let body = headEnd < 0 ? '' : raw.slice(headEnd + 4)
  const length = headers['content-length']
  if (length !== undefined) body = body.slice(0, Number(length))
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body, raw }
}

/** Waits until the socket is closed by the server (or the deadline passes) and returns what it sent. */
export async function readUntilClosed(socket: Socket, deadlineMs = 10_000): Promise<{ text: string; closed: boolean }> {
  let text = ''
  socket.setEncoding('latin1')
  socket.on('data', (chunk: string) => (text += chunk))
  socket.on('error', () => {})
  const closed = await Promise.race([
    once(socket, 'close').then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), deadlineMs).unref()),
  ])
  return { text, closed }
}

/** Sends `request` as written and reads one response (the server may keep the socket open). */
export async function rawRequest(port: number, request: string | Buffer, deadlineMs = 10_000): Promise<RawResponse> {
  const socket = await openSocket(port)
  let text = ''
  socket.setEncoding('latin1')
  const done = new Promise<void>((resolve) => {
    const check = () => {
      const headEnd = text.indexOf('\r\n\r\n')
      if (headEnd < 0) return
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, headEnd))
      if (length && text.length >= headEnd + 4 + Number(length[1])) resolve()
    }
    socket.on('data', (chunk: string) => {
      text += chunk
      check()
    })
    socket.on('close', () => resolve())
    socket.on('error', () => resolve())
    setTimeout(resolve, deadlineMs).unref()
  })
  socket.write(request)
  await done
  socket.destroy()
  return parseResponse(text)
}
