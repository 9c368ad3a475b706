import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'

// A scripted S3 endpoint at the HTTP boundary: it records each request (method, path, query,
// headers, body) and answers with what the test's handler returns, in S3's real XML shapes. For
// the parts no S3 fake on npm gets right (conditional PUTs, truncated V2 listings, error bodies).

export interface SeenRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingMessage['headers']
  body: Buffer
}

export interface FakeAnswer {
  status: number
  headers?: Record<string, string>
  body?: string | Buffer
}

export type FakeHandler = (req: SeenRequest, seen: SeenRequest[]) => FakeAnswer

export function s3ErrorXml(code: string, message: string, extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${extra}<RequestId>fake</RequestId></Error>`
}

export interface FakeS3 {
  endpoint: string
  seen: SeenRequest[]
  handle: (handler: FakeHandler) => void
  close: () => Promise<void>
}

export async function startFakeS3(initial: FakeHandler = () => ({ status: 200 })): Promise<FakeS3> {
  const seen: SeenRequest[] = []
  let handler = initial
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake')
      const request = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks),
      }
      seen.push(request)
      const answer = handler(request, seen)
      const body = answer.body ?? ''
      res.writeHead(answer.status, { 'content-length': Buffer.byteLength(body), ...answer.headers })
      res.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    handle: (next) => {
      handler = next
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
