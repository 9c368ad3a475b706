import { DAEMONS, isDaemon, NotFound, type PeerDaemon, type ServiceClient } from '@lakehouse/shared'
import { gatewayRoutes } from '@lakehouse/shared/contracts/health.ts'
import { routeOptions } from '@lakehouse/shared/contracts/route.ts'
import type { FastifyInstance } from 'fastify'

// GET /health/<daemon>: that daemon's own /health answer, status, content type and body unchanged,
// so an operator can check the whole stack through the one public port. With several replicas
// (ADR-017) the daemon is healthy while any replica is: the answer is the first healthy replica's,
// else the first replica's that answered at all, else 503 upstream_unavailable.

export function registerHealthPassthrough(app: FastifyInstance, peers: ReadonlyMap<PeerDaemon, ServiceClient>): void {
  const { config } = routeOptions(gatewayRoutes.daemonHealth)
  app.get<{ Params: { daemon: string } }>('/health/:daemon', { config }, async (req, reply) => {
    const { daemon } = req.params
    if (!isDaemon(daemon)) throw new NotFound(`unknown daemon ${JSON.stringify(daemon)}; one of ${DAEMONS.join(', ')}`)
    if (daemon === 'gateway') return reply.type('text/plain; charset=utf-8').send('gateway ok')
    const peer = peers.get(daemon) as ServiceClient
    const outcomes = await peer.requestEach({ method: 'GET', path: '/health', timeoutMs: 2_000, passStatuses: 'all' })
    const answers = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []))
    const upstream = answers.find((a) => a.statusCode === 200) ?? answers[0]
    for (const other of answers) if (other !== upstream) await other.body.dump()
    if (!upstream) throw (outcomes[0] as PromiseRejectedResult).reason
    const contentType = upstream.headers['content-type']
    if (typeof contentType === 'string') reply.type(contentType)
    return reply.status(upstream.statusCode).send(await upstream.body.text())
  })
}
