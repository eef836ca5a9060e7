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

/* 侧栏“最新文章”: filled from latest.json (one small file the build rewrites when articles change,
   so pages need not be). Without JavaScript, or from disk, the link to the home page's list stays. */
(function () {
  "use strict";
  var box = document.querySelector("[data-latest]");
  if (!box || !window.fetch || location.protocol === "file:") return;
  var source = new URL(box.getAttribute("data-latest"), location.href);
  fetch(source.href).then(function (r) { return r.ok ? r.json() : []; }).then(function (items) {
    if (!items.length) return;
    var list = document.createElement("ul");
    list.className = "side-latest-list";
    items.forEach(function (item) {
      var li = document.createElement("li"), a = document.createElement("a"), t = document.createElement("time");
      a.href = new URL(item.url, source).href;
      a.textContent = item.title;
      if (new URL(a.href).pathname === location.pathname) a.setAttribute("aria-current", "page");
      t.dateTime = item.iso;
      t.textContent = item.date;
      li.appendChild(a);
      li.appendChild(t);
      list.appendChild(li);
    });
    var fallback = box.querySelector(".side-latest-fallback");
    if (fallback) box.replaceChild(list, fallback); else box.appendChild(list);
  }).catch(function () { /* offline or blocked: the link stays */ });
})();
