// Return what a person could not reach in <main> without scrolling sideways: controls
// that are not rendered, lie outside the window's width, or are covered by something else,
// and boxes other than a table's .table-responsive that scroll sideways, hiding text.
// Controls folded in a closed <details> (the phone's filters) count once it is opened, as a
// person would open it: every closed one is opened for the check and closed again after.
() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  const folded = [...document.querySelectorAll("main details:not([open])")];
  for (const details of folded) details.open = true;
  const controls = document.querySelectorAll(
    "main a[href], main button, main input:not([type=hidden]), main select, main textarea",
  );
  const describe = (el) =>
    (el.innerText || el.value || el.name || el.id || el.outerHTML).trim().slice(0, 60);

  for (const el of controls) {
    if (el.closest(".visually-hidden")) continue;
    const name = describe(el);
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none" || !box.width || !box.height) {
      problems.push(`${name}: not rendered`);
      continue;
    }
    if (box.left < -1 || box.right > width + 1) {
      const span = `${Math.round(box.left)}..${Math.round(box.right)}`;
      problems.push(`${name}: outside the window (${span} of ${width})`);
      continue;
    }
    el.scrollIntoView({ block: "center" });
    const seen = el.getBoundingClientRect();
    const hit = document.elementFromPoint(seen.left + seen.width / 2, seen.top + seen.height / 2);
    const label = el.labels && el.labels[0];
    if (hit && !(el.contains(hit) || hit.contains(el) || (label && label.contains(hit)))) {
      problems.push(`${name}: covered by ${hit.tagName.toLowerCase()}.${hit.className}`);
    }
  }

  for (const el of document.querySelectorAll("main *")) {
    const scrolls = ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
    if (scrolls && el.scrollWidth > el.clientWidth + 1 && !el.matches(".table-responsive")) {
      problems.push(`${el.tagName.toLowerCase()}.${el.className}: scrolls sideways`);
    }
  }
  for (const details of folded) details.open = false;
  window.scrollTo(0, 0);
  return problems;
}
