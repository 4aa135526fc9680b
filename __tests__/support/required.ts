/**
 * Tests that need a tool the CI machine installs (Python packages, twine, local wheels). On a
 * developer machine without it they are skipped with the reason; under CI (CI=true, or
 * REQUIRE_TWINE=1 as .ci/run sets) a missing tool fails instead, so a broken install step cannot
 * pass as green.
 */
import { describe, it } from '@jest/globals'

type TestFn = (name: string, fn: () => void | Promise<unknown>, timeout?: number) => void
type BlockFn = (name: string, fn: () => void) => void

const underCi = process.env.CI === 'true' || process.env.REQUIRE_TWINE === '1'

function missing(what: string): Error {
  return new Error(`${what} is missing; CI requires it (see scripts/setup-python-tools.sh)`)
}

/** `it` when `have`, else a skip (developer machine) or a failing test (CI). */
export function itWhen(have: boolean, what: string): TestFn {
  if (have) return it
  if (!underCi) return it.skip
  return name =>
    it(name, () => {
      throw missing(what)
    })
}

/** `describe` when `have`, else a skip (developer machine) or one failing test (CI). */
export function describeWhen(have: boolean, what: string): BlockFn {
  if (have) return describe
  if (!underCi) return describe.skip
  return name =>
    describe(name, () => {
      it(`has ${what}`, () => {
        throw missing(what)
      })
    })
}
