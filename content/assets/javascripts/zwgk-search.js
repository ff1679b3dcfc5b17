/* The public search: Pagefind over the built pages, exact codes looked up in small JSON shards, and
   the ranking that `zwgk search` uses too (zwgk/search/ranking.py: `variants`, `match`, `rankKey`,
   `highlightSpans` here must compute what it computes). Written for old browsers too (no build
   step); `normaliseCode`, `gramTokens` and `shardOf` must match zwgk/site/search_tokens.py,
   `prefixCuts` and `prefixKey` zwgk/site/lookup.py. */
(function () {
  "use strict";

  var script = document.getElementById("zwgk-search-script");
  var root = new URL("../../", script.src);          // this file lives in <root>/assets/javascripts/
  var shards = parseInt(script.getAttribute("data-shards"), 10) || 1;
  var KIND = { item: "事项", entry: "目录条目", department: "部门", catalogue: "公开目录", page: "说明" };
  var KIND_FILTER = { "事项": "item", "目录条目": "entry", "部门": "department" };
  var KIND_ORDER = { department: 0, item: 1, entry: 2 };
  var TIERS = ["code", "name", "code-prefix", "in-name", "bigrams", "other"];
  var FILTERS = ["kind", "department", "type", "topic", "year", "validity"];
  var STATIC_FILTERS = { kind: ["事项", "目录条目", "部门"], validity: ["有效", "暂停", "已取消", "已合并", "失效", "废止"] };
  var PAGE_BATCH = 10;    // Pagefind pages whose data is fetched at a time
  var SHOWN = 10;         // results shown at first and added by "显示更多"
  var MIN_RESULTS = 5;    // the first batches are fetched until this many results are found ...
  var FIRST_BATCHES = 2;  // ... or this many batches
  var MAX_VARIANTS = 8;
  var EXCERPT_CHARS = 80;
  var CJK_RUNS = /[\u3400-\u9fff\uf900-\ufaff]{2,}/g;
  var PREFIX_NODES = 12;  // at most this many lists of the next cuts for one query (zwgk/site/prefix_lookup.py)
  // The cuts of a code at which the prefix lookup has a list (zwgk/site/lookup.py `_CUTS`).
  var CUTS = [
    /^[\u3400-\u9fff\uf900-\ufaff]+(?=[^\u3400-\u9fff\uf900-\ufaff])/, /^[\u3400-\u9fff\uf900-\ufaff]+〔\d{4}〕/,
    /^[0-9a-z]{4}/, /^\d{6}/, /^\d{9}/, /^\d{12}/, /^\d{12}-\d{6}/,
    /^[0-9a-z]{18}(?=\/|$)/, /^[0-9a-z]{18}\/\d{4}/, /^[0-9a-z]{18}\/\d{6}/
  ];

  function length(text) { return Array.from(text).length; }  // code points, as Python's len()

  function normaliseCode(value) {
    return value.normalize("NFKC").replace(/\s+/g, "").toLowerCase()
      .replace(/[\[(【（]/g, "〔").replace(/[\])】）]/g, "〕");
  }

  // A character of a Chinese run as three base-36 digits (zwgk/site/search_tokens.py `_slot`).
  function digits36(code) { return ("00" + (code <= 0x9fff ? code - 0x3400 : code - 0xf900 + 0x6c00).toString(36)).slice(-3); }

  function unique(list) { return list.filter(function (value, i) { return list.indexOf(value) === i; }); }

  function gramTokens(text) {
    var tokens = [];
    (text.match(CJK_RUNS) || []).forEach(function (run) {
      for (var i = 0; i + 1 < run.length; i++) tokens.push("zg" + digits36(run.charCodeAt(i)) + digits36(run.charCodeAt(i + 1)));
    });
    return unique(tokens);
  }

  function shardOf(key, count) {
    var bytes = new TextEncoder().encode(key), value = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) value = Math.imul(value ^ bytes[i], 0x01000193) >>> 0;
    return value % (count || shards);
  }

  function prefixCuts(key) {
    var found = unique(CUTS.map(function (pattern) { var m = key.match(pattern); return m ? m[0] : ""; }).filter(Boolean));
    return found.sort(function (a, b) { return length(a) - length(b); });
  }

  // ---- the ranking (zwgk/search/ranking.py) ------------------------------------------------------

  function bigrams(text) {
    var grams = [];
    (text.match(CJK_RUNS) || []).forEach(function (run) {
      var chars = Array.from(run);
      for (var i = 0; i + 1 < chars.length; i++) grams.push(chars[i] + chars[i + 1]);
    });
    return unique(grams);
  }

  function variants(query, synonyms) {
    var base = normaliseCode(query), found = [base];
    (synonyms || []).forEach(function (group) {
      var words = group.map(normaliseCode).filter(Boolean);
      words.forEach(function (word) {
        if (base.indexOf(word) < 0) return;
        words.forEach(function (other) { if (other !== word) found.push(base.split(word).join(other)); });
      });
    });
    return unique(found).slice(0, MAX_VARIANTS);
  }

  function overlap(variant, grams) {
    var own = bigrams(variant);
    if (!own.length) return 0;
    return Math.floor(10 * own.filter(function (g) { return grams.indexOf(g) >= 0; }).length / own.length);
  }

  // Tier 2's closeness: 10 for a main item (basic code SSTTDDMMM000), else 0 (zwgk/site/lookup.py).
  function prefixCloseness(record) {
    var codes = record.codes || [];
    return record.kind === "item" && codes.length && /000$/.test(codes[0]) ? 10 : 0;
  }

  // The order of the records a code's beginning finds, whatever the query (lookup.py `prefix_key`).
  function prefixKey(record) {
    var kind = record.kind in KIND_ORDER ? KIND_ORDER[record.kind] : 3;
    return [record.withdrawn ? 1 : 0, -prefixCloseness(record), kind, -dateNumber(record.date), record.title || "", record.url || ""];
  }

  function closeness(variant, text) { return Math.min(10, Math.floor(10 * length(variant) / Math.max(length(text), 1))); }

  function less(a, b) {
    for (var i = 0; i < a.length; i++) {
      if (a[i] < b[i]) return -1;
      if (a[i] > b[i]) return 1;
    }
    return 0;
  }

  // (tier, closeness) of a record's best match with the query's variants.
  function match(queryVariants, record) {
    var code = queryVariants[0];
    var codes = (record.codes || []).filter(Boolean).map(normaliseCode);
    var title = normaliseCode(record.title || "");
    var names = (record.aliases || []).filter(Boolean).map(normaliseCode);
    if (codes.indexOf(code) >= 0) return [0, 10];
    var keywords = (record.keywords || []).map(normaliseCode);
    var grams = bigrams([title].concat(names, keywords).join("\n"));
    var best = [5, -Math.max.apply(null, queryVariants.map(function (v) { return overlap(v, grams); }))];
    if (length(code) >= 4 && /[0-9〔]/.test(code) && codes.some(function (c) { return c.indexOf(code) === 0; })) {
      best = [2, -prefixCloseness(record)];
    }
    queryVariants.forEach(function (variant) {
      if (!variant) return;
      var holders = [title].concat(names).filter(function (text) { return text.indexOf(variant) >= 0; });
      var candidate;
      if (variant === title || names.indexOf(variant) >= 0) candidate = [1, -10];
      else if (holders.length) candidate = [3, -Math.max.apply(null, holders.map(function (text) { return closeness(variant, text); }))];
      else {
        var own = bigrams(variant);
        if (own.length && own.every(function (g) { return grams.indexOf(g) >= 0; })) candidate = [4, -closeness(variant, title)];
        else return;
      }
      if (less(candidate, best) < 0) best = candidate;
    });
    return [best[0], -best[1]];
  }

  function dateNumber(date) {
    var digits = (date || "").replace(/-/g, "");
    return /^\d+$/.test(digits) ? parseInt(digits, 10) : 0;
  }

  function rankKey(queryVariants, record, byDate) {
    var m = match(queryVariants, record), date = -dateNumber(record.date);
    var kind = record.kind in KIND_ORDER ? KIND_ORDER[record.kind] : 3;
    var key = [m[0], record.withdrawn ? 1 : 0, -m[1], kind, date, record.title || "", record.url || ""];
    return byDate ? [date].concat(key) : key;
  }

  function ranked(records, queryVariants, byDate) {
    var keyed = records.map(function (record) { return { record: record, key: rankKey(queryVariants, record, byDate) }; });
    keyed.sort(function (a, b) { return less(a.key, b.key); });
    return keyed.map(function (k) { k.record.tier = TIERS[byDate ? k.key[1] : k.key[0]]; return k.record; });
  }

  // The same item (basic code and name) in several departments is one result: the best of those
  // found, and the others (found, or named by its page's record: `others`, [short name, URL, status]).
  function grouped(records) {
    var groups = [], byKey = {};
    records.forEach(function (record) {
      var key = record.kind === "item" && record.group ? "item|" + record.group + "|" + record.title : "url|" + record.url;
      if (byKey[key]) byKey[key].others.push(record);
      else { byKey[key] = { best: record, others: [] }; groups.push(byKey[key]); }
    });
    groups.forEach(function (group) {
      var seen = {};
      seen[group.best.url] = true;
      group.others.forEach(function (o) { seen[o.url] = true; });
      (group.best.others || []).forEach(function (o) {
        if (!Array.isArray(o)) return;
        var url = new URL(o[1], root).href;
        if (!seen[url]) { seen[url] = true; group.others.push({ department: o[0], url: url, status: o[2] }); }
      });
    });
    return groups;
  }

  function highlightSpans(text, queryVariants) {
    var folded = text.normalize("NFKC").toLowerCase();
    if (length(folded) !== length(text)) folded = text.toLowerCase();
    var chars = Array.from(folded), grams = {}, words = [];
    queryVariants.forEach(function (variant) {
      bigrams(variant).forEach(function (g) { grams[g] = true; });
      (variant.match(/[\u3400-\u9fff\uf900-\ufaff]+|[0-9a-z]{2,}/g) || []).forEach(function (w) { if (/^[\x00-\x7f]+$/.test(w)) words.push(w); });
    });
    var marked = chars.map(function () { return false; });
    for (var i = 0; i + 1 < chars.length; i++) if (grams[chars[i] + chars[i + 1]]) marked[i] = marked[i + 1] = true;
    words.forEach(function (word) {
      var wordChars = Array.from(word).length, joined = chars.join("");
      var at = joined.indexOf(word);
      while (at >= 0) {
        var start = Array.from(joined.slice(0, at)).length;
        for (var j = start; j < start + wordChars; j++) marked[j] = true;
        at = joined.indexOf(word, at + 1);
      }
    });
    var spans = [];
    marked.forEach(function (on, k) {
      if (on && spans.length && spans[spans.length - 1][1] === k) spans[spans.length - 1][1] = k + 1;
      else if (on) spans.push([k, k + 1]);
    });
    return spans;
  }

  // A text with the query's words in <mark>, as DOM nodes (never innerHTML: the text is a contributor's).
  function highlighted(node, text, queryVariants, window) {
    var chars = Array.from(text), spans = highlightSpans(text, queryVariants);
    var start = 0, end = chars.length;
    if (window) {
      start = spans.length ? Math.max(0, spans[0][0] - Math.floor(EXCERPT_CHARS / 4)) : 0;
      end = Math.min(chars.length, start + EXCERPT_CHARS);
    }
    if (start) node.appendChild(document.createTextNode("…"));
    var at = start;
    spans.forEach(function (span) {
      var left = Math.max(span[0], start), right = Math.min(span[1], end);
      if (left >= right) return;
      node.appendChild(document.createTextNode(chars.slice(at, left).join("")));
      node.appendChild(el("mark", "", chars.slice(left, right).join("")));
      at = right;
    });
    node.appendChild(document.createTextNode(chars.slice(at, end).join("")));
    if (end < chars.length) node.appendChild(document.createTextNode("…"));
    return node;
  }

  // ---- the search data: settings, exact codes, Pagefind --------------------------------------------

  function getJSON(path) {
    return fetch(new URL(path, root)).then(function (r) {
      if (!r.ok) throw new Error(path + " " + r.status);
      return r.json();
    });
  }

  var settingsPromise = null;
  function settings() {
    if (!settingsPromise) settingsPromise = getJSON("codes/search.json").catch(function () { return { synonyms: [] }; });
    return settingsPromise;
  }

  var shardCache = {};
  function lookup(key) {
    var shard = shardOf(key);
    if (!shardCache[shard]) shardCache[shard] = getJSON("codes/" + shard + ".json");
    return shardCache[shard].then(function (table) { return resolved(table[key] || []); });
  }

  // A code lookup's list (codes/<n>.json, codes/prefix/): document numbers read from the first pass's
  // record chunks (zwgk/site/title_index.py `resolved`), other records (departments, catalogue pages)
  // as they are.
  function resolved(values) {
    var docnums = values.filter(function (v) { return typeof v === "number"; });
    if (!docnums.length) return Promise.resolve(values);
    return settings().then(function (s) { return titleRecords(docnums, s); }).then(function (records) {
      var byDocnum = {};
      docnums.forEach(function (d, i) { byDocnum[d] = records[i]; });
      return values.map(function (v) { return typeof v === "number" ? byDocnum[v] : v; });
    });
  }

  // Exact codes, 索引号 and 文号; a partial 索引号 also finds its publisher (USCC) and the period's page.
  function exact(query) {
    var key = normaliseCode(query);
    if (key.length < 4 || !/\d/.test(key)) return Promise.resolve([]);
    return lookup(key).then(function (found) {
      if (found.length || !/^[0-9a-z]{18}(\/|$)/.test(key)) return found;
      var keys = [key.slice(0, 18)].concat(key.length >= 25 ? [key.slice(0, 25)] : []);
      return Promise.all(keys.map(lookup)).then(function (all) { return [].concat.apply([], all); });
    }).then(function (found) {
      return found.map(function (record) {
        var copy = {};
        Object.keys(record).forEach(function (k) { copy[k] = record[k]; });
        copy.url = new URL(record.url, root).href;
        copy.exact = normaliseCode(query) === key && (record.codes || []).map(normaliseCode).indexOf(key) >= 0;
        return copy;
      });
    });
  }

  function absolute(records, query) {
    var key = normaliseCode(query);
    return records.map(function (record) {
      var copy = {};
      Object.keys(record).forEach(function (k) { copy[k] = record[k]; });
      copy.url = new URL(record.url, root).href;
      copy.exact = (record.codes || []).map(normaliseCode).indexOf(key) >= 0;
      return copy;
    });
  }

  var prefixCache = {};
  function prefixNode(cut, count) {
    var shard = shardOf(cut, count);
    if (!prefixCache[shard]) prefixCache[shard] = getJSON("codes/prefix/" + shard + ".json");
    return prefixCache[shard].then(function (table) { return table[cut] || null; });
  }

  // A code's beginning (a partial 文号, 索引号 or basic code): the records under the query's deepest
  // cut, and when that list is not complete, those of the next cuts the query begins, so that the
  // ranking sees the first records `zwgk search` sees (zwgk/site/prefix_lookup.py).
  function prefixed(query, count) {
    var key = normaliseCode(query), cuts = prefixCuts(key);
    if (!count || length(key) < 4 || !/[0-9〔]/.test(key) || !cuts.length) return Promise.resolve([]);
    var cut = cuts[cuts.length - 1];
    function begins(record) { return (record.codes || []).some(function (c) { return normaliseCode(c).indexOf(key) === 0; }); }
    return prefixNode(cut, count).then(function (node) {
      if (!node) return [];
      return resolved(node.r).then(function (records) {
        var found = records.filter(begins);
        if (!node.k || cut === key || found.length >= SHOWN) return found;
        var next = node.k.filter(function (k) { return k.indexOf(key) === 0; }).slice(0, PREFIX_NODES);
        return Promise.all(next.map(function (k) { return prefixNode(k, count); })).then(function (nodes) {
          var more = [];
          nodes.forEach(function (n) { if (n) more = more.concat(n.r); });
          return resolved(more).then(function (records) { return found.concat(records.filter(begins)); });
        });
      });
    }).then(function (found) {
      found.sort(function (a, b) { return less(prefixKey(a), prefixKey(b)); });
      return absolute(found, query);
    });
  }

  // ---- the first pass: titles and names (zwgk/site/title_index.py) -------------------------------
  // For an unfiltered relevance query of Chinese characters, tiers 1, 3 and 4 and their closeness come
  // from the bigram postings of titles, names and keywords (one small file per bigram); the rank
  // order is then (tier, withdrawn, -closeness, docnum), and only the shown results' records are fetched.

  var FIELD_TITLE = 0, FIELD_KEYWORD = 1, FIELD_NAME = 2, RECORDS_PER_CHUNK = 8;
  var titleCache = {}, chunkCache = {};

  function readVarint(bytes, at) {
    var value = 0, shift = 0, byte;
    do { byte = bytes[at[0]++]; value += (byte & 0x7f) * Math.pow(2, shift); shift += 7; } while (byte >= 0x80);
    return value;
  }

  // A shard file: {bigram: [start, end]} of its postings in the bytes (decoded when a query needs them).
  function titleShard(number) {
    if (!titleCache[number]) {
      titleCache[number] = fetch(new URL("codes/title/" + number + ".bin", root)).then(function (r) {
        if (!r.ok) throw new Error("title " + number + " " + r.status);
        return r.arrayBuffer();
      }).then(function (buffer) {
        var bytes = new Uint8Array(buffer), at = [0], grams = {}, decoder = new TextDecoder();
        while (at[0] < bytes.length) {
          var size = readVarint(bytes, at), gram = decoder.decode(bytes.subarray(at[0], at[0] + size));
          at[0] += size;
          size = readVarint(bytes, at);
          grams[gram] = [at[0], at[0] + size];
          at[0] += size;
        }
        return { bytes: bytes, grams: grams };
      });
    }
    return titleCache[number];
  }

  // [docnum, field, position, field length, title length] of one bigram's postings.
  function postingsOf(shard, gram) {
    var span = shard.grams[gram], found = [];
    if (!span) return found;
    var bytes = shard.bytes, at = [span[0]], docnum = 0;
    while (at[0] < span[1]) {
      docnum += readVarint(bytes, at);
      var field = readVarint(bytes, at), position = 0, size = 0;
      if (field !== FIELD_KEYWORD) position = readVarint(bytes, at);
      if (field >= FIELD_NAME) size = readVarint(bytes, at);
      var titleLength = readVarint(bytes, at);
      found.push([docnum, field, position, field >= FIELD_NAME ? size : titleLength, titleLength]);
    }
    return found;
  }

  function firstPassVariant(variant) { return /^[\u3400-\u9fff\uf900-\ufaff]{2,}$/.test(variant); }

  function better(a, b) { return a[0] < b[0] || (a[0] === b[0] && a[1] > b[1]); }

  // docnum -> [tier, closeness] of every record matching a variant in its title, names or keywords
  // (zwgk/site/title_index.py `candidates`, zwgk/search/ranking.py `match`).
  function titleCandidates(queryVariants, count) {
    var all = [];
    queryVariants.forEach(function (v) { bigrams(v).forEach(function (g) { all.push(g); }); });
    all = unique(all);
    return Promise.all(all.map(function (g) { return titleShard(shardOf(g, count)); })).then(function (files) {
      var lists = {};
      all.forEach(function (g, i) { lists[g] = postingsOf(files[i], g); });
      var best = {};
      queryVariants.forEach(function (variant) {
        var chars = Array.from(variant), grams = [];
        for (var i = 0; i + 1 < chars.length; i++) grams.push(chars[i] + chars[i + 1]);
        var docs = null;
        unique(grams).forEach(function (g) {
          var these = {};
          lists[g].forEach(function (p) { if (!docs || docs[p[0]]) these[p[0]] = true; });
          docs = these;
        });
        if (!docs) return;
        var places = {}, lengths = {}, titles = {};
        unique(grams).forEach(function (g) {
          lists[g].forEach(function (p) {
            if (!docs[p[0]]) return;
            titles[p[0]] = p[4];
            if (p[1] === FIELD_KEYWORD) return;
            var key = p[0] + ":" + p[1];
            places[key] = places[key] || {};
            (places[key][g] = places[key][g] || {})[p[2]] = true;
            lengths[key] = p[3];
          });
        });
        var fields = {};
        Object.keys(places).forEach(function (key) { var d = key.split(":")[0]; (fields[d] = fields[d] || []).push(key); });
        Object.keys(docs).forEach(function (d) {
          var m = [4, Math.min(10, Math.floor(10 * chars.length / Math.max(titles[d], 1)))];
          (fields[d] || []).forEach(function (key) {
            var where = places[key];
            Object.keys(where[grams[0]] || {}).forEach(function (start) {
              start = parseInt(start, 10);
              for (var i = 0; i < grams.length; i++) if (!(where[grams[i]] || {})[start + i]) return;
              var here = start === 0 && lengths[key] === chars.length ? [1, 10] : [3, Math.min(10, Math.floor(10 * chars.length / Math.max(lengths[key], 1)))];
              if (better(here, m)) m = here;
            });
          });
          if (!best[d] || better(m, best[d])) best[d] = m;
        });
      });
      best.titleShared = sharing(queryVariants, lists, best);
      return best;
    });
  }

  // Tier 5's title part: the records whose title, names and keywords hold all but two of a variant's
  // bigrams (at least one; zwgk/search/query.py `most_bigrams`), [docnum, closeness] (ranking.py
  // `_overlap`, the best over the variants), with `bound`: no record outside them can have a tier 5
  // closeness above it, so that those above it, when active, rank before every text match.
  function sharing(queryVariants, lists, matched) {
    var has = {}, found = {}, bound = -1;
    Object.keys(lists).forEach(function (g) { lists[g].forEach(function (p) { (has[p[0]] = has[p[0]] || {})[g] = true; }); });
    queryVariants.forEach(function (variant) {
      var own = bigrams(variant), need = Math.max(1, own.length - 2);
      if (!own.length) return;
      bound = Math.max(bound, Math.floor(10 * (need - 1) / own.length));
      Object.keys(has).forEach(function (d) {
        if (matched[d]) return;
        var shared = own.filter(function (g) { return has[d][g]; }).length;
        if (shared >= need) found[d] = true;
      });
    });
    var docs = Object.keys(found).map(function (d) {
      var c = Math.max.apply(null, queryVariants.map(function (v) {
        var own = bigrams(v);
        return own.length ? Math.floor(10 * own.filter(function (g) { return has[d][g]; }).length / own.length) : 0;
      }));
      return [parseInt(d, 10), c];
    });
    return { docs: docs, bound: bound };
  }

  // An item's twin (a department's id, or [id, status] when it is not 有效) as a result's other
  // department: [short name, URL, status].
  function twin(t, code, settingsData) {
    var id = typeof t === "string" ? t : t[0], dept = null;
    (settingsData && settingsData.departments || []).forEach(function (d) { if (d[0] === id) dept = d; });
    dept = dept || [id, id, id];
    return [dept[2], impliedUrl({ kind: "item", code: code }, id), typeof t === "string" ? "有效" : t[1]];
  }

  // A record as its chunk holds it, made whole again (zwgk/site/record_chunks.py `full_record`): the
  // department's names and level from the settings' departments, the URL from the department's and
  // the record's codes, `kind` entry, `status` 有效, `withdrawn` false, `codes` the record's code and 文号, an
  // item's `group` its code, where the chunk leaves them out.
  function impliedUrl(record, dept, rows) {
    if (record.kind === "item") return "items/" + dept + "/" + record.code + "/";
    var found = /\/(\d{4}(?:\d{2})?)-(\d+)$/.exec(record.code || "");
    if (record.kind !== "entry" || !found) return undefined;
    var serial = parseInt(found[2], 10), chunk = Math.floor((serial - 1) / rows) + 1;
    return "catalogue/" + dept + "/" + found[1] + "/" + (chunk > 1 ? chunk + "/" : "") + "#" + String(serial).padStart(5, "0");
  }

  function fullRecord(source, settingsData) {
    var record = {};
    Object.keys(source).forEach(function (k) { if (k !== "dept") record[k] = source[k]; });
    if (record.kind === undefined) record.kind = "entry";
    if (source.dept !== undefined) {
      (settingsData && settingsData.departments || []).forEach(function (d) {
        if (d[0] === source.dept) { record.department = d[2]; record.department_name = d[1]; record.level = d[3]; }
      });
      if (record.url === undefined) record.url = impliedUrl(record, source.dept, settingsData.rows_per_page);
    }
    if (record.status === undefined) record.status = "有效";
    if (record.withdrawn === undefined) record.withdrawn = false;
    if (record.codes === undefined) record.codes = [record.code].concat(record.doc_number ? [record.doc_number] : []);
    if (record.kind === "item" && record.group === undefined) record.group = record.code;
    return record;
  }

  // The records of some docnums (chunks of RECORDS_PER_CHUNK), as the page records are: absolute URLs,
  // and a lead's twins as `others` ([short name, URL, status]).
  function titleRecords(docnums, settingsData) {
    var chunks = unique(docnums.map(function (d) { return Math.floor(d / RECORDS_PER_CHUNK); }));
    return Promise.all(chunks.map(function (c) {
      if (!chunkCache[c]) chunkCache[c] = getJSON("codes/records/" + c + ".json");
      return chunkCache[c];
    })).then(function () {
      return Promise.all(docnums.map(function (d) { return chunkCache[Math.floor(d / RECORDS_PER_CHUNK)]; })).then(function (got) {
        return docnums.map(function (d, i) {
          var source = got[i][d % RECORDS_PER_CHUNK], record = fullRecord(source, settingsData);
          record.url = new URL(record.url, root).href;
          if (source.twins) record.others = source.twins.map(function (t) { return twin(t, source.code, settingsData); });
          return record;
        });
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
      // pagefind/parts.json; see zwgk/site/pagefind_parts.py), merged into it as Pagefind loads. The
      // pages changed since their part was indexed are in a part of their own; parts.json lists their
      // old versions' page hashes as stale, and their results are passed over.
      var parts = fetch(new URL("pagefind/parts.json", root)).then(function (r) {
        if (!r.ok) throw new Error("parts " + r.status);
        return r.json();
      });
      pagefindPromise = Promise.all([import(new URL("pagefind/pagefind.js", root).href), parts]).then(function (both) {
        var module = both[0], listed = both[1], stale = {};
        (listed.stale || []).forEach(function (hash) { stale[hash] = true; });
        function current(res) {
          // A page whose indexed text did not change is in both its part and the changed pages' part,
          // under one hash: it is kept once.
          var seen = {};
          if (res && res.results) {
            res.results = res.results.filter(function (r) {
              if (stale[r.id] || seen[r.id]) return false;
              seen[r.id] = true;
              return true;
            });
          }
          return res;
        }
        return module.options({ baseUrl: root.pathname, excerptLength: 20, noWorker: true })
          .then(function () { return module.init(); })
          .then(function () {
            return Promise.all(listed.parts.map(function (name) {
              var part = new URL("pagefind/parts/" + name + "/", root).pathname;
              return module.mergeIndex(part, { baseUrl: root.pathname, excerptLength: 20 });
            }));
          })
          .then(function () {
            return {
              search: function (query, options) { return module.search(query, options).then(current); },
              filters: function () { return module.filters(); }
            };
          });
      });
    }
    return pagefindPromise;
  }

  // Passes, best first, each run only when those before found fewer than five pages (each downloads
  // index chunks of its own, and a phone on a slow line should not pay for passes it does not need):
  // the bigrams of the query and of its synonym variants all present (a title or name containing it,
  // whatever Pagefind's word segmentation makes of it), then Pagefind's own words, then pages
  // sharing all but two bigrams (one mistyped character breaks two).
  function findPages(pf, query, queryVariants, filters, titlesKnown) {
    var pages = [], known = {};
    function add(res) {
      (res ? res.results : []).forEach(function (r) { if (!known[r.id]) { known[r.id] = true; pages.push(r); } });
    }
    function spaced(text) {
      var tokens = gramTokens(text);  // every other bigram (and the last) is enough to require the whole text
      return tokens.filter(function (token, i) { return i % 2 === 0 || i === tokens.length - 1; }).join(" ");
    }
    // After the first pass (zwgk/site/title_index.py), which found every title and name holding the
    // bigrams, only the text's words and the titles sharing most bigrams are left to find.
    var grams = titlesKnown ? [] : unique([query].concat(queryVariants).map(spaced).filter(Boolean));
    var start = normaliseCode(query).match(/^([0-9a-z]{9}|[0-9a-z]{18})\/(\d{4})?/);  // a partial 索引号
    if (start) grams.unshift("zi" + start[1] + (start[2] ? "y" + start[2] : ""));
    return Promise.all(grams.map(function (g) { return pf.search(g, { filters: filters }); })).then(function (all) {
      // The pages found by the start of a 索引号 (a token of the page's, not of each entry's): their
      // entries whose 索引号 begins so are taken from the page's headings (`indexSubResults`).
      if (start && all[0]) all[0].results.forEach(function (r) { r.zwgkIndexStart = [start[1], start[2] || ""]; });
      all.forEach(add);
      if (pages.length >= 5) return pages;
      // The pages only the text finds rank by their records' kind and date (tier 5), not by how
      // often the words occur: those holding the query as a phrase come in the order of their sort
      // key `q` (the best record's quality, zwgk/site/lookup.py `quality`), the order in which
      // `zwgk search` takes them too; when no page holds the phrase, Pagefind's own words and order.
      var phrase = '"' + query.replace(/"/g, " ").trim() + '"';
      return pf.search(phrase, { filters: filters, sort: { q: "desc" } }).then(function (exact) {
        return exact && exact.results.length ? exact : pf.search(query, { filters: filters });
      }).then(function (words) {
        add(words);
        var tokens = gramTokens(query);
        if (pages.length >= 5 || tokens.length < 2) return pages;
        return Promise.all(tokens.map(function (token) { return pf.search(token, { filters: filters }); })).then(function (each) {
          var counts = {}, firstSeen = {};
          each.forEach(function (one) {
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

  // The search-only tokens of a page (zwgk/site/search_tokens.py: "zg" + two characters in base 36 for
  // each pair of characters, "zi" + a 索引号's prefix) are indexed but never shown to a reader.
  var SEARCH_TOKEN = /(^|[^0-9A-Za-z])z[gi][0-9A-Za-z]*…?/g;

  function plain(html) {
    // Pagefind's own excerpt, parsed in an inert document (no scripts, no image loads) to take its text.
    var text = new DOMParser().parseFromString(html, "text/html").body.textContent || "";
    return text.replace(SEARCH_TOKEN, "$1").replace(/\s{2,}/g, " ").trim();
  }

  // A catalogue entry's result excerpt: its sub-result's excerpt (its 内容概述, the only field indexed
  // under its heading besides the title, the 文号 and the keywords), without the title it starts with.
  function entryExcerpt(sub) {
    var text = plain(sub.excerpt || ""), title = (sub.title || "").trim();
    if (title && text.indexOf(title) === 0) text = text.slice(title.length).replace(/^[.。\s]+/, "");
    return text;
  }

  // The sub-results of a catalogue page found by the start of a 索引号 (`start`: [publisher's code,
  // year or ""], normalised): its entries whose 索引号 has that start (zwgk/site/search_tokens.py
  // `index_tokens`), as Pagefind would make them had each entry carried the token after its heading:
  // the heading's text as the title, the page's URL and the heading's id, and as the excerpt the
  // entry's title and the first words after it (its 内容概述: `entryExcerpt` takes the title off).
  var EXCERPT_WORDS = 20, INDEX_START = /^([0-9a-z]{9}|[0-9a-z]{18})\/(\d{4})/;
  function indexSubResults(data, entries, prefix, start) {
    var raw = data.raw_content || "", zws = raw.indexOf("\u200B") >= 0;
    var words = zws ? raw.split("\u200B") : raw.split(/[\r\n\s]+/g);
    var headings = (data.anchors || []).filter(function (a) { return /^h\d$/i.test(a.element) && a.text && /\S/.test(a.text); })
      .sort(function (a, b) { return a.location - b.location; });
    var found = [];
    headings.forEach(function (a, i) {
      var fields = /^\d{5}$/.test(a.id || "") ? entries[a.id] : null;
      if (!fields) return;
      var m = normaliseCode(fields[0] || prefix + a.id).match(INDEX_START);
      if (!m || m[1] !== start[0] || (start[1] && m[2] !== start[1])) return;
      var end = i + 1 < headings.length ? headings[i + 1].location : words.length, at = a.location, title = "";
      while (at < end && title.length < a.text.trim().length) title = (title + (zws ? "" : " ") + words[at++]).replace(/&lt;/g, "<").replace(/&gt;/g, ">").trim();
      found.push({ url: data.url + "#" + a.id, title: a.text, excerpt: words.slice(a.location, Math.min(end, at + EXCERPT_WORDS)).join(zws ? "" : " ") });
    });
    return found;
  }

  // The records of one page's search data: its own (items, departments), or its entries (catalogue pages:
  // [索引号, 有效性, 生成日期, 文号, 关键词] by serial, zwgk/site/static_search.py `entry_fields`; the 索引号
  // empty when it is the page's `index` + the serial). `indexStart`: the page was found by the start of
  // a 索引号 (findPages).
  function records(data, settingsData, indexStart) {
    var kind = (data.meta && data.meta.kind) || "page", own = {};
    try { own = JSON.parse((data.meta && data.meta.zwgk) || "{}"); } catch (error) { own = {}; }
    var url = new URL(data.url, root).href;
    if (kind === "catalogue") {
      var entries = own.entries || {}, prefix = own.index || "";
      var subs = (data.sub_results || []).filter(function (sub) { return /#\d{5}$/.test(sub.url); });
      if (indexStart) {
        var listed = {};
        subs.forEach(function (sub) { listed[sub.url.slice(-5)] = true; });
        subs = subs.concat(indexSubResults(data, entries, prefix, indexStart).filter(function (sub) { return !listed[sub.url.slice(-5)]; }));
      }
      return subs.map(function (sub) {
        var serial = sub.url.slice(-5), fields = entries[serial] || [], record = {};
        record.code = fields[0] || (fields.length && prefix ? prefix + serial : "");
        record.status = fields[1] || "";
        record.withdrawn = record.status !== "有效";
        record.date = fields[2] || "";
        record.codes = [record.code].concat(fields[3] ? [fields[3]] : []).filter(Boolean);
        if (fields[3]) record.doc_number = fields[3];
        if (fields[4] && fields[4].length) record.keywords = fields[4];
        var excerpt = entryExcerpt(sub);
        if (excerpt) record.excerpt = excerpt;
        record.kind = "entry";
        record.title = sub.title;
        record.url = new URL(sub.url, root).href;
        record.department = own.department || "";
        record.department_name = own.department_name || "";
        record.level = own.level || "";
        return record;
      });
    }
    if (own.kind === "item") {
      // The group is the basic code; the other departments' pages as the first pass's twins (titleRecords).
      own.group = own.group || own.code;
      own.others = (own.others || []).map(function (t) { return Array.isArray(t) && t.length === 3 ? t : twin(t, own.code, settingsData); });
    }
    if (own.kind) { own.url = url; own.excerpt = own.excerpt || plain(data.excerpt || ""); return [own]; }
    return [{ kind: "page", title: (data.meta && data.meta.title) || data.url, url: url, excerpt: plain(data.excerpt || "") }];
  }

  function keep(record, filters) {
    if (filters.kind && record.kind !== KIND_FILTER[filters.kind]) return false;
    if (filters.validity && record.status !== filters.validity) return false;
    if (filters.department && record.department !== filters.department) return false;
    if (filters.type && record.kind === "item" && record.type !== filters.type) return false;
    if (filters.year && record.kind === "entry" && (record.date || "").slice(0, 4) !== filters.year) return false;
    return true;
  }

  // A search: found pages, whose data is fetched a batch at a time (`more`), and the ranked, grouped
  // results of what has been fetched.
  function Search(query, filters, byDate) {
    this.query = query.trim();
    this.filters = filters;
    this.byDate = byDate;
    this.records = [];
    this.loaded = 0;
  }

  Search.prototype.start = function () {
    var self = this;
    if (!self.query) return Promise.resolve(self);
    var prefix = settings().then(function (s) { return prefixed(self.query, s.prefix_shards); });
    return Promise.all([exact(self.query), settings(), prefix]).then(function (all) {
      self.settings = all[1];
      self.variants = variants(self.query, all[1].synonyms);
      var departments = (all[1].departments || []).map(function (d) {
        return { kind: "department", code: d[0], title: d[1], department: d[2], department_name: d[1], level: d[3],
          codes: [d[4]], aliases: [d[2]], status: "", withdrawn: false, date: "", url: new URL(d[5], root).href };
      });
      self.departments = departments;
      self.records = all[0].concat(all[2], departments.filter(function (d) { return match(self.variants, d)[0] <= 4; }));
      var unfiltered = !Object.keys(self.filters).some(function (k) { return self.filters[k]; });
      if (unfiltered && !self.byDate && all[1].title_shards && self.variants.every(firstPassVariant)) return self.firstPass();
      return self.startText();
    });
  };

  // The first pass (titles and names): every candidate ranked, the first page's records fetched. Fewer
  // results than a page: the text matches (Pagefind) are looked for too.
  Search.prototype.firstPass = function () {
    var self = this, withdrawnFrom = self.settings.withdrawn_from;
    return titleCandidates(self.variants, self.settings.title_shards).then(function (found) {
      var near = found.titleShared;
      delete found.titleShared;
      var keyed = Object.keys(found).map(function (d) {
        d = parseInt(d, 10);
        return { docnum: d, key: [found[d][0], d >= withdrawnFrom ? 1 : 0, -found[d][1], d] };
      });
      // When tiers 1-4 do not fill a page: the active titles sharing most bigrams whose closeness no
      // text match can reach come next, in the ranking's order (the text's matches follow them).
      if (keyed.length < SHOWN) {
        near.docs.forEach(function (n) {
          if (n[0] < withdrawnFrom && n[1] > near.bound) keyed.push({ docnum: n[0], key: [5, 0, -n[1], n[0]] });
        });
        self.departments.forEach(function (d) {  // departments come before items when the match ties
          var m = match(self.variants, d);
          if (m[0] === 5 && m[1] > near.bound) self.records.push(d);
        });
      }
      keyed.sort(function (a, b) { return less(a.key, b.key); });
      self.first = keyed.map(function (k) { return k.docnum; });
      self.firstLoaded = 0;
      return self.moreFirst(SHOWN);
    }).then(function () {
      return self.first.length + self.records.length < SHOWN ? self.startText() : self;
    });
  };

  Search.prototype.moreFirst = function (count) {
    var self = this, batch = self.first.slice(self.firstLoaded, self.firstLoaded + count);
    self.firstLoaded += batch.length;
    return titleRecords(batch, self.settings).then(function (found) {
      self.records = self.records.concat(found);
      return self;
    });
  };

  // The text matches: Pagefind (loaded now if it is not yet), its pages a batch at a time.
  Search.prototype.startText = function () {
    var self = this;
    self.text = true;
    return pagefind().then(function (pf) {
      self.pf = pf;
      return findPages(pf, self.query, self.variants, pagefindFilters(self.filters), !!self.first);
    }).then(function (pages) {
      self.pages = pages;
      return self.fill(FIRST_BATCHES);
    });
  };

  // Whether the first pass has candidates whose records are not fetched yet.
  Search.prototype.firstLeft = function () { return this.first ? this.first.length - this.firstLoaded : 0; };

  // The next page's worth: the first pass's next records, then (once they are all shown) the text matches.
  Search.prototype.next = function (count) {
    if (this.firstLeft()) return this.moreFirst(count);
    if (!this.text) return this.startText();
    return this.complete() ? Promise.resolve(this) : this.fill(FIRST_BATCHES);
  };

  // Fetch batches until there are enough results to show (one item done by many departments fills
  // a batch with one result), at most `batches` of them.
  Search.prototype.fill = function (batches) {
    var self = this;
    return self.more().then(function () {
      if (batches <= 1 || self.complete() || self.results().length >= MIN_RESULTS) return self;
      return self.fill(batches - 1);
    });
  };

  Search.prototype.more = function () {
    var self = this, batch = (self.pages || []).slice(self.loaded, self.loaded + PAGE_BATCH);
    self.loaded += batch.length;
    return Promise.all(batch.map(function (page) { return page.data(); })).then(function (datas) {
      datas.forEach(function (data, i) { self.records = self.records.concat(records(data, self.settings, batch[i].zwgkIndexStart)); });
      return self;
    });
  };

  Search.prototype.complete = function () { return !this.firstLeft() && (!this.pages || this.loaded >= this.pages.length); };

  Search.prototype.results = function () {
    var seen = {}, self = this;
    var mine = self.records.filter(function (record) {
      if (seen[record.url] || !keep(record, self.filters)) return false;
      seen[record.url] = true;
      return true;
    });
    return grouped(ranked(mine, self.variants || [normaliseCode(self.query)], self.byDate));
  };

  function pagefindFilters(filters) {
    var chosen = {};
    Object.keys(filters).forEach(function (name) { if (filters[name]) chosen[name] = filters[name]; });
    return chosen;
  }

  // Load until there are `count` results or nothing is left (a batch of pages of twins adds no result).
  Search.prototype.until = function (count, steps) {
    var self = this;
    steps = steps === undefined ? 20 : steps;
    if (self.results().length >= count || (self.text && self.complete()) || steps <= 0) return Promise.resolve(self);
    return self.next(SHOWN).then(function () { return self.until(count, steps - 1); });
  };

  // Whether the text matches are still to be looked for: the first pass found fewer than a page.
  Search.prototype.needsText = function () { return !this.text && this.results().length < SHOWN; };

  // A simple search for scripts and tests: the ranked results (one per group) of the first batch,
  // with the text matches when the first pass found fewer than a page.
  function search(query, filters, byDate) {
    return new Search(query, filters || {}, byDate).start().then(function (s) {
      return s.needsText() ? s.startText() : s;
    }).then(function (s) {
      return s.results().map(function (group) { group.best.others = group.others; return group.best; });
    });
  }

  // ---- the page ----------------------------------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;  // never innerHTML: titles come from contributors
    return node;
  }

  var WITHDRAWN = { "已取消": true, "已合并": true, "失效": true, "废止": true };

  function renderOne(group, queryVariants) {
    var r = group.best;
    var item = el("li", "zwgk-result zwgk-result--" + r.kind);
    item.setAttribute("data-kind", r.kind);
    item.setAttribute("data-code", r.code || "");
    item.setAttribute("data-department", r.department || "");
    item.setAttribute("data-status", r.status || "");
    item.setAttribute("data-title", r.title || "");
    item.setAttribute("data-tier", r.tier || "");
    var heading = el("p", "zwgk-result__heading");
    heading.appendChild(el("span", "zwgk-result__kind", KIND[r.kind] || ""));
    if (r.status && r.status !== "有效") {
      heading.appendChild(el("span", "zwgk-result__status" + (WITHDRAWN[r.status] ? " zwgk-result__status--withdrawn" : ""), r.status));
    }
    var link = highlighted(el("a", "zwgk-result__title"), r.title || r.url, queryVariants, false);
    link.href = r.url;
    heading.appendChild(link);
    item.appendChild(heading);
    var meta = [r.department_name || r.department, r.level];
    if (r.kind === "item") meta.push(r.type, r.code);
    if (r.kind === "entry") meta.push(r.date ? "生成日期 " + r.date : "", r.doc_number, r.status ? "有效性：" + r.status : "", r.code);
    if (r.kind === "department") meta.push(r.department && r.department !== r.title ? "简称 " + r.department : "");
    item.appendChild(el("p", "zwgk-result__meta", (r.exact ? "编码完全匹配 · " : "") + meta.filter(Boolean).join(" · ")));
    if (r.kind === "item" && r.aliases && r.aliases.length) {
      item.appendChild(highlighted(el("p", "zwgk-result__aliases", "俗称："), r.aliases.join("、"), queryVariants, false));
    }
    var text = r.excerpt || (r.keywords && r.keywords.length ? "关键词：" + r.keywords.join("、") : "");
    if (text) item.appendChild(highlighted(el("p", "zwgk-result__excerpt"), text, queryVariants, true));
    if (group.others.length) {
      var others = el("p", "zwgk-result__others", "另有 " + group.others.length + " 个部门实施同一事项：");
      group.others.forEach(function (other, i) {
        if (i) others.appendChild(document.createTextNode("、"));
        var a = el("a", "", other.department || other.department_name);
        a.href = other.url;
        others.appendChild(a);
        if (other.status && other.status !== "有效") others.appendChild(document.createTextNode("（" + other.status + "）"));
      });
      item.appendChild(others);
    }
    return item;
  }

  // For tests and for pages that want to embed a search of their own.
  window.zwgkSearch = {
    search: search, exact: exact, normaliseCode: normaliseCode, gramTokens: gramTokens, shardOf: shardOf,
    bigrams: bigrams, variants: variants, match: match, rankKey: rankKey, highlightSpans: highlightSpans, grouped: grouped,
    prefixCuts: prefixCuts, prefixKey: prefixKey, prefixed: prefixed, titleCandidates: titleCandidates, settings: settings
  };

  // The header box: an exact code opens its record, anything else the search page.
  var box = document.getElementById("zwgk-search-form");
  if (box) {
    box.elements.q.addEventListener("focus", function () { settings(); });
    box.addEventListener("submit", function (event) {
      var query = box.elements.q.value;
      event.preventDefault();
      if (!query.trim()) return;
      exact(query).catch(function () { return []; }).then(function (found) {
        found = found.filter(function (r) { return r.exact; });
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
  var moreButton = document.getElementById("zwgk-search-more");
  // After a first pass that filled a page: the text matches only when the reader asks for them.
  var textButton = el("button", moreButton.className, "在正文中查找更多结果");
  textButton.type = "button";
  textButton.id = "zwgk-search-text";
  textButton.hidden = true;
  moreButton.parentNode.appendChild(document.createTextNode(" "));
  moreButton.parentNode.appendChild(textButton);
  var sortSelect = pageForm.querySelector("select[name=sort]");
  var params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  sortSelect.value = params.get("sort") === "date" ? "date" : "";
  var selects = {};
  FILTERS.forEach(function (name) { selects[name] = pageForm.querySelector('select[data-filter="' + name + '"]'); });

  function addOption(select, value) {
    if ([].some.call(select.options, function (o) { return o.value === value; })) return;
    var option = el("option", "", value);
    option.value = value;
    select.appendChild(option);
  }
  Object.keys(STATIC_FILTERS).forEach(function (name) { STATIC_FILTERS[name].forEach(function (v) { addOption(selects[name], v); }); });

  // The other filters' values are downloaded when someone opens the filters (or arrives with one
  // set), not with the first query: they are a sizeable part of the index.
  var filtersLoaded = null;
  function loadFilters() {
    if (!filtersLoaded) {
      filtersLoaded = pagefind().then(function (pf) { return pf.filters(); }).then(function (available) {
        FILTERS.forEach(function (name) {
          if (STATIC_FILTERS[name]) return;
          var current = selects[name].value || params.get(name) || "";
          Object.keys(available[name] || {}).sort().forEach(function (value) { addOption(selects[name], value); });
          selects[name].value = current;
        });
      }).catch(function () { filtersLoaded = null; });
    }
    return filtersLoaded;
  }
  FILTERS.forEach(function (name) {
    var value = params.get(name);
    if (value) { addOption(selects[name], value); selects[name].value = value; }  // selectable before the list arrives
    if (STATIC_FILTERS[name]) return;
    selects[name].addEventListener("focus", loadFilters);
    selects[name].addEventListener("mousedown", loadFilters);
  });
  if (FILTERS.some(function (name) { return !STATIC_FILTERS[name] && params.get(name); })) loadFilters();
  // Pagefind is loaded when a search needs it (filters, sorting by date, text matches), not on arrival.
  settings();  // the synonyms, departments and the first pass's settings

  var current = null, shown = 0, order = [];

  function show() {
    var groups = current.results();
    // Results already on the page keep their places; newly fetched ones follow in rank order.
    var placed = {}, next = [];
    order.forEach(function (url) { placed[url] = true; });
    var byUrl = {};
    groups.forEach(function (g) { byUrl[g.best.url] = g; if (!placed[g.best.url]) next.push(g.best.url); });
    order = order.filter(function (url) { return byUrl[url]; }).concat(next);
    list.textContent = "";
    order.slice(0, shown).forEach(function (url) { list.appendChild(renderOne(byUrl[url], current.variants)); });
    var count = order.length, sort = current.byDate ? "按日期排列（新的在前）" : "按相关程度排列";
    var left = current.firstLeft() + (current.pages && !current.complete() ? current.pages.length - current.loaded : 0);
    textButton.hidden = true;
    if (!current.pages) {
      // The first pass only: it counts what the titles and names hold; the text may hold more.
      var total = count + current.firstLeft();
      status.textContent = (total ? "标题或名称中找到 " + total + " 条结果" + (total > shown ? "，已显示 " + Math.min(shown, count) + " 条" : "") + "，" + sort
        : "标题和名称中没有“" + current.query + "”") + (current.text ? "；正在正文中查找更多结果……" : "。");
      textButton.hidden = current.text;
    } else if (!count && !left) {
      status.textContent = "没有找到与“" + current.query + "”相关的结果。请换一个词（如事项的俗称），检查编码是否完整，或去掉筛选条件。";
    } else if (left) {
      status.textContent = "找到至少 " + (count + left) + " 条结果，已显示 " + Math.min(shown, count) + " 条，" + sort + "。";
    } else {
      status.textContent = "找到 " + count + " 条结果" + (count > shown ? "，已显示 " + shown + " 条" : "") + "，" + sort + "。";
    }
    moreButton.hidden = !(count > shown || left || (!current.text && count >= shown));
  }

  var generation = 0, running = "";
  function run() {
    clearTimeout(timer);
    var query = input.value, filters = {}, state = new URLSearchParams();
    if (query) state.set("q", query);
    FILTERS.forEach(function (name) {
      var value = selects[name].value || params.get(name) || "";
      if (value) { filters[name] = value; state.set(name, value); }
    });
    var byDate = sortSelect.value === "date";
    if (byDate) state.set("sort", "date");
    window.history.replaceState(null, "", "?" + state.toString());
    // The same search again (Enter after typing, the pause after the last key): keep the one under way.
    if (query.trim() && state.toString() === running) return;
    running = state.toString();
    var mine = ++generation;
    moreButton.hidden = true;
    if (!query.trim()) { list.textContent = ""; status.textContent = "请输入搜索词。"; return; }
    status.textContent = "正在搜索……";
    new Search(query, filters, byDate).start().then(function (s) {
      if (mine !== generation) return;
      current = s; shown = SHOWN; order = [];
      show();
      // Fewer results than a page in the titles and names: the text's matches follow them.
      if (s.needsText()) return s.startText().then(function () { if (mine === generation) show(); });
    }).catch(function (error) {
      if (mine !== generation) return;
      running = "";
      status.textContent = "搜索出错：" + error.message;
    });
  }

  function more(extra) {
    if (!current) return;
    var mine = generation, before = shown;
    shown += extra;
    var need = order.length >= shown ? Promise.resolve(current) : current.until(shown);
    if (!current.text) { textButton.hidden = true; status.textContent = "正在查找更多结果……"; }
    need.then(function () {
      if (mine !== generation) return;
      show();
      var first = list.children[before];
      if (first) first.querySelector("a").focus();  // keyboard and screen-reader users land on the first new result
    });
  }

  moreButton.addEventListener("click", function () { more(SHOWN); });
  textButton.addEventListener("click", function () {
    if (!current || current.text) return;
    var mine = generation;
    status.textContent = "正在正文中查找更多结果……";
    textButton.hidden = true;
    var before = shown;
    current.startText().then(function () { return current.until(shown + SHOWN); }).then(function () {
      if (mine !== generation) return;
      shown += SHOWN;
      show();
      var first = list.children[before];
      if (first) first.querySelector("a").focus();
    });
  });

  var timer = null;
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 200); });
  FILTERS.forEach(function (name) {
    selects[name].addEventListener("change", function () { params.delete(name); run(); });
  });
  sortSelect.addEventListener("change", run);
  pageForm.addEventListener("submit", function (event) {
    event.preventDefault();
    exact(input.value).catch(function () { return []; }).then(function (found) {
      found = found.filter(function (r) { return r.exact; });
      if (found.length === 1) window.location.href = found[0].url;
      else run();
    });
  });
  if (input.value) run();
})();
