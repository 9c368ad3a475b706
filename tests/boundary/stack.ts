import { once } from 'node:events'
import { createServer } from 'node:http'
import { connect } from 'node:net'
import { type App, dataPath, ServiceClient } from '@lakehouse/shared'
import { CatalogClient } from '@lakehouse/shared/clients/catalog.ts'
import { StorageClient } from '@lakehouse/shared/clients/storage.ts'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { buildApp as buildCatalogd } from '../../apps/catalogd/src/app.ts'
import { buildApp as buildGateway } from '../../apps/gateway/src/app.ts'
import { buildApp as buildStoraged } from '../../apps/storaged/src/app.ts'
import { FsBackend } from '../../apps/storaged/src/fs-backend.ts'

// A storaged + catalogd + gateway stack in this process, each on its own real socket (port 0),
// with a main (admin) token for the daemons' own calls, and the tokens a test names.

export const MAIN = 'main-token-boundary-0123456789'

export interface BoundaryStack {
  gateway: string
  catalogd: string
  storage: StorageClient
  catalog: CatalogClient
  close: () => Promise<void>
}

async function listen(app: App): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  return `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
}

export async function startBoundaryStack(
  tokens: Array<{ name: string; token: string; scopes: Array<'read' | 'write' | 'admin'> }>,
): Promise<BoundaryStack> {
  const auth = { token: MAIN, tokens }
  const base = testConfig({ auth })
  const storaged = await buildStoraged({
    config: base,
    backend: await FsBackend.open(dataPath(base, undefined, 'storage')),
  })
  const storagedUrl = await listen(storaged)
  const config = { ...base, peers: { ...base.peers, storaged: storagedUrl } }
  const catalogd = buildCatalogd({ config })
  const catalogdUrl = await listen(catalogd)
  const gateway = await buildGateway({ config: { ...config, peers: { ...config.peers, catalogd: catalogdUrl } } })
  const gatewayUrl = await listen(gateway)
  const storage = new StorageClient(new ServiceClient({ service: 'storaged', baseUrl: storagedUrl, token: MAIN }))
  const catalog = new CatalogClient(new ServiceClient({ service: 'catalogd', baseUrl: catalogdUrl, token: MAIN }))
  return {
    gateway: gatewayUrl,
    catalogd: catalogdUrl,
    storage,
    catalog,
    close: async () => {
      await Promise.all([storage.close(), catalog.close()])
      await gateway.close()
      await catalogd.close()
      await storaged.close()
      base.cleanup()
    },
  }
}

/** A gateway whose catalogd is a stand-in that answers 200 to anything: what passes, the edge let through. */
export async function startGatewayOverYesMan(
  tokens: Array<{ name: string; token: string; scopes: Array<'read' | 'write' | 'admin'> }>,
): Promise<{ gateway: string; seen: string[]; close: () => Promise<void> }> {
  const seen: string[] = []
  const yesMan = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`)
    req.resume()
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
  })
  yesMan.listen(0, '127.0.0.1')
  await once(yesMan, 'listening')
  const catalogd = `http://127.0.0.1:${(yesMan.address() as { port: number }).port}`
  const base = testConfig({ auth: { token: MAIN, tokens } })
  const gateway = await buildGateway({ config: { ...base, peers: { ...base.peers, catalogd } } })
  return {
    gateway: await listen(gateway),
    seen,
    close: async () => {
      await gateway.close()
      yesMan.closeAllConnections()
      yesMan.close()
      base.cleanup()
    },
  }
}

/**
 * Sends one request exactly as written (request line byte for byte, as an attacker would; HTTP
 * clients normalise paths) over a new connection, and answers the status code.
 */
export async function rawStatus(
  baseUrl: string,
  requestLine: string,
  headers: Record<string, string>,
): Promise<number> {
  const { hostname, port } = new URL(baseUrl)
  const lines = [requestLine, `Host: ${hostname}:${port}`, 'Content-Length: 0']
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`)
  const socket = connect(Number(port), hostname)
  socket.write(`${lines.join('\r\n')}\r\n\r\n`)
  // The status line is all a test needs: stop there rather than wait for the server to close.
  let answer = ''
  for await (const chunk of socket) {
    answer += chunk.toString('latin1')
    if (answer.includes('\r\n')) break
  }
  socket.destroy()
  const status = /^HTTP\/1\.1 (\d{3}) /.exec(answer)
  if (!status) throw new Error(`no HTTP answer to ${requestLine}: ${JSON.stringify(answer.slice(0, 200))}`)
  return Number(status[1])
}
