/**
 * The edge's reading of what the job gave this step: each input once (the secrets among them are
 * registered from these values, and the settings are made of the same ones), twine's variables,
 * and the runner's own tokens.
 */

/**
 * An input as the runner hands it over: `INPUT_<NAME>` (spaces as `_`, upper case), untrimmed;
 * '' when the workflow gave none and action.yml has no default.
 */
export function actionInput(
  env: Readonly<Record<string, string | undefined>>,
  name: string
): string {
  return env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? ''
}

/** `getInput` asked once per name: later reads of a name answer what the first one found. */
export function readOnce(getInput: (name: string) => string): (name: string) => string {
  const seen = new Map<string, string>()
  return name => {
    let value = seen.get(name)
    if (value === undefined) {
      value = getInput(name)
      seen.set(name, value)
    }
    return value
  }
}

/**
 * The runner's own tokens: the ID-token request bearer (whoever holds it can mint PyPI tokens for
 * projects trusting this workflow) and the runtime token. Secrets, though never inputs.
 */
export function runnerTokens(env: NodeJS.ProcessEnv): (string | undefined)[] {
  return [env.ACTIONS_ID_TOKEN_REQUEST_TOKEN, env.ACTIONS_RUNTIME_TOKEN]
}
