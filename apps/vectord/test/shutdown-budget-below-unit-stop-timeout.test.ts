import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { expect, it } from 'vitest'

// vectord's stop budget (vectors.shutdown_timeout_ms) and its systemd unit's TimeoutStopSec move
// together: a budget above the unit's means systemd SIGKILLs a snapshot vectord still thinks it
// has time for; far below it wastes the time the unit grants (ADR-011, ADR-014).

it('vectord gives up on its stop before systemd kills it, within 30 s of the unit', () => {
  const unit = readFileSync(resolve(import.meta.dirname, '../../../deploy/systemd/lakehouse-vectord.service'), 'utf8')
  const stopSec = Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)?.[1])
  const config = testConfig()
  const budget = config.vectors.shutdown_timeout_ms
  config.cleanup()
  expect(budget).toBeLessThan(stopSec * 1000)
  expect(budget).toBeGreaterThanOrEqual(stopSec * 1000 - 30_000)
})
