import type { PeerDaemon } from '@lakehouse/shared'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { type Stack, startStack } from '@lakehouse/shared/testing/stack.ts'

// Real peers for observerd's tests, from the one shared stack helper: storaged, catalogd, ingestd and
// queryd (and more on request) as child processes, plus a CSV ingest and the configuration that
// points an in-process observerd at them.

export interface PeerStack extends Stack {
  ingestCsv: (dataset: string, csv: string) => Promise<void>
}

export async function startPeers(extra: PeerDaemon[] = []): Promise<PeerStack> {
  const stack = await startStack({ more: ['ingestd', 'queryd', ...extra] })
  return Object.assign(stack, {
    ingestCsv: async (dataset: string, csv: string) => {
      const res = await fetch(`${stack.url('ingestd')}/v1/ingest/${dataset}?format=csv`, { method: 'POST', body: csv })
      if (res.status >= 300) throw new Error(`ingest ${dataset}: ${res.status} ${await res.text()}`)
    },
  })
}

export function observerConfig(stack: Stack, overrides: Parameters<typeof testConfig>[0] = {}) {
  const peers = Object.fromEntries(
    Object.entries(stack.daemons).map(([daemon, child]) => [daemon, child?.url as string]),
  )
  return testConfig({ ...overrides, peers: { ...peers, ...overrides.peers } })
}
