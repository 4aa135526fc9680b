/**
 * The first-byte floor on this machine: the least any Node action must do before its first upload
 * byte. It loads what every uploader needs (`node:http` to send, `node:crypto` to hash), reads one
 * file, takes its sha256 and POSTs it: no inputs, no discovery, no checks, no read of the index.
 * The bench times it from spawn to the index's first byte, beside the action and twine, so the
 * report shows how much of the action's figure is Node's own start on this machine.
 *
 * Run as `node bare-post.js <file> <url>`; exits 0 once the index answered 2xx.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import path from 'node:path'

const [file, url] = process.argv.slice(2)
const bytes = readFileSync(file)
const sha256 = createHash('sha256').update(bytes).digest('hex')
const boundary = `----bare-post-${sha256.slice(0, 16)}`
const head = Buffer.from(
  `--${boundary}\r\nContent-Disposition: form-data; name="content"; ` +
    `filename="${path.basename(file)}"\r\nContent-Type: application/octet-stream\r\n\r\n`
)
const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
const body = Buffer.concat([head, bytes, tail])
const post = request(
  url,
  {
    method: 'POST',
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': body.length
    }
  },
  answer => {
    answer.resume()
    // Any answer will do: the relay in front of the index has already seen the first byte.
    answer.on('end', () => process.exit(0))
  }
)
post.on('error', error => {
  console.error(`bare-post: ${error.message}`)
  process.exit(1)
})
post.end(body)
