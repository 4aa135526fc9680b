#!/usr/bin/env node
// The command line's entry: the one place (with src/action/) that reads argv and the environment.
import { main } from './main.js'

process.exitCode = await main(process.argv.slice(2), process.env)
