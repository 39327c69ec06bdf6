// Small, optional improvements. Every page works without this file.
document.addEventListener("submit", (event) => {
  // Ask before destructive actions; the server still decides.
  const button = event.submitter;
  if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});

// The phone menu is a <details> that works on its own; with JavaScript, Escape or a click
// elsewhere on the page closes it too, as people expect of a menu.
const closeMenus = (except) => {
  for (const menu of document.querySelectorAll("details.nav-menu[open]")) {
    if (menu !== except) menu.open = false;
  }
};
document.addEventListener("keydown", (event) => {
  const menu = document.querySelector("details.nav-menu[open]");
  if (event.key === "Escape" && menu) {
    menu.open = false;
    menu.querySelector("summary").focus();
  }
});
document.addEventListener("click", (event) => closeMenus(event.target.closest("details.nav-menu")));
