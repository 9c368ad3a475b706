import { once } from 'node:events'
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

// A storaged that is slow to take snapshot chunks, for the shutdown tests: a proxy in front of the
// real one that holds every chunk PUT until `release()`, then makes each one wait `delayMs` (the
// storage being slow is the condition under test, so this wait is the fixture, not a test sleep).

export interface SlowStorage {
  url: string
  /** How many chunk PUTs reached the proxy so far. */
  chunkPuts: () => number
  release: () => void
  close: () => Promise<void>
}

const isChunkPut = (method: string | undefined, url: string | undefined) =>
  method === 'PUT' && /\/snap\/\d{12}\/chunk-\d+\.lhv1$/.test(url ?? '')

export async function slowStorage(storagedUrl: string, delayMs: number): Promise<SlowStorage> {
  const target = new URL(storagedUrl)
  let puts = 0
  let open: () => void = () => undefined
  const released = new Promise<void>((resolve) => {
    open = resolve
  })
  const server: Server = createServer(async (req, res) => {
    if (isChunkPut(req.method, req.url)) {
      puts++
      await released
      await new Promise((resolve) => setTimeout(resolve, delayMs))
    }
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    chunkPuts: () => puts,
    release: () => open(),
    close: async () => {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}
