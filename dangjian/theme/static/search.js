/* 站内搜索：页面 search/index.html 的脚本。
 *
 * The engine is Pagefind (pagefind/pagefind.js, built by dangjian/search.py).
 * The index holds overlapping two-character tokens of every article, so the
 * query is turned into the same tokens here: any Chinese substring of two or
 * more characters then matches (支部 in 党支部). The encoding must stay
 * identical to dangjian/search.py (encode_char, grams).
 * A plain script (not a module) so that, opened from disk, it can still say
 * why search does not work there.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var bundleUrl = new URL(script.getAttribute("data-bundle"), location.href).href;
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var empty = document.getElementById("search-empty");
  var more = document.getElementById("search-more");
  var FILTERS = { category: "栏目", source: "来源", year: "年份" };
  var PAGE_SIZE = 10;
  var HAN = /[\u3400-\u9fff\u{20000}-\u{3134f}]+/gu;
  var WORD = /[\p{L}\p{N}]+/gu;
  var loading = null;
  var state = { seq: 0, results: [], shown: 0, pieces: [] };

  function pad(value, width) {
    var s = value.toString(36);
    while (s.length < width) s = "0" + s;
    return s;
  }

  function encodeChar(ch) {
    var cp = ch.codePointAt(0);
    return cp <= 0x9fff ? pad(cp - 0x3400, 3) : "z" + pad(cp - 0x20000, 4);
  }

  function unique(items) {
    return items.filter(function (x, i) { return items.indexOf(x) === i; });
  }

  /* The query as index tokens (all must match) and as pieces to highlight. */
  function parse(raw) {
    var tokens = [], pieces = [];
    raw.normalize("NFKC").toLowerCase().split(/\s+/).forEach(function (term) {
      (term.match(HAN) || []).forEach(function (run) {
        var chars = Array.from(run);
        pieces.push(run);
        if (chars.length === 1) tokens.push("h" + encodeChar(chars[0]));
        for (var i = 0; i + 1 < chars.length; i++) {
          tokens.push("h" + encodeChar(chars[i]) + encodeChar(chars[i + 1]));
        }
      });
      (term.replace(HAN, " ").match(WORD) || []).forEach(function (word) {
        tokens.push("w" + word);
        pieces.push(word);
      });
    });
    pieces.sort(function (a, b) { return b.length - a.length; });
    return { tokens: unique(tokens), pieces: unique(pieces) };
  }

  function open(url) {
    // Searching on the page's own thread (noWorker) spares fetching Pagefind's
    // 40 KB worker script: the first query at 10,000 articles stays under 300 KB,
    // and a query over a few index chunks is quick enough without a worker.
    return import(url).then(function (pf) {
      return Promise.resolve(pf.options({ noWorker: true }))
        .then(function () { return pf.init(); })
        .then(function () { return pf; });
    });
  }

  /* A big site's index comes in parts (5,000 articles each, newest first: see
     dangjian/search.py), listed in parts.json. Each part is its own Pagefind
     bundle, searched on its own: Pagefind's mergeIndex ranks merged results by
     score, which would mix up "newest first" across parts. */
  function shards(parts) {
    if (parts.length === 1) return parts[0];
    return {
      search: function (term, options) {
        return Promise.all(parts.map(function (pf) { return pf.search(term, options); })).then(function (all) {
          var results = [];
          all.forEach(function (found) { results = results.concat(found.results); });
          // Newest first: each part is in date order and the parts follow one another.
          // By relevance: by score (a stable sort, so ties keep the newer first).
          if (!(options && options.sort)) results.sort(function (a, b) { return b.score - a.score; });
          return { results: results };
        });
      }
    };
  }

  function load() {
    if (!loading) {
      var base = new URL(bundleUrl, document.baseURI);
      loading = Promise.all([
        open(base.href),
        fetch(new URL("parts.json", base).href, { cache: "no-cache" })
          .then(function (r) { return r.ok ? r.json() : { parts: [] }; })
          .catch(function () { return { parts: [] }; })
      ]).then(function (found) {
        var more = (found[1].parts || []).map(function (part) {
          return open(new URL(part + "pagefind.js", base).href);
        });
        return Promise.all(more).then(function (parts) { return shards([found[0]].concat(parts)); });
      });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  function escapeRe(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  /* Append `text` to `el`, with every query piece wrapped in <mark>. */
  function highlight(el, text, pieces) {
    if (!pieces.length) { el.append(text); return; }
    var re = new RegExp(pieces.map(escapeRe).join("|"), "gi");
    var last = 0, m;
    while ((m = re.exec(text)) !== null) {
      el.append(text.slice(last, m.index));
      var mark = document.createElement("mark");
      mark.textContent = m[0];
      el.append(mark);
      last = m.index + m[0].length;
    }
    el.append(text.slice(last));
  }

  /* About 110 characters of the body around the first match. */
  function excerpt(text, pieces) {
    var lower = text.toLowerCase(), at = -1;
    pieces.forEach(function (p) {
      var i = lower.indexOf(p);
      if (i >= 0 && (at < 0 || i < at)) at = i;
    });
    var start = Math.max(0, at - 30), end = start + 110;
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }

  function item(data) {
    var meta = data.meta || {};
    var li = document.createElement("li");
    li.className = "search-result";
    var h = document.createElement("h2");
    h.className = "result-title";
    var a = document.createElement("a");
    a.href = data.url;
    highlight(a, meta.title || data.url, state.pieces);
    h.append(a);
    var info = document.createElement("p");
    info.className = "article-meta";
    [meta.date, meta.category, meta.source].filter(Boolean).forEach(function (part, i) {
      if (i) {
        var sep = document.createElement("span");
        sep.className = "sep";
        sep.setAttribute("aria-hidden", "true");
        sep.textContent = "·";
        info.append(sep);
      }
      var span = document.createElement("span");
      span.textContent = part;
      info.append(span);
    });
    var p = document.createElement("p");
    p.className = "result-excerpt";
    highlight(p, excerpt(meta.text || "", state.pieces), state.pieces);
    li.append(h, info, p);
    return li;
  }

  function showMore(seq) {
    var batch = state.results.slice(state.shown, state.shown + PAGE_SIZE);
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (datas) {
      if (seq !== state.seq) return null;
      var first = null;
      datas.forEach(function (d) {
        var li = item(d);
        first = first || li;
        list.append(li);
      });
      state.shown += batch.length;
      more.hidden = state.shown >= state.results.length;
      return first;
    });
  }

  function chosen() {
    var filters = {}, names = [];
    Object.keys(FILTERS).forEach(function (key) {
      var value = form.elements[key].value;
      if (value) { filters[key] = value; names.push(FILTERS[key] + "：" + value); }
    });
    var sort = form.querySelector('input[name="sort"]:checked');
    return { filters: filters, names: names, newest: !!(sort && sort.value) };
  }

  function remember(raw, choice) {
    var params = new URLSearchParams();
    if (raw) params.set("q", raw);
    Object.keys(choice.filters).forEach(function (k) { params.set(k, choice.filters[k]); });
    if (choice.newest) params.set("sort", "date");
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }

  function reset() {
    list.textContent = "";
    empty.hidden = true;
    more.hidden = true;
    state.results = [];
    state.shown = 0;
  }

  function failed(seq) {
    if (seq !== state.seq) return;
    reset();
    list.removeAttribute("aria-busy");
    status.textContent = location.protocol === "file:"
      ? "直接从电脑文件打开网页时无法搜索。请通过网站地址访问本页，或改用“归档”按年月查找。"
      : "搜索暂时无法使用：搜索索引加载失败。请稍后再试，或改用“归档”按年月查找。";
    status.className = "search-status search-error";
  }

  function run() {
    var raw = input.value.trim();
    var choice = chosen();
    var seq = ++state.seq;
    remember(raw, choice);
    if (!raw) {
      reset();
      status.textContent = "";
      return Promise.resolve();
    }
    var query = parse(raw);
    list.setAttribute("aria-busy", "true");
    return load().then(function (pf) {
      if (!query.tokens.length) return { results: [] };
      var options = { filters: choice.filters };
      if (choice.newest) options.sort = { date: "desc" };
      return pf.search(query.tokens.join(" "), options);
    }).then(function (search) {
      if (seq !== state.seq) return null;
      reset();
      state.results = search.results;
      state.pieces = query.pieces;
      return showMore(seq).then(function () {
        if (seq !== state.seq) return;
        list.removeAttribute("aria-busy");
        var scope = choice.names.length ? "（" + choice.names.join("，") + "）" : "";
        status.className = "search-status";
        if (!state.results.length) {
          status.textContent = "没有找到包含“" + raw + "”的文章" + scope + "。";
          empty.hidden = false;
        } else {
          status.textContent = "找到 " + state.results.length + " 篇包含“" + raw + "”的文章" + scope +
            (choice.newest ? "，最新的在前。" : "，最相关的在前。");
        }
      });
    }).catch(function (err) {
      if (window.console) console.error(err);
      failed(seq);
    });
  }

  // For benchmarks/search_bench.py, which measures recall through the same query path.
  window.dangjianSearch = { parse: parse, load: load };

  var timer = null;
  function soon() {
    clearTimeout(timer);
    timer = setTimeout(run, 300);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    run();
  });
  input.addEventListener("input", soon);
  form.addEventListener("change", function (event) {
    if (event.target !== input) { clearTimeout(timer); run(); }
  });
  more.addEventListener("click", function () {
    showMore(state.seq).then(function (first) {
      var link = first && first.querySelector("a");
      if (link) link.focus();
    });
  });

  // Start from the address (?q=…&category=…), as the header's search box sends it.
  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  Object.keys(FILTERS).forEach(function (key) {
    var value = params.get(key);
    var select = form.elements[key];
    if (value && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
      select.value = value;
    }
  });
  if (params.get("sort") === "date") form.querySelector('input[name="sort"][value="date"]').checked = true;
  if (input.value.trim()) run();
  else input.addEventListener("focus", function () { load().catch(function () {}); }, { once: true });
})();
