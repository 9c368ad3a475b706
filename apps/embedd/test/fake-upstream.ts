import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

// A fake provider at the HTTP boundary (Ollama, an OpenAI-compatible server): it records every
// request exactly as it arrived and answers with whatever the test's handler says.

export interface RecordedRequest {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: unknown
}

export type Handler = (req: RecordedRequest, res: ServerResponse) => void

export interface FakeUpstream {
  url: string
  requests: RecordedRequest[]
  handle: (handler: Handler) => void
  close: () => Promise<void>
}

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const requests: RecordedRequest[] = []
  let handler: Handler = (_req, res) => res.writeHead(500).end()
  const server: Server = createServer((req, res) => {
    let raw = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (raw += chunk))
    req.on('end', () => {
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: raw ? JSON.parse(raw) : undefined,
      }
      requests.push(recorded)
      handler(recorded, res)
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle: (next) => {
      handler = next
    },
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body))
}

/** A deterministic fake vector of `dim` values, different per text. */
export function fakeVector(text: string, dim: number): number[] {
  let seed = 0
  for (const ch of text) seed = (seed * 31 + (ch.codePointAt(0) ?? 0)) % 1000
  return Array.from({ length: dim }, (_, i) => ((seed + i) % 7) / 7 - 0.4)
}
