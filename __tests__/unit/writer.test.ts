/**
 * The one writer of stdout (src/action/writer.ts): no outside text can issue a runner command,
 * annotations name files relative to the workspace and are not repeated.
 */
import { describe, expect, it } from '@jest/globals'
import path from 'node:path'
import { Writer } from '../../src/action/writer.js'
import { captureStdout } from '../support/stdout.js'

/** Runs `use` on a Writer, and gives the lines it printed. */
function capture(
  options: { workspace?: string; redact?: (t: string) => string; paths?: path.PlatformPath },
  use: (writer: Writer) => void
): string[] {
  const writer = new Writer(options)
  return captureStdout(() => use(writer))
    .split(/\r?\n/)
    .slice(0, -1)
}

/** Lines the runner would act on, honouring `::stop-commands::` fences. */
function processed(lines: readonly string[]): string[] {
  const commands: string[] = []
  let stop: string | undefined
  for (const line of lines) {
    const v2 = /^\s*::(.*?)::(.*)$/.exec(line)
    if (!v2 && !line.includes('##[')) continue
    if (stop !== undefined) {
      if (v2?.[1] === stop) stop = undefined
      continue
    }
    if (v2?.[1] === 'stop-commands') stop = v2[2]
    commands.push(line.trimStart())
  }
  return commands
}

describe('Writer', () => {
  it('shows outside text in our messages, but never as a command', () => {
    const all = capture({}, writer =>
      writer.text('Index answered:\n::error::forged\r  ::add-mask::x\r\nok ##[warning]legacy\nend')
    )
    expect(all).toContain('::error::forged')
    expect(all).toContain('  ::add-mask::x')
    expect(all).toContain('ok ##[warning]legacy')
    expect(
      processed(all).filter(
        c => !c.startsWith('::stop-commands::') && !/^::[0-9a-f]{32}::$/.test(c)
      )
    ).toEqual([])
    // Plain lines are not fenced; the fence is closed at the end of the message.
    expect(all[0]).toBe('Index answered:')
    expect(all[all.length - 1]).toBe('end')
  })

  it("fences a child's output, with a new random token each time, and closes it for our commands", () => {
    const all = capture({}, writer => {
      writer.output('building…')
      writer.output('::stop-commands::guess')
      writer.mask('s3cret-token')
      writer.output('::error::forged')
      writer.endOutput()
      writer.text('done')
    })
    const fences = all.filter(l => /^::stop-commands::[0-9a-f]{32}$/.test(l))
    expect(fences).toHaveLength(2)
    expect(fences[0]).not.toBe(fences[1])
    expect(fences[0]).toMatch(/^::stop-commands::[0-9a-f]{32}$/)
    expect(processed(all)).toEqual([fences[0], '::add-mask::s3cret-token', fences[1]])
    expect(all[all.length - 1]).toBe('done')
  })

  it('escapes annotation data and properties the way @actions/core does', () => {
    const lines = capture({}, writer =>
      writer.annotate('error', 'line one\n::error::forged 100%', '/x/a,b:c.whl')
    )
    expect(lines).toEqual([
      '::error title=pypi-publish%3A a%2Cb%3Ac.whl,file=/x/a%2Cb%3Ac.whl::line one%0A::error::forged 100%25'
    ])
  })

  it('names files relative to the workspace, and annotates each problem once', () => {
    const workspace = path.resolve('/work/space')
    const file = path.join(workspace, 'dist', 'a-1.0.tar.gz')
    const lines = capture({ workspace }, writer => {
      writer.annotate('warning', 'Retrying', undefined)
      writer.annotate('error', 'bad file', file)
      writer.annotate('error', 'bad file', file)
      writer.annotate('warning', 'Retrying', undefined)
      writer.annotate('error', 'bad file', '/elsewhere/a-1.0.tar.gz')
    })
    expect(lines).toEqual([
      '::warning title=pypi-publish::Retrying',
      '::error title=pypi-publish%3A a-1.0.tar.gz,file=dist/a-1.0.tar.gz::bad file',
      '::error title=pypi-publish%3A a-1.0.tar.gz,file=/elsewhere/a-1.0.tar.gz::bad file'
    ])
  })

  it('on Windows, names files with forward slashes, as GitHub links them', () => {
    const workspace = 'D:\\a\\project\\project'
    const lines = capture({ workspace, paths: path.win32 }, writer => {
      writer.annotate(
        'error',
        'bad wheel',
        'D:\\a\\project\\project\\dist\\nested\\a-1.0-py3-none-any.whl'
      )
      writer.annotate('error', 'bad sdist', 'C:\\elsewhere\\a-1.0.tar.gz')
    })
    expect(lines).toEqual([
      '::error title=pypi-publish%3A a-1.0-py3-none-any.whl,file=dist/nested/a-1.0-py3-none-any.whl::bad wheel',
      // Outside the workspace: the absolute path, as given (its ':' escaped as a property).
      '::error title=pypi-publish%3A a-1.0.tar.gz,file=C%3A\\elsewhere\\a-1.0.tar.gz::bad sdist'
    ])
  })

  it('redacts everything but the mask itself', () => {
    const lines = capture({ redact: t => t.replaceAll('tok3n', '***') }, writer => {
      writer.mask('tok3n')
      writer.text('a tok3n')
      writer.output('b tok3n')
      writer.annotate('error', 'c tok3n', '/tok3n.whl')
    })
    expect(lines.filter(l => l.includes('tok3n'))).toEqual(['::add-mask::tok3n'])
  })
})

describe('groups', () => {
  const captured = async (use: (writer: Writer) => Promise<void>): Promise<string[]> =>
    (await captureStdout(() => use(new Writer()))).split(/\r?\n/).slice(0, -1)

  it('opens a group at its first line and prints nothing for a group with none', async () => {
    const lines = await captured(async writer => {
      await writer.group('Nothing to say', async () => writer.debug('only a debug line'))
      await writer.group('Reading ::x::', async () => {
        await Promise.resolve()
        writer.info('one line')
        writer.warning('and a warning')
      })
      await writer.group('Only a warning', async () => writer.warning('late'))
    })
    expect(lines).toEqual([
      '::debug::only a debug line',
      '::group::Reading ::x::',
      'one line',
      '::warning title=pypi-publish::and a warning',
      '::endgroup::',
      '::group::Only a warning',
      '::warning title=pypi-publish::late',
      '::endgroup::'
    ])
  })

  it('ends the group when its work throws', async () => {
    const lines = await captured(async writer => {
      await writer
        .group('Failing', async () => {
          writer.info('started')
          throw new Error('boom')
        })
        .catch(() => undefined)
      writer.info('after')
    })
    expect(lines).toEqual(['::group::Failing', 'started', '::endgroup::', 'after'])
  })
})
