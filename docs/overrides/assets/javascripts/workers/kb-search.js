/*
 * The knowledge base's search engine, running behind Material's own search box and result list.
 *
 * It speaks the protocol of Material's search worker (SETUP -> READY, QUERY -> RESULT with
 * `items: SearchItem[][]`), so the interface, its markup and its keyboard handling stay Material's.
 * The build cuts the index (scripts/kb/search_tokens.py, by the rules of `tokenize` below), so that
 * opening it here only reads the postings. What differs from Material is matching (README, "Search",
 * gives the measurements behind each rule):
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
const STOP = new Set(["的", "了", "是", "在", "和", "the", "a", "an", "of", "and", "or", "to", "in", "is", "what"])

let engine = null

scope.onmessage = event => {
  const message = event.data
  if (message.type === SETUP) {
    engine = new Engine(message.data)
    scope.postMessage({ type: READY })
  } else if (message.type === QUERY) {
    scope.postMessage({ type: RESULT, data: engine ? engine.search(message.data) : { items: [] } })
  }
}

function stripTags(html) {
  return html.replace(/<[^>]*>/g, " ")
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"")
    .replace(/&#39;|&#x27;/g, "'").replace(/&amp;/g, "&")
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

  constructor({ config, docs }) {
    this.separator = new RegExp(config.separator, "gu")
    this.t2s = (config.kb && config.kb.t2s) || {}
    const traditional = Object.keys(this.t2s).filter(char => [...char].length === 1)
    this.traditional = traditional.length ? new RegExp(`[${traditional.map(escapeRegExp).join("")}]`, "gu") : null
    this.docs = docs.map(doc => ({ ...doc }))
    this.byLocation = new Map()
    for (const doc of this.docs) {
      const [page] = doc.location.split("#")
      const article = this.byLocation.get(page)
      if (article && doc.location.includes("#")) doc.parent = article
      this.byLocation.set(doc.location, doc)
      doc.normalizedTitle = this.normalize(stripTags(doc.title)).replace(/\s+/g, "")
    }
    /* token -> [gap, code, gap, code, ...]: per field of a doc holding it, the doc's number less the
       previous pair's, and twice the count plus the field (kb.search_tokens.postings). The build
       cuts the index, so that opening it does not. */
    this.postings = config.kb && config.kb.postings ? new Map(config.kb.postings) : this.cut(this.docs)
    this.vocabulary = [...this.postings.keys()]
    this.hanVocabulary = new Set(this.vocabulary.filter(token => HAN.test(token)))
    this.longestHan = [...this.hanVocabulary].reduce((most, token) => Math.max(most, token.length), 1)
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
    return this.traditional ? text.replace(this.traditional, char => this.t2s[char]) : text
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
    if (this.postings.has(term)) found.set(term, QUALITY.exact)
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

  search(query) {
    const terms = this.queryTerms(query)
    if (!terms.length) return { items: [] }
    const total = this.docs.length
    const scores = new Map()           /* doc -> {score, matched: Set(term), tokens: Set} */
    for (const [position, term] of terms.entries()) {
      for (const [token, quality] of this.expand(term, position === terms.length - 1)) {
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
    for (const [index, entry] of scores) {
      if (entry.matched.size < coverage) continue
      const doc = this.docs[index]
      let score = [...entry.matched.values()].reduce((sum, gain) => sum + gain, 0)
      if (doc.normalizedTitle === normalizedQuery) score *= 10
      else if (normalizedQuery.length > 1 && doc.normalizedTitle.includes(normalizedQuery)) score *= 2
      score *= (doc.boost || 1) * (doc.parent ? 0.9 : 1)
      items.push({ doc, score, tokens: entry.tokens })
    }
    items.sort((a, b) => b.score - a.score || a.doc.location.localeCompare(b.doc.location))
    return { items: this.group(items, terms) }
  }

  /* Results grouped by page, best page first, each group holding its article first. */
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
      const flags = Object.fromEntries(terms.map(term => [term, members.some(m =>
        [...m.tokens].some(token => token === term || token.includes(term) || term.includes(token)))]))
      const render = (doc, score) => ({
        location: doc.location,
        title: this.highlight(doc.title, tokens),
        text: this.highlight(doc.text || "", tokens),
        ...(doc.tags ? { tags: doc.tags } : {}),
        score,
        terms: flags
      })
      const out = members.map(member => render(member.doc, member.score))
      if (!members.some(member => member.doc.location === page)) {
        const article = this.byLocation.get(page)
        if (article) out.push(render(article, 0))
      }
      result.push(out)
    }
    return result
  }

  highlight(html, tokens) {
    const words = [...tokens].filter(token => token.length > 1 || HAN.test(token))
      .sort((a, b) => b.length - a.length).map(escapeRegExp)
    if (!words.length) return html
    const pattern = new RegExp(`(${words.join("|")})`, "giu")
    return html.split(/(<[^>]*>)/).map(part => part.startsWith("<") ? part : part.replace(pattern, "<mark>$1</mark>")).join("")
  }
}

/* The engine itself, for a page that runs this script (tests compare its cut with the build's). */
scope.KbSearchEngine = Engine

})(typeof WorkerGlobalScope === "function" && self instanceof WorkerGlobalScope ? self : window.__kbWorkerScope)
