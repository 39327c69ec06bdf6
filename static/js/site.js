// Small, optional improvements. Every page works without this file.
document.addEventListener("submit", (event) => {
  // Ask before destructive actions; the server still decides.
  const button = event.submitter;
  if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});
