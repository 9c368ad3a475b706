// A bare node:http server that reads an upload and throws it away: the transport ceiling of a PUT
// over loopback on this machine, so the bench can show how much of storaged's gap to direct disk is
// HTTP itself. Prints its port on stdout once listening.
import { createServer } from 'node:http'

const server = createServer(async (req, res) => {
  let bytes = 0
  for await (const chunk of req) bytes += (chunk as Buffer).length
  res.end(JSON.stringify({ bytes }))
})
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as { port: number }).port}\n`)
})
