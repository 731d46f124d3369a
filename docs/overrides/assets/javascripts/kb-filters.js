/*
 * Filters on the "all answers" page: by theme, author and stance, combined. The form is generated
 * hidden, so without JavaScript the page is the full plain list; with it, the state lives in the
 * URL (?theme=...&author=...&stance=...) so that a filtered view can be shared, and each option
 * shows how many answers it would leave given the other choices.
 */
(() => {
  "use strict"
  const form = document.querySelector("form[data-kb-filters]")
  if (!form) return
  const facets = ["theme", "author", "stance"]
  const items = [...document.querySelectorAll("li[data-author]")]
  const values = item => ({
    theme: item.dataset.theme.split(" "),
    author: [item.dataset.author],
    stance: [item.dataset.stance]
  })
  const selects = Object.fromEntries(facets.map(facet => [facet, form.elements.namedItem(facet)]))
  const status = form.querySelector(".kb-filters__status")

  const matches = (item, state, except) =>
    facets.every(facet => facet === except || !state[facet] || values(item)[facet].includes(state[facet]))

  function fromURL() {
    const params = new URLSearchParams(window.location.search)
    const state = {}
    for (const facet of facets) {
      const value = params.get(facet) || ""
      const known = [...selects[facet].options].some(option => option.value === value)
      state[facet] = known ? value : ""
    }
    return state
  }

  function toURL(state) {
    const url = new URL(window.location.href)
    for (const facet of facets) {
      if (state[facet]) url.searchParams.set(facet, state[facet])
      else url.searchParams.delete(facet)
    }
    window.history.replaceState(null, "", url)
  }

  function apply(state) {
    let shown = 0
    for (const item of items) {
      item.hidden = !matches(item, state)
      if (!item.hidden) shown++
    }
    for (const facet of facets) {
      selects[facet].value = state[facet]
      for (const option of selects[facet].options) {
        const count = items.filter(item => matches(item, state, facet) &&
          (!option.value || values(item)[facet].includes(option.value))).length
        option.textContent = `${option.dataset.label} (${count})`
        option.disabled = count === 0 && option.value !== state[facet]
      }
    }
    for (const list of document.querySelectorAll("article ul")) {
      const heading = list.previousElementSibling
      if (heading && /^H[2-6]$/.test(heading.tagName) && list.querySelector("li[data-author]"))
        heading.hidden = !list.querySelector("li[data-author]:not([hidden])")
    }
    status.textContent = form.dataset.status.replace("{shown}", shown).replace("{total}", items.length)
  }

  const current = () => Object.fromEntries(facets.map(facet => [facet, selects[facet].value]))
  form.addEventListener("change", () => {
    const state = current()
    apply(state)
    toURL(state)
  })
  form.addEventListener("reset", event => {
    event.preventDefault()
    const state = Object.fromEntries(facets.map(facet => [facet, ""]))
    apply(state)
    toURL(state)
  })
  form.hidden = false
  apply(fromURL())
})()
