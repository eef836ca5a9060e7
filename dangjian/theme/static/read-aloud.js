/* 朗读全文：the browser's own speech synthesis reads the title, the meta line and the body in order,
   sentence by sentence, the sentence being read highlighted. Shown only where the browser has a
   Chinese voice; pause, resume, stop and speed are ordinary buttons (keyboard and screen readers). */
(function () {
  "use strict";
  var synth = window.speechSynthesis, box = document.querySelector("[data-read-aloud]");
  if (!box || !synth || typeof window.SpeechSynthesisUtterance === "undefined") return;
  var BLOCKS = "h2, h3, h4, p, li, td, th, figcaption";
  var buttons = {}, status = box.querySelector("[data-ra-status]"), rate = box.querySelector("[data-ra=rate]");
  ["play", "pause", "resume", "stop"].forEach(function (k) { buttons[k] = box.querySelector("[data-ra=" + k + "]"); });
  var pieces = [], at = 0, run = 0, current = null;

  function voice() {
    var voices = synth.getVoices() || [];
    for (var i = 0; i < voices.length; i++) if (/^zh([-_](CN|Hans))?/i.test(voices[i].lang || "")) return voices[i];
    return null;
  }
  function offer() { if (voice()) box.hidden = false; }

  function blocks() {
    var found = [document.querySelector(".article-header h1"), document.querySelector(".article-meta")];
    var body = document.querySelectorAll(".article-body " + BLOCKS.split(", ").join(", .article-body "));
    for (var i = 0; i < body.length; i++) if (!body[i].querySelector(BLOCKS)) found.push(body[i]);
    return found.filter(Boolean);
  }
  function sentences() {
    var out = [];
    blocks().forEach(function (el) {
      var text = el.textContent, re = /[^。！？!?；;\s][^。！？!?；;]*[。！？!?；;]*/g, m;
      while ((m = re.exec(text))) {
        var s = m[0].replace(/\s+/g, " ").trim();
        if (s) out.push({ el: el, text: s, start: m.index, end: m.index + m[0].length });
      }
    });
    return out;
  }
  function range(el, start, end) {            /* the sentence's place among the element's text nodes */
    var walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT), node, seen = 0, r = document.createRange(), set = 0;
    while ((node = walker.nextNode())) {
      var len = node.nodeValue.length;
      if (!set && start < seen + len) { r.setStart(node, start - seen); set = 1; }
      if (set && end <= seen + len) { r.setEnd(node, end - seen); return r; }
      seen += len;
    }
    return set ? r : null;
  }
  function mark(piece) {
    if (current) current.classList.remove("ra-current");
    current = piece ? piece.el : null;
    if (current) current.classList.add("ra-current");
    if (window.CSS && CSS.highlights && window.Highlight) {
      CSS.highlights.delete("read-aloud");
      var r = piece && range(piece.el, piece.start, piece.end);
      if (r) CSS.highlights.set("read-aloud", new Highlight(r));
    }
  }
  function show(state) {
    buttons.play.hidden = state !== "idle";
    buttons.pause.hidden = state !== "playing";
    buttons.resume.hidden = state !== "paused";
    buttons.stop.hidden = state === "idle";
    status.textContent = { idle: "已停止朗读", playing: "正在朗读", paused: "已暂停朗读" }[state];
  }
  function speak(token) {
    if (token !== run) return;
    if (at >= pieces.length) { stop(); return; }
    var piece = pieces[at], u = new SpeechSynthesisUtterance(piece.text);
    u.lang = "zh-CN";
    u.voice = voice();
    u.rate = parseFloat(rate.value) || 1;
    u.onend = function () { if (token === run) { at += 1; speak(token); } };
    u.onerror = u.onend;
    mark(piece);
    synth.speak(u);
  }
  function play() {
    synth.cancel();
    run += 1;
    pieces = sentences();
    at = 0;
    show("playing");
    speak(run);
  }
  function stop() {
    run += 1;
    synth.cancel();
    mark(null);
    show("idle");
  }
  buttons.play.addEventListener("click", play);
  buttons.pause.addEventListener("click", function () { synth.pause(); show("paused"); buttons.resume.focus(); });
  buttons.resume.addEventListener("click", function () { synth.resume(); show("playing"); buttons.pause.focus(); });
  buttons.stop.addEventListener("click", function () { stop(); buttons.play.focus(); });
  window.addEventListener("pagehide", function () { synth.cancel(); });
  offer();
  if (synth.addEventListener) synth.addEventListener("voiceschanged", offer);
})();
