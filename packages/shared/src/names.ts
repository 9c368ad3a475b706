import { z } from 'zod'
import { InvalidName } from './errors.ts'

// Dataset and index names (DESIGN §5). The rule keeps names safe as file-path segments and as SQL
// identifiers, but queryd still quotes them: the rule is a contract, not a sanitizer.
export const NAME_PATTERN = /^[a-z][a-z0-9_]{0,62}$/

export const nameSchema = z.string().regex(NAME_PATTERN, 'must match ^[a-z][a-z0-9_]{0,62}$')

export function assertValidName(name: string, what = 'name'): string {
  if (!NAME_PATTERN.test(name)) {
    throw new InvalidName(`${what} ${JSON.stringify(name.slice(0, 80))} must match ^[a-z][a-z0-9_]{0,62}$`)
  }
  return name
}
