/**
 * @module
 * The Worker entry point: the app, and the Durable Object class wrangler.toml binds.
 */
import { createApp } from './app'

export { SessionAuthorityObject } from './objects/session-authority'

export default createApp()
