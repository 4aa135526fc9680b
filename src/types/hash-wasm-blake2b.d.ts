/**
 * hash-wasm's BLAKE2b build alone (16 kB, where the package's index carries every algorithm's
 * WebAssembly, 270 kB that every run would parse at start-up).
 */
declare module 'hash-wasm/dist/blake2b.umd.min.js' {
  import type { createBLAKE2b } from 'hash-wasm'

  const blake2b: { createBLAKE2b: typeof createBLAKE2b }
  export default blake2b
}
