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
  var NONE = { count: 0, take: function () { return Promise.resolve([]); } };
  var state = { seq: 0, results: NONE, shown: 0, pieces: [] };

  var LETTERS = "abcdefghijklmnopqrstuvwxyz";

  function base26(value, width) {
    var s = "";
    for (var i = 0; i < width; i++) {
      s = LETTERS[value % 26] + s;
      value = Math.floor(value / 26);
    }
    return s;
  }

  function encodeChar(ch) {
    var cp = ch.codePointAt(0);
    return cp <= 0x9fff ? base26(cp - 0x3400, 4) : "z" + base26(cp - 0x20000, 4);
  }

  function spell(ch) {
    if (ch >= "a" && ch <= "y") return ch;
    if (ch === "z") return "zz";
    if (ch >= "0" && ch <= "9") return "z" + LETTERS[ch.charCodeAt(0) - 48];
    return "zk" + base26(ch.codePointAt(0), 5);
  }

  function unique(items) {
    return items.filter(function (x, i) { return items.indexOf(x) === i; });
  }

  /* The query as index tokens with the field letter of the whole article (all must
     match) and of the title (to count how many the title holds), as pieces to
     highlight, and the single Han characters left out (not searchable: see
     dangjian/build/search.py). */
  function parse(raw) {
    var tokens = [], pieces = [], single = [];
    raw.normalize("NFKC").toLowerCase().split(/\s+/).forEach(function (term) {
      (term.match(HAN) || []).forEach(function (run) {
        var chars = Array.from(run);
        if (chars.length === 1) { single.push(run); return; }
        pieces.push(run);
        for (var i = 0; i + 1 < chars.length; i++) {
          tokens.push("h" + encodeChar(chars[i]) + encodeChar(chars[i + 1]));
        }
      });
      (term.replace(HAN, " ").match(WORD) || []).forEach(function (word) {
        var chars = Array.from(word).slice(0, 26 * 26 - 1);
        tokens.push("w" + base26(chars.length, 2) + chars.map(spell).join(""));
        pieces.push(word);
      });
    });
    pieces.sort(function (a, b) { return b.length - a.length; });
    tokens = unique(tokens);
    return {
      tokens: tokens.map(function (t) { return t + "n"; }),
      title: tokens.map(function (t) { return t + "t"; }),
      pieces: unique(pieces),
      single: unique(single)
    };
  }

  /* The index comes in parts (see dangjian/build/search.py), listed in parts.json:
     base parts of a few thousand articles and a `delta` part holding what changed
     since they were made; `superseded` names the base entries the delta replaces or
     that were deleted. One Pagefind engine loads them all (mergeIndex: one script,
     one WebAssembly), each part tagged with a `part` filter so it can be searched
     alone. Searching on the page's own thread (noWorker) spares fetching Pagefind's
     40 KB worker script. */
  function load() {
    if (!loading) {
      var base = new URL(bundleUrl, document.baseURI);
      loading = fetch(new URL("parts.json", base).href, { cache: "no-cache" })
        .then(function (r) { return r.ok ? r.json() : {}; })
        .catch(function () { return {}; })
        .then(function (layout) {
          return import(base.href).then(function (pf) {
            return Promise.resolve(pf.options({ noWorker: true, mergeFilter: { part: "0" } }))
              .then(function () { return pf.init(); })
              .then(function () {
                var names = ["0"], merging = [];
                (layout.parts || []).concat(layout.delta ? [layout.delta] : []).forEach(function (folder, i) {
                  var name = folder === layout.delta ? "delta" : String(i + 1);
                  names.push(name);
                  merging.push(pf.mergeIndex(new URL(folder, base).href, { mergeFilter: { part: name } }));
                });
                return Promise.all(merging).then(function () {
                  return engine(pf, names, new Set(layout.superseded || []));
                });
              });
          });
        });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  /* Results in an order that does not depend on how the index is cut in parts: by how
     many of the query's tokens the title holds (relevance; none counted when sorting
     by date), then newest first by each article's `order` key (the site's order). Each
     part gives its matches already in key order; they are merged lazily, reading the
     keys from the results' data, which are read anyway to be shown. */
  function engine(pf, names, superseded) {
    function inPart(name, filters) {
      return { filters: Object.assign({}, filters, { part: name }) };
    }
    function part(name, query, filters, ranked) {
      var main = pf.search(query.tokens.join(" "), Object.assign(inPart(name, filters), { sort: { order: "asc" } }));
      var titles = ranked ? query.title.map(function (t) { return pf.search(t, inPart(name, filters)); }) : [];
      return Promise.all([main].concat(titles)).then(function (found) {
        var sets = found.slice(1).map(function (f) { return new Set(f.results.map(function (r) { return r.id; })); });
        return found[0].results.filter(function (r) {
          return name === "delta" || !superseded.has(r.id);
        }).map(function (r) {
          return { result: r, rank: sets.filter(function (s) { return s.has(r.id); }).length };
        });
      });
    }
    return {
      find: function (query, filters, newest) {
        return Promise.all(names.map(function (name) { return part(name, query, filters, !newest); }))
          .then(function (lists) {
            var groups = [];
            for (var rank = newest ? 0 : query.title.length; rank >= 0; rank--) {
              groups.push(lists.map(function (list) {
                return list.filter(function (x) { return x.rank === rank; }).map(function (x) { return x.result; });
              }));
            }
            return stream(groups);
          });
      }
    };
  }

  function stream(groups) {
    var count = 0, g = 0;
    groups.forEach(function (lists) { lists.forEach(function (list) { list.at = 0; count += list.length; }); });
    function dataOf(r) {
      if (!r.loaded) r.loaded = r.data();
      return r.loaded;
    }
    function next() {
      if (g >= groups.length) return Promise.resolve(null);
      var lists = groups[g].filter(function (list) { return list.at < list.length; });
      if (!lists.length) { g++; return next(); }
      return Promise.all(lists.map(function (list) { return dataOf(list[list.at]); })).then(function (heads) {
        var best = 0;
        heads.forEach(function (d, i) {
          if ((d.meta.order || "") < (heads[best].meta.order || "")) best = i;
        });
        lists[best].at++;
        return heads[best];
      });
    }
    function take(n, out) {
      out = out || [];
      if (out.length >= n) return Promise.resolve(out);
      return next().then(function (d) {
        if (!d) return out;
        out.push(d);
        return take(n, out);
      });
    }
    return { count: count, take: take };
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
    return state.results.take(PAGE_SIZE).then(function (datas) {
      if (seq !== state.seq) return null;
      var first = null;
      datas.forEach(function (d) {
        var li = item(d);
        first = first || li;
        list.append(li);
      });
      state.shown += datas.length;
      more.hidden = state.shown >= state.results.count;
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
    state.results = NONE;
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

  /* The results of a parsed query (none for one without tokens: single characters only). */
  function answer(query, filters, newest) {
    return load().then(function (index) {
      return query.tokens.length ? index.find(query, filters, newest) : NONE;
    });
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
    return answer(query, choice.filters, choice.newest).then(function (results) {
      if (seq !== state.seq) return null;
      reset();
      state.results = results;
      state.pieces = query.pieces;
      return showMore(seq).then(function () {
        if (seq !== state.seq) return;
        list.removeAttribute("aria-busy");
        var scope = choice.names.length ? "（" + choice.names.join("，") + "）" : "";
        var single = query.single.length ? "单字“" + query.single.join("”“") + "”几乎每篇文章都有，不参与查找" : "";
        status.className = "search-status";
        if (!query.tokens.length && single) {
          status.textContent = "请至少输入两个字：" + single + "。";
          empty.hidden = false;
        } else if (!state.results.count) {
          status.textContent = "没有找到包含“" + raw + "”的文章" + scope + "。";
          empty.hidden = false;
        } else {
          status.textContent = "找到 " + state.results.count + " 篇包含“" + raw + "”的文章" + scope +
            (choice.newest ? "，最新的在前。" : "，最相关的在前。") + (single ? "（" + single + "）" : "");
        }
      });
    }).catch(function (err) {
      if (window.console) console.error(err);
      failed(seq);
    });
  }

  /* Every result's address in order, through the same path as the page (for the tests that
     compare an incremental index with a cold one, and benchmarks/search_bench.py). */
  function all(raw, filters, newest) {
    return answer(parse(raw), filters || {}, !!newest).then(function (results) {
      return results.take(results.count);
    }).then(function (datas) {
      return datas.map(function (d) { return d.url; });
    });
  }
  window.dangjianSearch = { parse: parse, load: load, all: all };

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
