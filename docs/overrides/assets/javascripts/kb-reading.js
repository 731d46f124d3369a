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


  const lang = document.documentElement.lang === "en" ? "en" : "zh"
  const anyBody = document.querySelector(".kb-body")
  const word = (key, fallback) => (anyBody && anyBody.dataset[key]) || fallback[lang]

  // The language switch keeps the reader's place: the query (the answers page's filters) and the
  // fragment (a paragraph #pN, a note #fn:N, a glossary entry: the same ids in both languages). With
  // no fragment, an answer page passes on the paragraph at the top of the screen (past the first).
  const placeHash = () => {
    if (window.location.hash) return window.location.hash
    const pairs = document.querySelectorAll(".kb-pair[id]")
    if (!pairs.length || window.scrollY < 50) return ""
    for (const [index, pair] of [...pairs].entries()) {
      const box = pair.getBoundingClientRect()
      if (box.bottom > 80) return index === 0 ? "" : `#${pair.id}`  // the first: the page's top will do
    }
    return ""
  }
  for (const link of document.querySelectorAll("a.kb-lang-link")) {
    const base = link.getAttribute("href").split(/[?#]/)[0]
    const update = () => link.setAttribute("href", base + window.location.search + placeHash())
    for (const type of ["pointerenter", "focus", "pointerdown", "click", "touchstart"])
      link.addEventListener(type, update, { passive: true })
  }

  // The active tab for the pages outside the nav (kb.css marks it too, without script): the tab
  // leading to this folder's index.
  const tabs = document.querySelector(".md-tabs__list")
  if (tabs && !tabs.querySelector(".md-tabs__item--active")) {
    const here = new URL(".", window.location.href).href
    for (const link of tabs.querySelectorAll(".md-tabs__link")) {
      if (link.href === here + "index.html" || link.href === here) {
        link.parentElement.classList.add("kb-tab--active")
        link.setAttribute("aria-current", "location")
        break
      }
    }
  }

  // Popovers: a glossary link (a.kb-term, its definition in its title) or a translator's note mark
  // (a.footnote-ref) opens a small box with the definition or the note and a link onwards. Mouse:
  // on hover, and a click follows the link. Touch: the first tap opens it (the page stays), the link
  // in the box goes on. Keyboard: focus opens it, Escape closes it, Enter follows the link.
  const triggers = document.querySelectorAll("article a.kb-term[title], article a.footnote-ref[href^='#']")
  if (triggers.length) {
    const pop = document.createElement("div")
    pop.className = "kb-pop"
    pop.id = "kb-pop"
    pop.hidden = true
    pop.setAttribute("role", "tooltip")
    const heading = document.createElement("p")
    heading.className = "kb-pop__term"
    const text = document.createElement("div")
    text.className = "kb-pop__text"
    text.id = "kb-pop-text"
    const more = document.createElement("a")
    more.className = "kb-pop__more"
    pop.append(heading, text, more)
    document.body.append(pop)

    let current = null
    let closing = 0
    let opening = 0
    let pressing = null

    const place = trigger => {
      const box = trigger.getBoundingClientRect()
      const margin = 8
      pop.style.left = "0px"
      pop.style.top = "0px"
      const width = pop.offsetWidth
      const height = pop.offsetHeight
      const viewport = document.documentElement.clientWidth
      let left = Math.min(Math.max(margin, box.left), viewport - width - margin)
      left = Math.max(margin, left)
      const below = box.bottom + 6
      const top = below + height > window.innerHeight && box.top - height - 6 > 0 ? box.top - height - 6 : below
      pop.style.left = `${left + window.scrollX}px`
      pop.style.top = `${top + window.scrollY}px`
    }

    const fill = trigger => {
      pop.lang = trigger.closest("[lang]")?.lang || lang
      if (trigger.classList.contains("kb-term")) {
        heading.textContent = trigger.textContent
        heading.hidden = false
        text.textContent = trigger.dataset.kbDefinition
        more.textContent = word("kbTermMore", { zh: "在术语表中查看", en: "See it in the glossary" }) + " →"
      } else {
        const note = document.getElementById(decodeURIComponent(trigger.getAttribute("href").slice(1)))
        heading.hidden = true
        text.replaceChildren()
        if (note) {
          const copy = note.cloneNode(true)
          for (const back of copy.querySelectorAll(".footnote-backref")) back.remove()
          for (const element of copy.querySelectorAll("[id]")) element.removeAttribute("id")
          text.append(...copy.childNodes)
        }
        more.textContent = word("kbNoteMore", { zh: "查看译注", en: "Go to the note" }) + " →"
      }
      more.href = trigger.href
    }

    const open = trigger => {
      window.clearTimeout(closing)
      window.clearTimeout(opening)
      if (current === trigger && !pop.hidden) return
      if (current) current.setAttribute("aria-expanded", "false")
      current = trigger
      fill(trigger)
      pop.hidden = false
      trigger.setAttribute("aria-expanded", "true")
      trigger.setAttribute("aria-describedby", "kb-pop-text")
      place(trigger)
    }
    const close = () => {
      window.clearTimeout(opening)
      if (!current) return
      current.setAttribute("aria-expanded", "false")
      current.removeAttribute("aria-describedby")
      current = null
      pop.hidden = true
    }
    const closeSoon = () => {
      window.clearTimeout(opening)
      window.clearTimeout(closing)
      closing = window.setTimeout(close, 300)
    }

    for (const trigger of triggers) {
      if (trigger.classList.contains("kb-term")) {
        // The definition moves from the title (the browser's own tooltip) into the popover.
        trigger.dataset.kbDefinition = trigger.getAttribute("title")
        trigger.removeAttribute("title")
      }
      trigger.setAttribute("aria-expanded", "false")
      trigger.addEventListener("pointerdown", () => { pressing = trigger })
      trigger.addEventListener("pointerenter", event => {
        if (event.pointerType !== "mouse") return
        window.clearTimeout(closing)
        window.clearTimeout(opening)
        opening = window.setTimeout(() => open(trigger), 120)
      })
      trigger.addEventListener("pointerleave", event => { if (event.pointerType === "mouse") closeSoon() })
      // Focus from the keyboard opens it; the focus a press gives is left to the click that follows.
      trigger.addEventListener("focus", () => { if (pressing !== trigger) open(trigger) })
      trigger.addEventListener("blur", event => {
        if (!pop.contains(event.relatedTarget)) closeSoon()
      })
      trigger.addEventListener("click", event => {
        pressing = null
        // Showing already (hovered, focused or tapped before): the link is followed. Otherwise (a
        // tap, or a click quicker than the hover) the popover opens and the reader stays.
        if (current === trigger && !pop.hidden) return
        event.preventDefault()
        open(trigger)
      })
    }
    pop.addEventListener("pointerenter", () => window.clearTimeout(closing))
    pop.addEventListener("pointerleave", event => { if (event.pointerType === "mouse") closeSoon() })
    pop.addEventListener("focusout", event => {
      if (!pop.contains(event.relatedTarget) && event.relatedTarget !== current) closeSoon()
    })
    document.addEventListener("keydown", event => {
      if (event.key !== "Escape" || !current) return
      const trigger = current
      close()
      if (pop.contains(document.activeElement)) trigger.focus({ preventScroll: true })
    })
    document.addEventListener("pointerdown", event => {
      if (current && !pop.contains(event.target) && !current.contains(event.target)) close()
    })
    window.addEventListener("resize", () => { if (current) place(current) })
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
  // The switch says what it shows: side by side from 900 px (kb.css), one above the other below.
  const wide = window.matchMedia("(min-width: 56.25em)")
  const label = () => {
    parallel.textContent = (wide.matches ? body.dataset.kbParallelWide : body.dataset.kbParallelNarrow) || labels.parallel
  }
  label()
  wide.addEventListener("change", label)
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
