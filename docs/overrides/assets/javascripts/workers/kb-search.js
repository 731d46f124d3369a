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
/* Per field of the postings (kb.search.tokens.FIELDS): title, text, an answer's metadata, and the
   paired page in the other language, which finds the page but weighs little. */
const FIELDS = 4
const FIELD_WEIGHT = [TITLE_WEIGHT, 1, 1, 0.3]
/* Aggregate pages (lists, stances, themes, glossary: a boost below 1) that only quote what an entry
   says rank below it: their score is multiplied by this when an entry holds every query word in its
   own text, unless the page's title is the query itself (a glossary term, a stance's name). */
const QUOTED = 0.2
/* A page whose text holds a Han query word for word (across jieba's word boundaries). */
const PHRASE = 3
const PHRASE_CHECKED = 30
const PREVIEW = 160     /* characters of the matched sentence shown, about */
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

function escapeHTML(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
}

/* Diacritics dropped (Gödel -> godel): as kb.search.tokens.fold. */
function fold(text) {
  const decomposed = text.normalize("NFKD")
  return /\p{Mn}/u.test(decomposed) ? decomposed.replace(/\p{Mn}/gu, "").normalize("NFC") : text
}

/* The same for index and query (kb.search.tokens.stem): English words by Snowball's English
   stemmer (generated below from snowballstemmer, which the build uses), others lightly. */
const LATIN = /^[a-z']+$/
const stems = new Map()
function stem(word) {
  if (LATIN.test(word)) {
    let found = stems.get(word)
    if (found === undefined) {
      found = english.stemWord(word) || word
      if (stems.size < 100000) stems.set(word, found)
    }
    return found
  }
  return lightStem(word)
}

function lightStem(word) {
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

/* BEGIN generated English stemmer (python -m kb.search.stemmer_js) */
class SnowballBase {
  setCurrent(value) { this.current = value; this.cursor = 0; this.limit = value.length; this.limit_backward = 0; this.bra = 0; this.ket = this.limit }
  in_grouping(s) { if (this.cursor >= this.limit || !s.includes(this.current[this.cursor])) return false; this.cursor++; return true }
  go_in_grouping(s) { while (this.cursor < this.limit) { if (!s.includes(this.current[this.cursor])) return true; this.cursor++ } return false }
  in_grouping_b(s) { if (this.cursor <= this.limit_backward || !s.includes(this.current[this.cursor - 1])) return false; this.cursor--; return true }
  go_in_grouping_b(s) { while (this.cursor > this.limit_backward) { if (!s.includes(this.current[this.cursor - 1])) return true; this.cursor-- } return false }
  out_grouping(s) { if (this.cursor >= this.limit) return false; if (!s.includes(this.current[this.cursor])) { this.cursor++; return true } return false }
  go_out_grouping(s) { while (this.cursor < this.limit) { if (s.includes(this.current[this.cursor])) return true; this.cursor++ } return false }
  out_grouping_b(s) { if (this.cursor <= this.limit_backward) return false; if (!s.includes(this.current[this.cursor - 1])) { this.cursor--; return true } return false }
  go_out_grouping_b(s) { while (this.cursor > this.limit_backward) { if (s.includes(this.current[this.cursor - 1])) return true; this.cursor-- } return false }
  eq_s(s) { if (this.current.slice(this.cursor, this.limit).startsWith(s)) { this.cursor += s.length; return true } return false }
  eq_s_b(s) { if (this.current.slice(this.limit_backward, this.cursor).endsWith(s)) { this.cursor -= s.length; return true } return false }
  find_among(v) {
    let i = 0, j = v.length; const c = this.cursor, l = this.limit
    let common_i = 0, common_j = 0, first = false
    while (true) {
      const k = i + ((j - i) >> 1); let diff = 0, common = Math.min(common_i, common_j); const w = v[k]
      for (let i2 = common; i2 < w[0].length; i2++) {
        if (c + common === l) { diff = -1; break }
        diff = this.current.charCodeAt(c + common) - w[0].charCodeAt(i2)
        if (diff !== 0) break
        common++
      }
      if (diff < 0) { j = k; common_j = common } else { i = k; common_i = common }
      if (j - i <= 1) { if (i > 0 || j === i || first) break; first = true }
    }
    while (true) {
      const w = v[i]
      if (common_i >= w[0].length) { this.cursor = c + w[0].length; return w[2] }
      i = w[1]
      if (i < 0) return 0
    }
  }
  find_among_b(v) {
    let i = 0, j = v.length; const c = this.cursor, lb = this.limit_backward
    let common_i = 0, common_j = 0, first = false
    while (true) {
      const k = i + ((j - i) >> 1); let diff = 0, common = Math.min(common_i, common_j); const w = v[k]
      for (let i2 = w[0].length - 1 - common; i2 >= 0; i2--) {
        if (c - common === lb) { diff = -1; break }
        diff = this.current.charCodeAt(c - 1 - common) - w[0].charCodeAt(i2)
        if (diff !== 0) break
        common++
      }
      if (diff < 0) { j = k; common_j = common } else { i = k; common_i = common }
      if (j - i <= 1) { if (i > 0 || j === i || first) break; first = true }
    }
    while (true) {
      const w = v[i]
      if (common_i >= w[0].length) { this.cursor = c - w[0].length; return w[2] }
      i = w[1]
      if (i < 0) return 0
    }
  }
  replace_s(c_bra, c_ket, s) {
    const adjustment = s.length - (c_ket - c_bra)
    this.current = this.current.slice(0, c_bra) + s + this.current.slice(c_ket)
    this.limit += adjustment
    if (this.cursor >= c_ket) this.cursor += adjustment
    else if (this.cursor > c_bra) this.cursor = c_bra
    return adjustment
  }
  slice_from(s) { this.replace_s(this.bra, this.ket, s); this.ket = this.bra + s.length }
  slice_del() { this.slice_from("") }
  insert(c_bra, c_ket, s) { const a = this.replace_s(c_bra, c_ket, s); if (c_bra <= this.bra) this.bra += a; if (c_bra <= this.ket) this.ket += a }
  stemWord(word) { this.setCurrent(word); this._stem(); return this.current }
}
class EnglishStemmer extends SnowballBase {
  r_prelude() {
        this.B_Y_found = false
        var v_1 = this.cursor
        L1: {
            this.bra = this.cursor
            if (this.cursor == this.limit || this.current[this.cursor] != "'") {
                break L1
            }
            this.cursor += 1
            this.ket = this.cursor
            this.slice_del()
        }
        this.cursor = v_1
        var v_2 = this.cursor
        L2: {
            this.bra = this.cursor
            if (this.cursor == this.limit || this.current[this.cursor] != "y") {
                break L2
            }
            this.cursor += 1
            this.ket = this.cursor
            this.slice_from("Y")
            this.B_Y_found = true
        }
        this.cursor = v_2
        var v_3 = this.cursor
        L3: {
            while (true) {
                var v_4 = this.cursor
                L4: {
                    while (true) {
                        var v_5 = this.cursor
                        L5: {
                            if (!this.in_grouping(EnglishStemmer.g_v)) {
                                break L5
                            }
                            this.bra = this.cursor
                            if (this.cursor == this.limit || this.current[this.cursor] != "y") {
                                break L5
                            }
                            this.cursor += 1
                            this.ket = this.cursor
                            this.cursor = v_5
                            break
                        }
                        this.cursor = v_5
                        if (this.cursor >= this.limit) {
                            break L4
                        }
                        this.cursor += 1
                    }
                    this.slice_from("Y")
                    this.B_Y_found = true
                    continue
                }
                this.cursor = v_4
                break
            }
        }
        this.cursor = v_3
        return true
  }
  r_mark_regions() {
        this.I_p1 = this.limit
        this.I_p2 = this.limit
        var v_1 = this.cursor
        L6: {
            while (true) {
                var v_2 = this.cursor
                L7: {
                    if (this.find_among(EnglishStemmer.a_0) == 0) {
                        break L7
                    }
                    break
                }
                this.cursor = v_2
                if (!this.go_out_grouping(EnglishStemmer.g_v)) {
                    break L6
                }
                this.cursor += 1
                if (!this.go_in_grouping(EnglishStemmer.g_v)) {
                    break L6
                }
                this.cursor += 1
                break
            }
            this.I_p1 = this.cursor
            if (!this.go_out_grouping(EnglishStemmer.g_v)) {
                break L6
            }
            this.cursor += 1
            if (!this.go_in_grouping(EnglishStemmer.g_v)) {
                break L6
            }
            this.cursor += 1
            this.I_p2 = this.cursor
        }
        this.cursor = v_1
        return true
  }
  r_shortv() {
        while (true) {
            var v_1 = this.limit - this.cursor
            L8: {
                if (!this.out_grouping_b(EnglishStemmer.g_v_WXY)) {
                    break L8
                }
                if (!this.in_grouping_b(EnglishStemmer.g_v)) {
                    break L8
                }
                if (!this.out_grouping_b(EnglishStemmer.g_v)) {
                    break L8
                }
                break
            }
            this.cursor = this.limit - v_1
            L9: {
                if (!this.out_grouping_b(EnglishStemmer.g_v)) {
                    break L9
                }
                if (!this.in_grouping_b(EnglishStemmer.g_v)) {
                    break L9
                }
                if (this.cursor > this.limit_backward) {
                    break L9
                }
                break
            }
            this.cursor = this.limit - v_1
            if (!this.eq_s_b("past")) {
                return false
            }
            break
        }
        return true
  }
  r_R1() {
        return this.I_p1 <= this.cursor
  }
  r_R2() {
        return this.I_p2 <= this.cursor
  }
  r_Step_1a() {
        var v_1 = this.limit - this.cursor
        L10: {
            this.ket = this.cursor
            if (this.find_among_b(EnglishStemmer.a_1) == 0) {
                this.cursor = this.limit - v_1
                break L10
            }
            this.bra = this.cursor
            this.slice_del()
        }
        this.ket = this.cursor
        var among_var = this.find_among_b(EnglishStemmer.a_2)
        if (among_var == 0) {
            return false
        }
        this.bra = this.cursor
        if (among_var == 1) {
            this.slice_from("ss")
        }
        else if (among_var == 2) {
            while (true) {
                var v_2 = this.limit - this.cursor
                L11: {
                    if (this.cursor - 2 < this.limit_backward) {
                        break L11
                    }
                    this.cursor -= 2
                    this.slice_from("i")
                    break
                }
                this.cursor = this.limit - v_2
                this.slice_from("ie")
                break
            }
        }
        else if (among_var == 3) {
            if (this.cursor <= this.limit_backward) {
                return false
            }
            this.cursor -= 1
            if (!this.go_out_grouping_b(EnglishStemmer.g_v)) {
                return false
            }
            this.cursor -= 1
            this.slice_del()
        }
        return true
  }
  r_Step_1b() {
        this.ket = this.cursor
        var among_var = this.find_among_b(EnglishStemmer.a_5)
        this.bra = this.cursor
        while (true) {
            var v_1 = this.limit - this.cursor
            L12: {
                if (among_var == 1) {
                    var v_2 = this.limit - this.cursor
                    L13: {
                        if (!this.r_R1()) {
                            break L13
                        }
                        while (true) {
                            var v_3 = this.limit - this.cursor
                            L14: {
                                if (this.find_among_b(EnglishStemmer.a_3) == 0) {
                                    break L14
                                }
                                if (this.cursor > this.limit_backward) {
                                    break L14
                                }
                                break
                            }
                            this.cursor = this.limit - v_3
                            this.slice_from("ee")
                            break
                        }
                    }
                    this.cursor = this.limit - v_2
                }
                else if (among_var == 2) {
                    break L12
                }
                else if (among_var == 3) {
                    var among_var = this.find_among_b(EnglishStemmer.a_4)
                    if (among_var == 0) {
                        break L12
                    }
                    if (among_var == 1) {
                        var v_4 = this.limit - this.cursor
                        if (!this.out_grouping_b(EnglishStemmer.g_v)) {
                            break L12
                        }
                        if (this.cursor > this.limit_backward) {
                            break L12
                        }
                        this.cursor = this.limit - v_4
                        this.bra = this.cursor
                        this.slice_from("ie")
                    }
                    else {
                        if (this.cursor > this.limit_backward) {
                            break L12
                        }
                    }
                }
                break
            }
            this.cursor = this.limit - v_1
            var v_5 = this.limit - this.cursor
            if (!this.go_out_grouping_b(EnglishStemmer.g_v)) {
                return false
            }
            this.cursor -= 1
            this.cursor = this.limit - v_5
            this.slice_del()
            this.ket = this.cursor
            this.bra = this.cursor
            var v_6 = this.limit - this.cursor
            var among_var = this.find_among_b(EnglishStemmer.a_6)
            if (among_var == 1) {
                this.slice_from("e")
                return false
            }
            else if (among_var == 2) {
                var v_7 = this.limit - this.cursor
                L15: {
                    if (!this.in_grouping_b(EnglishStemmer.g_aeo)) {
                        break L15
                    }
                    if (this.cursor > this.limit_backward) {
                        break L15
                    }
                    return false
                }
                this.cursor = this.limit - v_7
            }
            else {
                if (this.cursor != this.I_p1) {
                    return false
                }
                var v_8 = this.limit - this.cursor
                if (!this.r_shortv()) {
                    return false
                }
                this.cursor = this.limit - v_8
                this.slice_from("e")
                return false
            }
            this.cursor = this.limit - v_6
            this.ket = this.cursor
            if (this.cursor <= this.limit_backward) {
                return false
            }
            this.cursor -= 1
            this.bra = this.cursor
            this.slice_del()
            break
        }
        return true
  }
  r_Step_1c() {
        this.ket = this.cursor
        while (true) {
            L16: {
                if (this.cursor <= this.limit_backward || this.current[this.cursor - 1] != "y") {
                    break L16
                }
                this.cursor -= 1
                break
            }
            if (this.cursor <= this.limit_backward || this.current[this.cursor - 1] != "Y") {
                return false
            }
            this.cursor -= 1
            break
        }
        this.bra = this.cursor
        if (!this.out_grouping_b(EnglishStemmer.g_v)) {
            return false
        }
        if (this.cursor <= this.limit_backward) {
            return false
        }
        this.slice_from("i")
        return true
  }
  r_Step_2() {
        this.ket = this.cursor
        var among_var = this.find_among_b(EnglishStemmer.a_7)
        if (among_var == 0) {
            return false
        }
        this.bra = this.cursor
        if (!this.r_R1()) {
            return false
        }
        if (among_var == 1) {
            this.slice_from("tion")
        }
        else if (among_var == 2) {
            this.slice_from("ence")
        }
        else if (among_var == 3) {
            this.slice_from("ance")
        }
        else if (among_var == 4) {
            this.slice_from("able")
        }
        else if (among_var == 5) {
            this.slice_from("ent")
        }
        else if (among_var == 6) {
            this.slice_from("ize")
        }
        else if (among_var == 7) {
            this.slice_from("ate")
        }
        else if (among_var == 8) {
            this.slice_from("al")
        }
        else if (among_var == 9) {
            this.slice_from("ful")
        }
        else if (among_var == 10) {
            this.slice_from("ous")
        }
        else if (among_var == 11) {
            this.slice_from("ive")
        }
        else if (among_var == 12) {
            this.slice_from("ble")
        }
        else if (among_var == 13) {
            this.slice_from("og")
        }
        else if (among_var == 14) {
            if (this.cursor <= this.limit_backward || this.current[this.cursor - 1] != "l") {
                return false
            }
            this.cursor -= 1
            this.slice_from("og")
        }
        else if (among_var == 15) {
            this.slice_from("less")
        }
        else {
            if (!this.in_grouping_b(EnglishStemmer.g_valid_LI)) {
                return false
            }
            this.slice_del()
        }
        return true
  }
  r_Step_3() {
        this.ket = this.cursor
        var among_var = this.find_among_b(EnglishStemmer.a_8)
        if (among_var == 0) {
            return false
        }
        this.bra = this.cursor
        if (!this.r_R1()) {
            return false
        }
        if (among_var == 1) {
            this.slice_from("tion")
        }
        else if (among_var == 2) {
            this.slice_from("ate")
        }
        else if (among_var == 3) {
            this.slice_from("al")
        }
        else if (among_var == 4) {
            this.slice_from("ic")
        }
        else if (among_var == 5) {
            this.slice_del()
        }
        else {
            if (!this.r_R2()) {
                return false
            }
            this.slice_del()
        }
        return true
  }
  r_Step_4() {
        this.ket = this.cursor
        var among_var = this.find_among_b(EnglishStemmer.a_9)
        if (among_var == 0) {
            return false
        }
        this.bra = this.cursor
        if (!this.r_R2()) {
            return false
        }
        if (among_var == 1) {
            this.slice_del()
        }
        else {
            while (true) {
                L17: {
                    if (this.cursor <= this.limit_backward || this.current[this.cursor - 1] != "s") {
                        break L17
                    }
                    this.cursor -= 1
                    break
                }
                if (this.cursor <= this.limit_backward || this.current[this.cursor - 1] != "t") {
                    return false
                }
                this.cursor -= 1
                break
            }
            this.slice_del()
        }
        return true
  }
  r_Step_5() {
        this.ket = this.cursor
        var among_var = this.find_among_b(EnglishStemmer.a_10)
        if (among_var == 0) {
            return false
        }
        this.bra = this.cursor
        if (among_var == 1) {
            while (true) {
                L18: {
                    if (!this.r_R2()) {
                        break L18
                    }
                    break
                }
                if (!this.r_R1()) {
                    return false
                }
                var v_1 = this.limit - this.cursor
                L19: {
                    if (!this.r_shortv()) {
                        break L19
                    }
                    return false
                }
                this.cursor = this.limit - v_1
                break
            }
            this.slice_del()
        }
        else {
            if (!this.r_R2()) {
                return false
            }
            if (this.cursor <= this.limit_backward || this.current[this.cursor - 1] != "l") {
                return false
            }
            this.cursor -= 1
            this.slice_del()
        }
        return true
  }
  r_exception1() {
        this.bra = this.cursor
        var among_var = this.find_among(EnglishStemmer.a_11)
        if (among_var == 0) {
            return false
        }
        this.ket = this.cursor
        if (this.cursor < this.limit) {
            return false
        }
        if (among_var > 0) {
            this.slice_from(EnglishStemmer.as_11[among_var - 1])
        }
        return true
  }
  r_postlude() {
        if (!this.B_Y_found) {
            return false
        }
        while (true) {
            var v_1 = this.cursor
            L20: {
                while (true) {
                    var v_2 = this.cursor
                    L21: {
                        this.bra = this.cursor
                        if (this.cursor == this.limit || this.current[this.cursor] != "Y") {
                            break L21
                        }
                        this.cursor += 1
                        this.ket = this.cursor
                        this.cursor = v_2
                        break
                    }
                    this.cursor = v_2
                    if (this.cursor >= this.limit) {
                        break L20
                    }
                    this.cursor += 1
                }
                this.slice_from("y")
                continue
            }
            this.cursor = v_1
            break
        }
        return true
  }
  _stem() {
        while (true) {
            var v_1 = this.cursor
            L22: {
                if (!this.r_exception1()) {
                    break L22
                }
                break
            }
            this.cursor = v_1
            L23: {
                L24: {
                    if (this.cursor + 3 > this.limit) {
                        break L24
                    }
                    this.cursor += 3
                    break L23
                }
                break
            }
            this.cursor = v_1
            this.r_prelude()
            this.r_mark_regions()
            this.limit_backward = this.cursor
            this.cursor = this.limit
            var v_2 = this.limit - this.cursor
            this.r_Step_1a()
            this.cursor = this.limit - v_2
            var v_3 = this.limit - this.cursor
            this.r_Step_1b()
            this.cursor = this.limit - v_3
            var v_4 = this.limit - this.cursor
            this.r_Step_1c()
            this.cursor = this.limit - v_4
            var v_5 = this.limit - this.cursor
            this.r_Step_2()
            this.cursor = this.limit - v_5
            var v_6 = this.limit - this.cursor
            this.r_Step_3()
            this.cursor = this.limit - v_6
            var v_7 = this.limit - this.cursor
            this.r_Step_4()
            this.cursor = this.limit - v_7
            var v_8 = this.limit - this.cursor
            this.r_Step_5()
            this.cursor = this.limit - v_8
            this.cursor = this.limit_backward
            var v_9 = this.cursor
            this.r_postlude()
            this.cursor = v_9
            break
        }
        return true
  }
}
EnglishStemmer.g_aeo = "aeo"
EnglishStemmer.g_v = "aeiouy"
EnglishStemmer.g_v_WXY = "Yaeiouwxy"
EnglishStemmer.g_valid_LI = "cdeghkmnrt"
EnglishStemmer.a_0 = [["arsen", -1, -1],["commun", -1, -1],["emerg", -1, -1],["gener", -1, -1],["inter", -1, -1],["later", -1, -1],["organ", -1, -1],["past", -1, -1],["univers", -1, -1]]
EnglishStemmer.a_1 = [["'", -1, 1],["'s'", 0, 1],["'s", -1, 1]]
EnglishStemmer.a_2 = [["ied", -1, 2],["s", -1, 3],["ies", 1, 2],["sses", 1, 1],["ss", 1, -1],["us", 1, -1]]
EnglishStemmer.a_3 = [["succ", -1, 1],["proc", -1, 1],["exc", -1, 1]]
EnglishStemmer.a_4 = [["even", -1, 2],["cann", -1, 2],["inn", -1, 2],["earr", -1, 2],["herr", -1, 2],["out", -1, 2],["y", -1, 1]]
EnglishStemmer.a_5 = [["", -1, -1],["ed", 0, 2],["eed", 1, 1],["ing", 0, 3],["edly", 0, 2],["eedly", 4, 1],["ingly", 0, 2]]
EnglishStemmer.a_6 = [["", -1, 3],["bb", 0, 2],["dd", 0, 2],["ff", 0, 2],["gg", 0, 2],["bl", 0, 1],["mm", 0, 2],["nn", 0, 2],["pp", 0, 2],["rr", 0, 2],["at", 0, 1],["tt", 0, 2],["iz", 0, 1]]
EnglishStemmer.a_7 = [["anci", -1, 3],["enci", -1, 2],["ogi", -1, 14],["li", -1, 16],["bli", 3, 12],["abli", 4, 4],["alli", 3, 8],["fulli", 3, 9],["lessli", 3, 15],["ousli", 3, 10],["entli", 3, 5],["aliti", -1, 8],["biliti", -1, 12],["iviti", -1, 11],["tional", -1, 1],["ational", 14, 7],["alism", -1, 8],["ation", -1, 7],["ization", 17, 6],["izer", -1, 6],["ator", -1, 7],["iveness", -1, 11],["fulness", -1, 9],["ousness", -1, 10],["ogist", -1, 13]]
EnglishStemmer.a_8 = [["icate", -1, 4],["ative", -1, 6],["alize", -1, 3],["iciti", -1, 4],["ical", -1, 4],["tional", -1, 1],["ational", 5, 2],["ful", -1, 5],["ness", -1, 5]]
EnglishStemmer.a_9 = [["ic", -1, 1],["ance", -1, 1],["ence", -1, 1],["able", -1, 1],["ible", -1, 1],["ate", -1, 1],["ive", -1, 1],["ize", -1, 1],["iti", -1, 1],["al", -1, 1],["ism", -1, 1],["ion", -1, 2],["er", -1, 1],["ous", -1, 1],["ant", -1, 1],["ent", -1, 1],["ment", 15, 1],["ement", 16, 1]]
EnglishStemmer.a_10 = [["e", -1, 1],["l", -1, 2]]
EnglishStemmer.a_11 = [["andes", -1, -1],["atlas", -1, -1],["bias", -1, -1],["cosmos", -1, -1],["early", -1, 6],["gently", -1, 4],["howe", -1, -1],["idly", -1, 3],["news", -1, -1],["only", -1, 7],["singly", -1, 8],["skies", -1, 2],["skis", -1, 1],["sky", -1, -1],["ugly", -1, 5]]
EnglishStemmer.as_11 = ["ski", "sky", "idl", "gentl", "ugli", "earli", "onli", "singl"]
/* END generated English stemmer */
const english = new EnglishStemmer()

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
      for (const [field, text] of [[0, doc.title], [1, doc.text], [2, doc.meta], [3, doc.other]]) {
        const counts = new Map()
        for (const token of this.tokenize(stripTags(text || ""))) {
          counts.set(token, (counts.get(token) || 0) + 1)
        }
        for (const [token, count] of counts) {
          if (!postings.has(token)) postings.set(token, [])
          postings.get(token).push(index - (last.get(token) || 0), count * FIELDS + field)
          last.set(token, index)
        }
      }
    }
    return postings
  }

  normalize(text) {
    text = text.normalize("NFKC").toLowerCase()
    if (/^[\x00-\x7f]*$/.test(text)) return text
    text = text.replace(/[’‘]/g, "'")
    if (this.t2s.size) text = text.replace(HAN_CHAR, char => this.t2s.get(char) || char)
    return fold(text)
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
    const scores = new Map()           /* doc -> {score, matched: Map(term), own: Set(term), tokens: Set} */
    for (const [position, term] of terms.entries()) {
      for (const [token, quality] of expanded[position]) {
        const entries = this.postings.get(token)
        const idf = Math.log(1 + total / (entries.length / 2))
        for (let at = 0, doc = 0; at < entries.length; at += 2) {
          doc += entries[at]
          const field = entries[at + 1] % FIELDS, count = Math.floor(entries[at + 1] / FIELDS)
          /* No length normalisation (as Material's b(0)): a long answer is not less relevant. */
          const weight = FIELD_WEIGHT[field] * (1 + Math.log(count))
          const entry = scores.get(doc) || { score: 0, matched: new Map(), own: new Set(), tokens: new Set() }
          const gain = idf * weight * quality
          entry.matched.set(term, Math.max(entry.matched.get(term) || 0, gain))
          if (field < 2) entry.own.add(term)
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
      items.push({ doc, score, tokens: entry.tokens, own: entry.own.size >= terms.length })
    }
    /* An entry that says it ranks above the aggregate pages that quote it; a glossary entry stays
       first only when the query is its term (its title). */
    if (items.some(item => item.own && !(item.doc.boost < 1)))
      for (const item of items)
        if (item.doc.boost < 1 && !item.doc.titleKey.startsWith(normalizedQuery)) item.score *= QUOTED
    /* Han words of a query that jieba cut apart at build time: the pages whose text holds them as
       typed, among the first, come first. */
    const phrases = (query.match(HAN_RUN) || []).map(run => this.normalize(run)).filter(run => run.length > 1)
    const words = terms.filter(term => !HAN.test(term))  /* English words, cut: in a row in the text */
    if ((phrases.length || words.length > 1) && terms.length > 1) {
      items.sort((a, b) => b.score - a.score)
      const checked = items.slice(0, PHRASE_CHECKED)
      await this.loadTexts(checked.map(item => item.doc))
      const row = words.join(" ")
      for (const item of checked) {
        const source = visible(stripTags(`${item.doc.title} ${item.doc.text || ""}`))
        const text = this.normalize(source).replace(/\s+/g, "")
        if (phrases.every(run => text.includes(run)) &&
            (words.length < 2 || ` ${this.tokenize(source).join(" ")} `.includes(` ${row} `))) item.score *= PHRASE
      }
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

  /* One item of Material's result: its text is empty while the entry's text has not arrived. Its
     text is a preview: the author (of an answer) and the sentence that best matches the query,
     the query's words marked; never the whole text. */
  item({ doc, score, tokens, flags }) {
    const author = doc.author || (doc.parent && doc.parent.author) || ""
    const sentence = this.preview(visible(doc.text || ""), tokens)
    const text = author || sentence
      ? `<p>${author ? `<strong class="kb-search-author">${escapeHTML(author)}</strong>${sentence ? " · " : ""}` : ""}${sentence}</p>`
      : ""
    return {
      location: doc.location,
      title: this.highlight(visible(doc.title), tokens),
      text,
      ...(doc.tags ? { tags: doc.tags } : {}),
      score,
      terms: flags
    }
  }

  /* The sentence of `html` (an entry's text) holding most of the query's tokens, cut to about
     PREVIEW characters around its first match, as HTML with the tokens marked. */
  preview(html, tokens) {
    if (!html) return ""
    const sentences = stripTags(html.replace(/<\/(p|li|pre)>/g, "\n")).split(/\n|(?<=[。！？；!?;]|\.(?=\s))\s*/u)
      .map(sentence => sentence.trim()).filter(Boolean)
    let best = null, bestCount = -1
    for (const sentence of sentences) {
      const marked = this.marks(sentence, tokens)
      const count = new Set(marked.map(([, , token]) => token)).size
      if (count > bestCount) { best = { sentence, marked }; bestCount = count }
    }
    if (!best) return ""
    let { sentence, marked } = best
    let start = 0, end = sentence.length
    if (end > PREVIEW) {
      const first = marked.length ? marked[0][0] : 0
      start = Math.max(0, Math.min(first - PREVIEW / 4, end - PREVIEW))
      end = Math.min(sentence.length, start + PREVIEW)
    }
    let out = start > 0 ? "…" : "", at = start
    for (const [from, to] of marked) {
      if (from < at || to > end) continue
      out += escapeHTML(sentence.slice(at, from)) + "<mark>" + escapeHTML(sentence.slice(from, to)) + "</mark>"
      at = to
    }
    return out + escapeHTML(sentence.slice(at, end)) + (end < sentence.length ? "…" : "")
  }

  /* Where `sentence` holds `tokens`, as [from, to, token] in order: a Latin word whose cut is a
     token (or starts with a token of three or more letters), and in a Han run each token found in
     it (the run read as simplified). */
  marks(sentence, tokens) {
    const found = []
    const han = [...tokens].filter(token => HAN.test(token))
    const latin = [...tokens].filter(token => !HAN.test(token))
    for (const match of sentence.matchAll(/\p{Script=Han}+|[\p{L}\p{N}'’+#]+/gu)) {
      const word = match[0], at = match.index
      if (HAN.test(word)) {
        const key = this.normalize(word)
        if (key.length !== word.length) continue
        const taken = new Array(word.length).fill(false)
        for (const token of han.sort((a, b) => b.length - a.length)) {
          for (let from = key.indexOf(token); from >= 0; from = key.indexOf(token, from + token.length)) {
            if (taken.slice(from, from + token.length).some(Boolean)) continue
            taken.fill(true, from, from + token.length)
            found.push([at + from, at + from + token.length, token])
          }
        }
      } else {
        const key = stem(this.normalize(word).replace(/^'+|'+$/g, ""))
        const token = latin.find(token => token === key || (token.length >= 3 && key.startsWith(token)))
        if (token) found.push([at, at + word.length, token])
      }
    }
    return found.sort((a, b) => a[0] - b[0])
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
