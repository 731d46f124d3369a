/*
 * Reading an answer: the parallel view (中英对照) and "copy citation"; on every page, the link
 * targets that print shows after each link.
 *
 * The answer body comes from the generator already paired, paragraph by paragraph (.kb-pair with
 * the anchor #pN, one .kb-text per language), so this script only switches the other language's
 * column on and off and remembers the choice; without JavaScript the page shows its own language.
 * The citation data (author, titles, the original's URL, the wording in the page's language) is
 * in the body's data-kb-cite attribute.
 */
(() => {
  "use strict"

  // Printed pages show where each link leads (see kb.css, @media print). Glossary links, anchors
  // within the page and footnote marks are left out: their targets are on the page or in the glossary.
  for (const link of document.querySelectorAll("article a[href]")) {
    const href = link.getAttribute("href")
    if (href.startsWith("#") || link.matches(".kb-term, .headerlink, .footnote-ref, .footnote-backref, .md-content__button"))
      continue
    link.dataset.kbHref = link.href
  }

  const body = document.querySelector(".kb-body[data-kb-cite]")
  if (!body) return
  const cite = JSON.parse(body.dataset.kbCite)
  const labels = cite.labels
  const STORAGE_KEY = "kb.parallel"

  const button = (text, className) => {
    const element = document.createElement("button")
    element.type = "button"
    element.className = className
    element.textContent = text
    return element
  }

  const bar = document.createElement("div")
  bar.className = "kb-reading"
  const parallel = button(labels.parallel, "md-button kb-reading__parallel")
  const whole = button(labels.cite_answer, "md-button kb-reading__cite")
  const status = document.createElement("p")
  status.className = "kb-reading__status"
  status.setAttribute("role", "status")
  bar.append(parallel, whole, status)
  body.before(bar)

  // Parallel view: a class on <html>, so that the translator's notes below the body follow too.
  function showParallel(on, remember) {
    document.documentElement.classList.toggle("kb-parallel", on)
    parallel.setAttribute("aria-pressed", String(on))
    if (remember) {
      try { window.localStorage.setItem(STORAGE_KEY, on ? "1" : "0") } catch { /* storage disabled */ }
    }
  }
  let stored = null
  try { stored = window.localStorage.getItem(STORAGE_KEY) } catch { /* storage disabled */ }
  showParallel(stored === "1", false)
  parallel.addEventListener("click", () => showParallel(parallel.getAttribute("aria-pressed") !== "true", true))

  // Citations, in the page's language, with the reader's date of access.
  const today = () => {
    const now = new Date()
    const two = n => String(n).padStart(2, "0")
    return `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`
  }
  const pageURL = hash => {
    const canonical = document.querySelector("link[rel=canonical]")
    const url = new URL(canonical ? canonical.href : window.location.href)
    url.search = ""
    url.hash = hash
    return url.href
  }
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (all, key) => key in values ? values[key] : all)
  const common = () => ({ author: cite.author, title: cite.title, question: cite.question, source: cite.source,
                          date: today() })
  const plain = element => {
    const copy = element.cloneNode(true)
    for (const mark of copy.querySelectorAll("sup")) mark.remove()  // footnote marks
    return copy.textContent.replace(/\s+/g, " ").trim()
  }

  function announce(text) {
    status.textContent = ""
    window.setTimeout(() => { status.textContent = text }, 50)  // re-announced even if unchanged
  }

  async function copy(text) {
    try {
      await navigator.clipboard.writeText(text)
      announce(labels.cite_copied)
      return
    } catch { /* no clipboard API here (an old browser, or permission refused): fall back */ }
    const area = document.createElement("textarea")
    area.className = "kb-reading__fallback"
    area.value = text
    area.readOnly = true
    bar.append(area)
    area.select()
    let copied = false
    try { copied = document.execCommand("copy") } catch { copied = false }
    if (copied) {
      area.remove()
      announce(labels.cite_copied)
    } else {
      announce(labels.cite_failed)  // the text stays selected in view for the reader to copy
    }
  }

  whole.addEventListener("click", () => copy(fill(cite.whole, { ...common(), url: pageURL("") })))
  body.querySelectorAll(".kb-pair").forEach((pair, index) => {
    const own = pair.querySelector(".kb-text--own")
    const action = button(labels.cite_paragraph, "kb-cite")
    action.setAttribute("aria-label", fill(labels.cite_paragraph_label, { n: index + 1 }))
    action.addEventListener("click", () =>
      copy(fill(cite.quote, { ...common(), quote: plain(own), url: pageURL(pair.id) })))
    pair.append(action)
  })
})()
