// What a person notices on a page and axe does not. Evaluated in the page; returns a list
// of findings (strings), empty when the page reads well.
//  1. A word broken over lines: text squeezed narrower than its own first word.
//  2. The page scrolls sideways, other than inside a labelled, focusable scroll region.
//  3. A form control whose label is neither above nor beside it.
//  4. A table caption that says again, in sight, what the heading just above it says.
() => {
  const findings = [];
  const visible = (el) => {
    // The content of a closed disclosure is not shown, whatever its boxes say.
    if (el.closest("details:not([open]) > :not(summary)")) return false;
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
  };
  const describe = (el) =>
    el.tagName.toLowerCase() +
    (el.id ? "#" + el.id : "") +
    (el.className && typeof el.className === "string"
      ? "." + el.className.trim().split(/\s+/).slice(0, 2).join(".")
      : "");

  // 1. First words broken over lines.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || seen.has(parent) || !visible(parent)) continue;
    if (parent.closest("script, style, code, pre, .gp-visually-hidden, [hidden]")) continue;
    const match = node.textContent.match(/\S{2,}/);
    if (!match) continue;
    seen.add(parent);
    const range = document.createRange();
    range.setStart(node, match.index);
    range.setEnd(node, match.index + match[0].length);
    const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    if (lines.size > 1 && !/[-/–]/.test(match[0]) && match[0].length < 30) {
      findings.push(`"${match[0]}" is broken over ${lines.size} lines in ${describe(parent)}`);
    }
  }

  // 2. Sideways scrolling.
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width + 1) {
    findings.push(
      `the page scrolls sideways (${document.documentElement.scrollWidth}px in ${width}px)`,
    );
  }
  for (const el of document.querySelectorAll("body *")) {
    const s = getComputedStyle(el);
    if (!/(auto|scroll)/.test(s.overflowX) || el.scrollWidth <= el.clientWidth + 1) continue;
    const labelled = el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
    if (!(labelled && el.tabIndex >= 0)) {
      findings.push(`${describe(el)} scrolls sideways but is not a labelled, focusable region`);
    }
  }

  // 3. Labels beside or above their controls.
  for (const control of document.querySelectorAll("input, select, textarea")) {
    if (control.type === "hidden" || !visible(control) || !control.id) continue;
    const label = document.querySelector(`label[for="${CSS.escape(control.id)}"]`);
    if (!label || label.contains(control)) continue;
    const l = label.getBoundingClientRect();
    const c = control.getBoundingClientRect();
    const above = l.bottom <= c.top + 4;
    const beside = l.top < c.bottom && l.bottom > c.top && (l.right <= c.left + 4 || l.left >= c.right - 4);
    if (!above && !beside) {
      findings.push(`the label of ${describe(control)} is neither above nor beside it`);
    }
  }

  // 4. Captions that repeat the heading above them (a screen reader still needs the
  // caption; the eye does not need it twice, so it is visually hidden there).
  const words = (el) => el.textContent.replace(/\s+/g, " ").trim().toLowerCase();
  const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].filter(visible);
  for (const caption of document.querySelectorAll("caption")) {
    if (!visible(caption) || caption.closest(".gp-visually-hidden")) continue;
    const before = headings.filter(
      (h) => h.compareDocumentPosition(caption) & Node.DOCUMENT_POSITION_FOLLOWING,
    );
    const above = before[before.length - 1];
    if (above && words(above) === words(caption)) {
      findings.push(`the caption of ${describe(caption.closest("table"))} repeats the heading "${above.textContent.trim()}"`);
    }
  }
  return findings;
}
