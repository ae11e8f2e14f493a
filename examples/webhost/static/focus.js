// The window asks for the focus with `autofocus` (the error summary after a refused
// save, the new row after Add), which works without JavaScript. Browsers treat it as a
// hint and sometimes skip it (a URL with a fragment, a page that was not yet focused
// when it loaded): where one did, put the focus where the page asks for it.
document.addEventListener("DOMContentLoaded", () => {
  const wanted = document.querySelector("[autofocus]");
  if (wanted && document.activeElement !== wanted) {
    wanted.focus();
  }
});
