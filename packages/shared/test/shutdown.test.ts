import { once } from 'node:events'
import { request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { createServer } from '../src/server.ts'
import { testConfig } from '../src/testing/config.ts'
import { startDaemon } from '../src/testing/daemon-process.ts'

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

describe('graceful shutdown', () => {
  it('lets an in-flight request finish, then refuses new connections', async () => {
    const config = testConfig()
    cleanups.push(config.cleanup)
    const app = createServer({ service: 'testd', config })
    let release: () => void = () => {}
    const started = new Promise<void>((resolveStarted) => {
      app.get('/slow', { config: { scope: 'read' } }, async () => {
        resolveStarted()
        await new Promise<void>((r) => {
          release = r
        })
        return { done: true }
      })
    })
    await app.listen({ port: 0, host: '127.0.0.1' })
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
    const inFlight = request(`${url}/slow`)
    await started
    const closing = app.close()
    release()
    const response = await inFlight
    expect(response.statusCode).toBe(200)
    expect(await response.body.json()).toEqual({ done: true })
    await closing
    await expect(request(`${url}/health`)).rejects.toThrow()
  })

  it('exits 0 on SIGTERM', async () => {
    const daemon = await startDaemon('observerd', { env: { LH_CONFIG: '/dev/null' } })
    const exited = once(daemon.child, 'exit')
    daemon.child.kill('SIGTERM')
    const [code] = await exited
    expect(code).toBe(0)
  })
})
