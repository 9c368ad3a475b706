import { describe, expect, it } from 'vitest'
import { redactCreds } from '../src/redaction.ts'

// Rule (issue 10 item 2): one module cuts secrets out of text that leaves a daemon (queryd's httpfs
// errors, embedd's provider errors): the known secrets, and anything shaped like an S3 credential.

describe('secrets are redacted from messages', () => {
  it('cuts out every known secret', () => {
    const out = redactCreds('key sk-live-123456 rejected; sk-live-123456 again', ['sk-live-123456'])
    expect(out).not.toContain('sk-live-123456')
    expect(out).toBe('key *** rejected; *** again')
  })

  it('cuts out S3-shaped credentials it was not told about', () => {
    const out = redactCreds("CREATE SECRET (KEY_ID 'AKIA1', SECRET 'abc') ?X-Amz-Signature=deadbeef&x=1")
    expect(out).not.toMatch(/AKIA1|abc'|deadbeef/)
  })

  it('does not garble a message over a secret too short to mean anything', () => {
    expect(redactCreds('a binder error', ['a'])).toBe('a binder error')
  })
})
