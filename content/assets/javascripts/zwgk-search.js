/* The public search: Pagefind over the built pages, plus exact codes looked up in small JSON shards.
   Written for old browsers too (no build step); `normaliseCode`, `gramTokens` and `shardOf` must match
   zwgk/site/static_search.py. */
(function () {
  "use strict";

  var script = document.getElementById("zwgk-search-script");
  var root = new URL("../../", script.src);          // this file lives in <root>/assets/javascripts/
  var shards = parseInt(script.getAttribute("data-shards"), 10) || 1;
  var KIND = { item: "权力事项", entry: "目录条目", department: "部门", catalogue: "公开目录", page: "说明" };
  var FILTERS = ["department", "type", "topic", "year"];
  var RESULTS = 10;

  function normaliseCode(value) {
    return value.normalize("NFKC").replace(/\s+/g, "").toLowerCase()
      .replace(/[\[(【（]/g, "〔").replace(/[\])】）]/g, "〕");
  }

  function hex(code) { return ("000" + code.toString(16)).slice(-4); }

  function gramTokens(text) {
    var tokens = [];
    var runs = text.match(/[\u3400-\u9fff\uf900-\ufaff]{2,}/g) || [];
    runs.forEach(function (run) {
      for (var i = 0; i + 1 < run.length; i++) tokens.push("zg" + hex(run.charCodeAt(i)) + hex(run.charCodeAt(i + 1)));
    });
    return tokens.filter(function (token, i) { return tokens.indexOf(token) === i; });
  }

  function shardOf(key) {
    var bytes = new TextEncoder().encode(key), value = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) value = Math.imul(value ^ bytes[i], 0x01000193) >>> 0;
    return value % shards;
  }

  var shardCache = {};
  function exact(query) {
    var key = normaliseCode(query);
    if (key.length < 4 || !/\d/.test(key)) return Promise.resolve([]);
    var shard = shardOf(key);
    if (!shardCache[shard]) {
      shardCache[shard] = fetch(new URL("codes/" + shard + ".json", root)).then(function (r) {
        if (!r.ok) throw new Error("codes " + r.status);
        return r.json();
      });
    }
    return shardCache[shard].then(function (table) {
      return (table[key] || []).map(function (record) {
        return { kind: record.kind, title: record.title, url: new URL(record.url, root).href, department: record.department, code: record.code, exact: true };
      });
    });
  }

  // Pagefind runs on the main thread (noWorker): its queries are small, and starting a worker cost
  // more time than it saved. It is loaded on the search page at once and elsewhere when the search box
  // gets the focus, so that typing does not wait for it.
  var pagefindPromise = null;
  function pagefind() {
    if (!pagefindPromise) {
      // The static index is a main bundle (pagefind/) and parts (pagefind/parts/<name>/, listed in
      // pagefind/parts.json; see zwgk/site/static_search.py), merged into it as Pagefind loads.
      var parts = fetch(new URL("pagefind/parts.json", root)).then(function (r) {
        if (!r.ok) throw new Error("parts " + r.status);
        return r.json();
      });
      pagefindPromise = Promise.all([import(new URL("pagefind/pagefind.js", root).href), parts]).then(function (both) {
        var module = both[0];
        return module.options({ baseUrl: root.pathname, excerptLength: 20, noWorker: true })
          .then(function () { return module.init(); })
          .then(function () {
            return Promise.all(both[1].map(function (name) {
              var part = new URL("pagefind/parts/" + name + "/", root).pathname;
              return module.mergeIndex(part, { baseUrl: root.pathname, excerptLength: 20 });
            }));
          })
          .then(function () { return module; });
      });
    }
    return pagefindPromise;
  }

  // Three passes, best first: the query's character bigrams all present (a title containing the query,
  // whatever Pagefind's word segmentation makes of it), then Pagefind's own words, and when these find
  // fewer than five pages, pages sharing all but two bigrams (one mistyped character breaks two).
  function findPages(pf, query, filters) {
    var tokens = gramTokens(query), pages = [], known = {};
    function add(res) {
      (res ? res.results : []).forEach(function (r) {
        if (!known[r.id]) { known[r.id] = true; pages.push(r); }
      });
    }
    // Passes run one after another, and stop as soon as five pages are found: each pass downloads
    // index chunks of its own, and a phone on a slow line should not pay for passes it does not need.
    // Every other bigram (and the last) is enough to require the whole query, in fewer index chunks.
    var spaced = tokens.filter(function (token, i) { return i % 2 === 0 || i === tokens.length - 1; });
    var first = tokens.length ? pf.search(spaced.join(" "), { filters: filters }) : Promise.resolve(null);
    return first.then(function (res) {
      add(res);
      if (pages.length >= 5) return pages;
      return pf.search(query, { filters: filters }).then(function (words) {
        add(words);
        if (pages.length >= 5 || tokens.length < 2) return pages;
        return Promise.all(tokens.map(function (token) { return pf.search(token, { filters: filters }); })).then(function (all) {
          var counts = {}, firstSeen = {};
          all.forEach(function (one) {
            (one ? one.results : []).forEach(function (r) {
              counts[r.id] = (counts[r.id] || 0) + 1;
              if (!firstSeen[r.id]) firstSeen[r.id] = r;
            });
          });
          var need = Math.max(1, tokens.length - 2);
          var more = Object.keys(firstSeen).filter(function (id) { return counts[id] >= need && !known[id]; });
          more.sort(function (a, b) { return counts[b] - counts[a] || firstSeen[b].score - firstSeen[a].score; });
          return pages.concat(more.map(function (id) { return firstSeen[id]; }));
        });
      });
    });
  }

  function records(data) {
    var kind = (data.meta && data.meta.kind) || "page";
    var department = (data.filters && data.filters.department && data.filters.department[0]) || "";
    var title = (data.meta && data.meta.title) || data.url;
    if (kind !== "catalogue") return [{ kind: kind, title: title, url: data.url, department: department, excerpt: data.excerpt }];
    var entries = (data.sub_results || []).filter(function (sub) { return /#\d{5}$/.test(sub.url); });
    entries.sort(function (a, b) { return (b.locations || []).length - (a.locations || []).length; });
    return entries.slice(0, 3).map(function (sub) {
      return { kind: "entry", title: sub.title, url: sub.url, department: department, context: title };
    });
  }

  function search(query, filters) {
    var text = query.trim();
    if (!text) return Promise.resolve([]);
    return Promise.all([exact(text), pagefind()]).then(function (both) {
      var found = both[0], pf = both[1];
      return findPages(pf, text, filters).then(function (pages) {
        return Promise.all(pages.slice(0, RESULTS).map(function (page) { return page.data(); }));
      }).then(function (datas) {
        var seen = {}, results = [];
        found.concat.apply(found, datas.map(records)).forEach(function (r) {
          var url = new URL(r.url, root).href;
          if (!seen[url]) { seen[url] = true; r.url = url; results.push(r); }
        });
        return results;
      });
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;  // never innerHTML: titles come from contributors
    return node;
  }

  function render(list, results) {
    list.textContent = "";
    results.forEach(function (r) {
      var item = el("li", "zwgk-result zwgk-result--" + r.kind);
      var link = el("a", "zwgk-result__title", r.title);
      link.href = r.url;
      item.appendChild(link);
      var meta = [KIND[r.kind] || "", r.department, r.code, r.context].filter(Boolean).join(" · ");
      item.appendChild(el("p", "zwgk-result__meta", (r.exact ? "编码完全匹配 · " : "") + meta));
      list.appendChild(item);
    });
  }

  // For tests and for pages that want to embed a search of their own.
  window.zwgkSearch = { search: search, exact: exact, normaliseCode: normaliseCode, gramTokens: gramTokens, shardOf: shardOf };

  // The header box: an exact code opens its record, anything else the search page.
  var box = document.getElementById("zwgk-search-form");
  if (box) {
    box.elements.q.addEventListener("focus", function () { pagefind().catch(function () {}); });
    box.addEventListener("submit", function (event) {
      var query = box.elements.q.value;
      if (!query.trim()) { event.preventDefault(); return; }
      event.preventDefault();
      exact(query).catch(function () { return []; }).then(function (found) {
        if (found.length === 1) window.location.href = found[0].url;
        else window.location.href = new URL("search/?q=" + encodeURIComponent(query), root).href;
      });
    });
  }

  // The search page.
  var pageForm = document.getElementById("zwgk-search-page-form");
  if (!pageForm) return;
  var input = pageForm.elements.q, status = document.getElementById("zwgk-search-status");
  var list = document.getElementById("zwgk-search-results");
  var params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  var selects = {};
  FILTERS.forEach(function (name) { selects[name] = pageForm.querySelector('select[data-filter="' + name + '"]'); });

  // The filters' values are downloaded when someone opens the filters (or arrives with one set), not
  // with the first query: they are a sizeable part of the index.
  var filtersLoaded = null;
  function loadFilters() {
    if (!filtersLoaded) {
      filtersLoaded = pagefind().then(function (pf) { return pf.filters(); }).then(function (available) {
        FILTERS.forEach(function (name) {
          var current = selects[name].value || params.get(name) || "";
          Object.keys(available[name] || {}).sort().forEach(function (value) {
            if ([].some.call(selects[name].options, function (o) { return o.value === value; })) return;
            var option = el("option", "", value);
            option.value = value;
            selects[name].appendChild(option);
          });
          selects[name].value = current;
        });
      }).catch(function () { filtersLoaded = null; });
    }
    return filtersLoaded;
  }
  FILTERS.forEach(function (name) {
    var value = params.get(name);
    if (value) {  // keep the value selectable before the list arrives
      var option = el("option", "", value);
      option.value = value;
      selects[name].appendChild(option);
      selects[name].value = value;
    }
    selects[name].addEventListener("focus", loadFilters);
    selects[name].addEventListener("mousedown", loadFilters);
  });
  if (FILTERS.some(function (name) { return params.get(name); })) loadFilters();
  pagefind().catch(function (error) { status.textContent = "搜索无法加载：" + error.message; });

  var generation = 0;
  function run() {
    var query = input.value, filters = {}, state = new URLSearchParams();
    if (query) state.set("q", query);
    FILTERS.forEach(function (name) {
      var value = selects[name].value || params.get(name) || "";
      if (value) { filters[name] = value; state.set(name, value); }
    });
    window.history.replaceState(null, "", "?" + state.toString());
    var mine = ++generation;
    if (!query.trim()) { list.textContent = ""; status.textContent = "请输入搜索词。"; return; }
    status.textContent = "正在搜索……";
    search(query, filters).then(function (results) {
      if (mine !== generation) return;
      render(list, results);
      status.textContent = results.length ? "找到 " + results.length + " 条结果。" : "没有找到与“" + query + "”相关的结果。请换一个词，或检查编码是否完整。";
    }).catch(function (error) {
      if (mine !== generation) return;
      status.textContent = "搜索出错：" + error.message;
    });
  }

  var timer = null;
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 200); });
  FILTERS.forEach(function (name) {
    selects[name].addEventListener("change", function () { params.delete(name); run(); });
  });
  pageForm.addEventListener("submit", function (event) {
    event.preventDefault();
    exact(input.value).catch(function () { return []; }).then(function (found) {
      if (found.length === 1) window.location.href = found[0].url;
      else run();
    });
  });
  if (input.value) run();
})();
