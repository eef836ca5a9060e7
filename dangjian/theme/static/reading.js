/* 字号 and 关怀版: the buttons set a class/attribute on <html> and remember it in localStorage.
   The saved choice is applied before first paint by the inline script in <head>. */
(function () {
  "use strict";
  var root = document.documentElement;
  function save(key, value) { try { localStorage.setItem(key, value); } catch (e) { /* private mode: this page only */ } }
  function sync() {
    var size = root.getAttribute("data-font") || "m", care = root.classList.contains("care");
    var buttons = document.querySelectorAll(".reading-tools button");
    for (var i = 0; i < buttons.length; i++) {
      var b = buttons[i];
      var on = b.hasAttribute("data-care") ? care : b.getAttribute("data-size") === size;
      b.setAttribute("aria-pressed", on ? "true" : "false");
    }
  }
  document.addEventListener("click", function (event) {
    var b = event.target.closest ? event.target.closest(".reading-tools button") : null;
    if (!b) return;
    if (b.hasAttribute("data-care")) {
      save("dj-care", root.classList.toggle("care") ? "1" : "0");
    } else {
      var size = b.getAttribute("data-size");
      if (size === "m") root.removeAttribute("data-font"); else root.setAttribute("data-font", size);
      save("dj-font", size);
    }
    sync();
  });
  sync();
})();
