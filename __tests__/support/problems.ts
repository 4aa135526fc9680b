import { expect } from '@jest/globals'
import { DistributionError, type Problem } from '../../src/dists/distribution.js'

/** The one Problem a rejected promise carries (fails the test if it resolves or carries more). */
export async function problemOf(promise: Promise<unknown>): Promise<Problem> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(DistributionError)
  const problems = (error as DistributionError).problems
  expect(problems).toHaveLength(1)
  return problems[0]
}
