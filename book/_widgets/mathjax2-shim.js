// The widget embedder (@jupyter-widgets/html-manager 1.0) typesets widget labels with the
// MathJax 2 call MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]). The book loads MathJax 3,
// which has no Hub, so rendering every widget with a description threw an error. This forwards
// the call to MathJax 3 instead. (The book's MathJax settings leave widget labels alone, so write
// symbols in labels as Unicode, e.g. "γ", not "$\gamma$".) It must load before embed.js: both
// act on the window's load event, in the order they registered.
window.addEventListener("load", function () {
  var mj = window.MathJax;
  if (!mj || mj.Hub || typeof mj.typesetPromise !== "function") {
    return;
  }
  mj.Hub = {
    Queue: function (job) {
      var element = job && job[2];
      if (element) {
        mj.typesetPromise([element]).catch(function (err) {
          console.warn("MathJax could not typeset a widget label", err);
        });
      }
    },
  };
});
