/*
 * The page's half of our search worker (workers/kb-search.js), loaded in the head before Material's
 * bundle (`extra.polyfills`), so that the worker Material starts is one of these.
 *
 * Served over http(s), the worker fetches the search index in shards: a result's first ten pages,
 * which Material renders at once, come with their texts; the texts of the other pages follow in a
 * TEXTS message. Material renders those pages only as the result list scrolls, from the very item
 * objects of the RESULT message, so this puts the texts into them as they arrive. Material ignores
 * a message type it does not know, so without this script those pages would show only their titles.
 *
 * On a page opened from disk, kb-offline.js (loaded after this) replaces `Worker` again and the
 * whole index is in memory; no TEXTS message is ever sent there.
 */
(() => {
  "use strict"
  const RESULT = 3, TEXTS = 100
  const Native = window.Worker
  if (typeof Native !== "function") return

  window.Worker = class extends Native {
    constructor(url, options) {
      super(url, options)
      if (!/\/kb-search\.js$/.test(new URL(url, window.location.href).pathname)) return
      let result = null
      // Added before Material's own listener: both receive the same `event.data` object.
      this.addEventListener("message", event => {
        const message = event.data
        if (message.type === RESULT) {
          result = message.data
        } else if (message.type === TEXTS && result && result.kb === message.data.result) {
          for (const [group, item, text] of message.data.texts) result.items[group][item].text = text
        }
      })
    }
  }
})()
