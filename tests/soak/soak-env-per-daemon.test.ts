import { describe, expect, it } from 'vitest'
import { soakEnvOf } from '../../bench/soak/stack.ts'

// LH_SOAK_ENV_<DAEMON> gives one daemon of the soak's stack extra environment (a variant to measure).
describe('LH_SOAK_ENV_<DAEMON>', () => {
  it('gives each named daemon its KEY=VALUE pairs and no one else anything', () => {
    const env = soakEnvOf({
      LH_SOAK_ENV_QUERYD: ' MALLOC_ARENA_MAX=2  NODE_OPTIONS=--max-semi-space-size=16 ',
      LH_SOAK_ENV_GATEWAY: 'A=b=c',
      LH_SOAK_ENV_EMBEDD: '',
    })
    expect(env).toEqual({
      queryd: { MALLOC_ARENA_MAX: '2', NODE_OPTIONS: '--max-semi-space-size=16' },
      gateway: { A: 'b=c' },
    })
  })

  it('refuses a word that is not KEY=VALUE rather than starting a stack without it', () => {
    expect(() => soakEnvOf({ LH_SOAK_ENV_STORAGED: 'MALLOC_ARENA_MAX' })).toThrow(/LH_SOAK_ENV_STORAGED/)
  })
})
