/*
 * Search for a site opened from disk (file://). Browsers refuse to start a Web Worker from a
 * file:// URL, so there Material's search would never answer. This script, loaded in the head
 * before Material's bundle (`extra.polyfills`), replaces `Worker` on file:// pages only with a
 * stand-in that runs the worker's script on the page itself: the script is added as a <script>
 * tag and talks through the same postMessage / message-event interface. Material reads the index
 * from search/search_index.js on file:// (written at build time by kb/search_index.py).
 *
 * The cost is that a query runs on the page's thread (a few milliseconds for this collection);
 * served over http(s) nothing here runs and search stays in a real worker.
 */
(() => {
  "use strict"
  if (window.location.protocol !== "file:") return

  class PageWorker extends EventTarget {
    constructor(url) {
      super()
      this.onmessage = null
      // The worker's global scope as the worker script sees it (see workers/kb-search.js).
      const scope = {
        onmessage: null,
        postMessage: data => setTimeout(() => this.deliver(data))
      }
      this.scope = scope
      this.loaded = new Promise((resolve, reject) => {
        window.__kbWorkerScope = scope
        const script = document.createElement("script")
        script.src = url
        script.onload = resolve
        script.onerror = () => reject(new Error(`search worker not found: ${url}`))
        document.head.append(script)
      })
    }

    deliver(data) {
      const event = new MessageEvent("message", { data })
      if (typeof this.onmessage === "function") this.onmessage(event)
      this.dispatchEvent(event)
    }

    postMessage(data) {
      this.loaded.then(() => setTimeout(() => {
        if (typeof this.scope.onmessage === "function") this.scope.onmessage({ data })
      }))
    }

    terminate() {
      this.scope.onmessage = null
    }
  }

  window.Worker = PageWorker
})()
