/*
 * The knowledge base's search engine, running behind Material's own search box and result list.
 *
 * It speaks the protocol of Material's search worker (SETUP -> READY, QUERY -> RESULT with
 * `items: SearchItem[][]`), so the interface, its markup and its keyboard handling stay Material's.
 * The build cuts the index (scripts/kb/search_tokens.py, by the rules of `tokenize` below) and splits
 * it into shards (scripts/kb/search_shards.py): SETUP brings the head inside the index's config
 * (titles, vocabulary, where each token's postings and each entry's text are), and a query fetches
 * only the postings of the tokens it matches and the texts of the entries it returns, each file
 * once. A page
 * opened from disk gets the whole index instead (kb-offline.js). What differs from Material is
 * matching (README, "Search", gives the measurements behind each rule):
 *
 * - Traditional characters in a query are read as simplified (深度學習 finds 深度学习); the table
 *   comes from OpenCC at build time and travels inside the search index.
 * - Han text in a query is segmented against the index's own vocabulary (jieba cut the pages at
 *   build time, with the glossary, author names and theme labels as user words), longest first.
 * - A query word also finds indexed words that contain it (语言 in 自然语言, 核 in 核方法), at a
 *   lower weight than an exact hit; a Latin word also matches as a prefix.
 * - A word with no hit at all is matched to the nearest indexed word one edit away (two for long
 *   Latin words): concentraton -> concentration, 集中不等试 -> 集中不等式.
 * - All query words must match where any page matches them all; scores are TF-IDF with title hits
 *   weighted up, and a page whose title is the whole query (an author's or theme's name) comes first.
 */
"use strict"

// `scope` is the worker's global scope; on a page opened from disk, where browsers start no
// workers, kb-offline.js runs this script on the page and passes a stand-in scope instead.
;(scope => {

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3

const TITLE_WEIGHT = 8
const QUALITY = { exact: 1, prefix: 0.7, contains: 0.6, fuzzy: 0.5 }
const HAN = /\p{Script=Han}/u
const HAN_RUN = /\p{Script=Han}+/gu
const HAN_CHAR = /\p{Script=Han}/gu
const STOP = new Set(["的", "了", "是", "在", "和", "the", "a", "an", "of", "and", "or", "to", "in", "is", "what"])

/* The search folder as seen from this script, which sits at assets/javascripts/workers/kb-search.js
   (kb.search_index.WORKER): the shards' folder named in the head is relative to it. */
const SEARCH_FOLDER = "../../../search/"

/* Ours: the texts of a result's later pages (see kb-search-client.js); Material ignores the type. */
const TEXTS = 100
/* Material renders the first ten pages of a result at once, the others four at a time as the list
   scrolls (its bundle's mountSearchResult): only the first ten must have their texts in RESULT. */
const RENDERED_AT_ONCE = 10

let engine = null
let results = 0
let pending = Promise.resolve()      /* messages are answered in order, each after the one before */

scope.onmessage = event => {
  const message = event.data
  if (message.type === SETUP) {
    pending = pending.then(() => Engine.open(message.data)).then(opened => {
      engine = opened
      scope.postMessage({ type: READY })
    }, error => console.error("search: the index could not be loaded", error))
  } else if (message.type === QUERY) {
    const result = ++results
    pending = pending.then(() => engine ? answer(message.data) : null)
      .then(answer => {
        scope.postMessage({ type: RESULT, data: { ...(answer ? answer.data : { items: [] }), kb: result } })
        /* The texts of the pages Material renders later, as the list scrolls, follow in the
           background; kb-search-client.js puts them into the items of this result. */
        if (answer) answer.later(() => result === results).then(texts => {
          if (texts && texts.length) scope.postMessage({ type: TEXTS, data: { result, texts } })
        }, error => console.error("search: texts could not be loaded", error))
      }, error => {
        console.error("search: the query could not be answered", error)
        scope.postMessage({ type: RESULT, data: { items: [], kb: result } })
      })
  }
}

/* A file of the index is not there: the site was published again after this page fetched the head
   (every file's name carries a hash of its content, so a new build removes the old names). */
class Gone extends Error {}

async function fetchJSON(url, init = {}) {
  const response = await fetch(url, init)
  if (response.status === 404) throw new Gone(`${url}: 404`)
  if (!response.ok) throw new Error(`${url}: ${response.status}`)
  return response.json()
}

/* The engine's answer to `query`; if the site was published again meanwhile, the index as it is
   now (search_index.json asked of the server again, not taken from the cache) answers instead. */
async function answer(query) {
  try {
    return await engine.answer(query)
  } catch (error) {
    if (!(error instanceof Gone)) throw error
    const folder = new URL(SEARCH_FOLDER, scope.location.href)
    engine = await Engine.open(await fetchJSON(new URL("search_index.json", folder), { cache: "no-cache" }))
    return engine.answer(query)
  }
}

function stripTags(html) {
  return html.replace(/<[^>]*>/g, " ")
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"")
    .replace(/&#39;|&#x27;/g, "'").replace(/&amp;/g, "&")
}

/* Text as shown and compared whole: without the zero-width spaces Material's plugin cut it with
   (which the shards' titles and texts no longer have; the postings are cut already). */
function visible(text) {
  return text.replace(/\u200b/g, "")
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
}

/* Light English stemming, the same for index and query: possessives and plurals. */
function stem(word) {
  if (HAN.test(word)) return word
  word = word.replace(/['’]s$/, "")
  if (word.length > 4 && word.endsWith("ies")) return word.slice(0, -3) + "y"
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1)
  return word
}

/* Edit distance with transpositions, giving up early beyond `limit`. */
function distance(a, b, limit) {
  if (Math.abs(a.length - b.length) > limit) return limit + 1
  const rows = [Array.from({ length: b.length + 1 }, (_, j) => j)]
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    let best = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let value = Math.min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, rows[i - 2][j - 2] + 1)
      row.push(value)
      best = Math.min(best, value)
    }
    if (best > limit) return limit + 1
    rows.push(row)
  }
  return rows[a.length][b.length]
}

class Engine {

  /* The engine for a SETUP message: over the index's shards when its config holds their head, else
     over the index it holds (a page opened from disk, or an index the build did not cut). */
  static open({ config, docs }) {
    const head = config.kb && config.kb.head
    if (!head) return new Engine({ config, docs })
    const t2s = new Map()
    let from = null
    for (const char of head.t2s) {  /* by code point: 俓 -> 𠇹 is beyond the basic plane */
      if (from === null) from = char
      else { t2s.set(from, char); from = null }
    }
    return new Engine({ config: { ...config, kb: { t2s } }, docs: Engine.readDocs(head.docs) },
      { folder: new URL(head.folder, new URL(SEARCH_FOLDER, scope.location.href)),
        postings: head.postings, texts: head.texts })
  }

  /* The entries of a head, written short by the build (kb.search_shards.compact_docs): a location
     starting with # is in the page of the entry before it, a title 0 is the title before it.
     Each section gets its parent here, as `linkParents` would give it, without a second pass that
     finds each location's page again.
     (Plain loops: this runs once per entry before the worker is ready, in code not yet optimised,
     where destructuring, split and spread cost a third of the whole opening.) */
  static readDocs(compact) {
    const docs = new Array(compact.length)
    const articles = new Map()
    let page = "", title = ""
    for (let at = 0; at < compact.length; at++) {
      const entry = compact[at]
      let location = entry[0]
      const section = location.charCodeAt(0) === 35 /* # */
      if (section) location = page + location
      else page = location.includes("#") ? location.slice(0, location.indexOf("#")) : location
      if (entry[1] !== 0) title = entry[1]
      const doc = entry.length > 2 ? { location, title, ...entry[2] } : { location, title }
      if (!section && page === location) articles.set(location, doc)
      else if (articles.has(page)) doc.parent = articles.get(page)
      docs[at] = doc
    }
    return docs
  }

  /* A section's parent is its page's entry, if that came before it. */
  static linkParents(docs) {
    const articles = new Map()
    for (let at = 0; at < docs.length; at++) {
      const doc = docs[at], hash = doc.location.indexOf("#")
      if (hash < 0) articles.set(doc.location, doc)
      else if (articles.has(doc.location.slice(0, hash))) doc.parent = articles.get(doc.location.slice(0, hash))
    }
  }

  constructor({ config, docs }, shards = null) {
    this.separator = new RegExp(config.separator, "gu")
    const t2s = (config.kb && config.kb.t2s) || {}
    this.t2s = t2s instanceof Map ? t2s : new Map(Object.entries(t2s))  /* traditional -> simplified */
    /* Over shards the docs are readDocs' own, parents linked; the whole index's may be the page's
       (kb-offline.js), so they are copied. */
    this.docs = shards ? docs : docs.map(doc => ({ ...doc }))
    if (!shards) Engine.linkParents(this.docs)
    this.patterns = new WeakMap()      /* a result page's tokens -> the pattern that marks them */
    /* token -> [gap, code, gap, code, ...]: per field of a doc holding it, the doc's number less the
       previous pair's, and twice the count plus the field (kb.search_tokens.postings). The build
       cuts the index, so that opening it does not. Over shards, a token's postings arrive with its
       shard; `shardOf` says which shard that is. */
    this.shards = shards
    this.postings = shards ? new Map() : config.kb && config.kb.postings ? new Map(config.kb.postings) : this.cut(this.docs)
    this.shardOf = new Map()
    if (shards) {
      this.loaded = new Map()          /* file name -> promise of its content */
      for (let shard = 0; shard < shards.postings.length; shard++) {
        const tokens = shards.postings[shard][1]
        for (let at = 0; at < tokens.length; at++) this.shardOf.set(tokens[at], shard)
      }
      this.chunkStarts = []
      let start = 0
      for (const [chunk, [, count]] of shards.texts.entries()) {
        this.chunkStarts.push(start)
        for (let number = start; number < start + count; number++) this.docs[number].chunk = chunk
        start += count
      }
    }
    this.vocabulary = shards ? [...this.shardOf.keys()] : [...this.postings.keys()]
    this.known = new Set(this.vocabulary)
    this.hanVocabulary = new Set(this.vocabulary.filter(token => HAN.test(token)))
    this.longestHan = [...this.hanVocabulary].reduce((most, token) => Math.max(most, token.length), 1)
  }

  /* A shard's content, fetched once (in parallel with any other fetch under way). */
  file(name) {
    if (!this.loaded.has(name)) this.loaded.set(name, fetchJSON(new URL(name, this.shards.folder)))
    return this.loaded.get(name)
  }

  /* Fetch what `tokens` need of the postings shards. */
  async loadPostings(tokens) {
    if (!this.shards) return
    const wanted = new Set(tokens.filter(token => !this.postings.has(token)).map(token => this.shardOf.get(token)))
    await Promise.all([...wanted].map(async shard => {
      const [name, names] = this.shards.postings[shard]
      const entries = await this.file(name)
      names.forEach((token, at) => this.postings.set(token, entries[at]))
    }))
  }

  /* Fetch what `docs` need of the text chunks: all at once, or (in the background) one after the
     other while `wanted()` holds, giving up when it does not. */
  async loadTexts(docs, wanted = null) {
    if (!this.shards) return
    const chunks = this.chunksOf(docs)
    const load = async chunk => {
      const texts = await this.file(this.shards.texts[chunk][0])
      texts.forEach((text, at) => { this.docs[this.chunkStarts[chunk] + at].text = text })
    }
    if (!wanted) {
      await Promise.all(chunks.map(load))
      return
    }
    for (const chunk of chunks) {
      if (!wanted()) return
      await load(chunk)
    }
  }

  /* The titles of `docs` as a query is compared with them, kept on each doc: those not kept yet are
     normalised in one call (joined by NULs, which no title holds and NFKC leaves alone), not one
     call each (852 docs for 工程 at N = 1,000 took 4 ms one by one in the first query). */
  titleKeys(docs) {
    const missing = docs.filter(doc => doc.titleKey === undefined)
    if (!missing.length) return
    const keys = this.normalize(missing.map(doc => visible(stripTags(doc.title))).join("\0")).split("\0")
    missing.forEach((doc, at) => { doc.titleKey = keys[at].replace(/\s+/g, "") })
  }

  /* The text chunks holding `docs` whose texts have not arrived. */
  chunksOf(docs) {
    return [...new Set(docs.filter(doc => doc.text === undefined).map(doc => doc.chunk))]
  }

  /* The postings of `docs`, cut here: for an index the build did not cut (kb.search_tokens cuts
     by these rules in Python, and a test checks that both agree). */
  cut(docs) {
    const postings = new Map(), last = new Map()
    for (const [index, doc] of docs.entries()) {
      for (const [field, text] of [[0, doc.title], [1, doc.text]]) {
        const counts = new Map()
        for (const token of this.tokenize(stripTags(text || ""))) {
          counts.set(token, (counts.get(token) || 0) + 1)
        }
        for (const [token, count] of counts) {
          if (!postings.has(token)) postings.set(token, [])
          postings.get(token).push(index - (last.get(token) || 0), count * 2 + field)
          last.set(token, index)
        }
      }
    }
    return postings
  }

  normalize(text) {
    text = text.normalize("NFKC").toLowerCase().replace(/[’‘]/g, "'")
    return this.t2s.size ? text.replace(HAN_CHAR, char => this.t2s.get(char) || char) : text
  }

  tokenize(text) {
    return this.normalize(text)
      .split(this.separator)
      .flatMap(part => HAN.test(part) ? [part] : part.split(/[^\p{L}\p{N}'+#]+/u))
      .map(token => stem(token.replace(/^'+|'+$/g, "")))
      .filter(token => token.length > 0)
  }

  /* Han text of a query: whole if indexed, else one edit from an indexed word, else longest-first. */
  segment(run) {
    if (this.hanVocabulary.has(run)) return [run]
    if (run.length >= 3) {
      const near = this.nearest(run, [...this.hanVocabulary].filter(t => t.length === run.length), 1)
      if (near) return [run]
    }
    const words = []
    for (let start = 0; start < run.length;) {
      let end = Math.min(run.length, start + this.longestHan)
      while (end > start + 1 && !this.hanVocabulary.has(run.slice(start, end))) end--
      words.push(run.slice(start, end))
      start = end
    }
    return words
  }

  queryTerms(query) {
    const terms = []
    for (const part of this.normalize(query).split(this.separator)) {
      let rest = part
      for (const run of part.match(HAN_RUN) || []) {
        terms.push(...this.segment(run))
        rest = rest.replace(run, " ")
      }
      terms.push(...rest.split(/[^\p{L}\p{N}'+#]+/u).map(t => stem(t.replace(/^'+|'+$/g, ""))))
    }
    const unique = [...new Set(terms.filter(term => term.length > 0))]
    const content = unique.filter(term => !STOP.has(term))
    return content.length ? content : unique
  }

  nearest(term, candidates, limit) {
    let best = null, bestDistance = limit + 1
    for (const candidate of candidates) {
      const d = distance(term, candidate, limit)
      if (d < bestDistance || (d === bestDistance && best !== null && candidate < best)) {
        best = candidate
        bestDistance = d
      }
    }
    return bestDistance <= limit ? best : null
  }

  /* Indexed tokens that a query term stands for, each with the quality of the match. */
  expand(term, isLast) {
    const found = new Map()
    if (this.known.has(term)) found.set(term, QUALITY.exact)
    const han = HAN.test(term)
    for (const token of this.vocabulary) {
      if (token === term) continue
      if (han ? token.includes(term) : (token.startsWith(term) && (isLast || term.length >= 3)))
        found.set(token, han ? QUALITY.contains : QUALITY.prefix)
    }
    if (found.size === 0) {
      const limit = han ? 1 : term.length >= 8 ? 2 : term.length >= 4 ? 1 : 0
      const pool = this.vocabulary.filter(t => HAN.test(t) === han && (!han || t.length === term.length))
      const near = limit > 0 && (!han || term.length >= 2) ? this.nearest(term, pool, limit) : null
      if (near) found.set(near, QUALITY.fuzzy)
    }
    return found
  }

  /* The whole result of `query`, every text in it. */
  async search(query) {
    const { data, later } = await this.answer(query)
    for (const [group, item, text] of await later()) data.items[group][item].text = text
    return data
  }

  /* The result of `query` as `data` for a RESULT message, in which only the first pages Material
     renders at once have their texts, and `later`, which fetches the other texts (given `wanted`,
     one chunk after the other while `wanted()` holds: a newer query makes them useless) and gives
     them as [group, item, text], or null if it gave up: what a TEXTS message carries
     (kb-search-client.js fills them in before Material renders those pages, as the list scrolls).
     Over the whole index, every text is there at once. */
  async answer(query) {
    const nothing = { data: { items: [] }, later: async () => [] }
    const terms = this.queryTerms(query)
    if (!terms.length) return nothing
    const expanded = terms.map((term, position) => this.expand(term, position === terms.length - 1))
    await this.loadPostings(expanded.flatMap(found => [...found.keys()]))
    const total = this.docs.length
    const scores = new Map()           /* doc -> {score, matched: Set(term), tokens: Set} */
    for (const [position, term] of terms.entries()) {
      for (const [token, quality] of expanded[position]) {
        const entries = this.postings.get(token)
        const idf = Math.log(1 + total / (entries.length / 2))
        for (let at = 0, doc = 0; at < entries.length; at += 2) {
          doc += entries[at]
          const field = entries[at + 1] & 1, count = entries[at + 1] >> 1
          /* No length normalisation (as Material's b(0)): a long answer is not less relevant. */
          const weight = (field === 0 ? TITLE_WEIGHT : 1) * (1 + Math.log(count))
          const entry = scores.get(doc) || { score: 0, matched: new Map(), tokens: new Set() }
          const gain = idf * weight * quality
          entry.matched.set(term, Math.max(entry.matched.get(term) || 0, gain))
          entry.tokens.add(token)
          scores.set(doc, entry)
        }
      }
    }
    const coverage = [...scores.values()].reduce((most, entry) => Math.max(most, entry.matched.size), 0)
    const normalizedQuery = this.normalize(query).replace(/\s+/g, "")
    const items = []
    const found = [...scores].filter(([, entry]) => entry.matched.size >= coverage)
    this.titleKeys(found.map(([index]) => this.docs[index]))
    for (const [index, entry] of found) {
      const doc = this.docs[index]
      let score = [...entry.matched.values()].reduce((sum, gain) => sum + gain, 0)
      const title = doc.titleKey
      if (title === normalizedQuery) score *= 10
      else if (normalizedQuery.length > 1 && title.includes(normalizedQuery)) score *= 2
      score *= (doc.boost || 1) * (doc.parent ? 0.9 : 1)
      items.push({ doc, score, tokens: entry.tokens })
    }
    /* Ties by location in code-unit order: localeCompare's first call sets up a collator (6 ms). */
    items.sort((a, b) => b.score - a.score || (a.doc.location < b.doc.location ? -1 : a.doc.location > b.doc.location ? 1 : 0))
    const pages = this.group(items, terms)
    const shown = pages.slice(0, RENDERED_AT_ONCE).flat()
    await this.loadTexts(shown.map(entry => entry.doc))
    const data = { items: pages.map(page => page.map(entry => this.item(entry))) }
    const waiting = pages.flatMap((page, group) => page.map((entry, item) => ({ entry, group, item })))
      .filter(({ entry }) => entry.doc.text === undefined)
    const later = async (wanted = null) => {
      await this.loadTexts(waiting.map(({ entry }) => entry.doc), wanted)
      if (wanted && !wanted()) return null
      return waiting.map(({ entry, group, item }) => [group, item, this.item(entry).text])
    }
    return { data, later }
  }

  /* Results grouped by page, best page first, each holding its article first: per entry of the
     result its doc, score, the tokens to mark and which query terms the page matched. */
  group(items, terms) {
    const groups = new Map()
    for (const item of items) {
      const page = item.doc.parent ? item.doc.parent.location : item.doc.location
      if (!groups.has(page)) groups.set(page, [])
      groups.get(page).push(item)
    }
    const result = []
    for (const [page, members] of groups) {
      const tokens = new Set(members.flatMap(member => [...member.tokens]))
      const flags = Object.fromEntries(terms.map(term => [term,
        [...tokens].some(token => token === term || token.includes(term) || term.includes(token))]))
      const out = members.map(member => ({ doc: member.doc, score: member.score, tokens, flags }))
      if (!members.some(member => member.doc.location === page)) {  /* sections only: add their page */
        out.push({ doc: members[0].doc.parent, score: 0, tokens, flags })
      }
      result.push(out)
    }
    return result
  }

  /* One item of Material's result: its text is empty while the entry's text has not arrived. */
  item({ doc, score, tokens, flags }) {
    return {
      location: doc.location,
      title: this.highlight(visible(doc.title), tokens),
      text: this.highlight(visible(doc.text || ""), tokens),
      ...(doc.tags ? { tags: doc.tags } : {}),
      score,
      terms: flags
    }
  }

  highlight(html, tokens) {
    if (!this.patterns.has(tokens)) {  /* compiled once per result page, not once per title and text */
      const words = [...tokens].filter(token => token.length > 1 || HAN.test(token))
        .sort((a, b) => b.length - a.length).map(escapeRegExp)
      this.patterns.set(tokens, words.length ? new RegExp(`(${words.join("|")})`, "giu") : null)
    }
    const pattern = this.patterns.get(tokens)
    if (!pattern) return html
    return html.split(/(<[^>]*>)/).map(part => part.startsWith("<") ? part : part.replace(pattern, "<mark>$1</mark>")).join("")
  }
}

/* The engine itself, for a page that runs this script (tests compare its cut with the build's). */
scope.KbSearchEngine = Engine

})(typeof WorkerGlobalScope === "function" && self instanceof WorkerGlobalScope ? self : window.__kbWorkerScope)
