/* zwgk: the portal's small behaviours. Everything works without it except the 长者模式 switch, which
   needs storage to persist (the class itself is set before paint by an inline script in <head>).
   1. 长者模式: toggled by the header button, remembered in localStorage across pages.
   2. Keyboard: the menu button opens the navigation drawer on Enter and Space; while the drawer is
      closed on a narrow screen its links are inert (not reachable by Tab); Escape closes it.
   3. Tables: a table wider than its column says so visibly; a permalink opens its entry and keeps the
      row's first column in view. */
(function () {
  "use strict";
  var root = document.documentElement;

  // ---- 1. 长者模式 ------------------------------------------------------------------------------
  var ELDER_KEY = "zwgk-elder";
  var toggle = document.getElementById("zwgk-elder-toggle");
  function showElder() {
    if (toggle) toggle.setAttribute("aria-pressed", root.classList.contains("zwgk-elder") ? "true" : "false");
  }
  if (toggle) {
    toggle.addEventListener("click", function () {
      var on = !root.classList.contains("zwgk-elder");
      root.classList.toggle("zwgk-elder", on);
      try {
        if (on) localStorage.setItem(ELDER_KEY, "1");
        else localStorage.removeItem(ELDER_KEY);
      } catch (e) { /* private mode: the choice lasts for this page only */ }
      showElder();
      markScrollingTables();
    });
  }
  showElder();

  // ---- 2. Menu button and drawer ----------------------------------------------------------------
  var drawer = document.getElementById("__drawer");
  var menu = document.querySelector(".zwgk-menu-button");
  var sidebar = document.querySelector(".md-sidebar--primary");
  var narrow = window.matchMedia("(max-width: 76.234375em)");
  function syncDrawer() {
    if (!drawer || !sidebar) return;
    var open = drawer.checked;
    if (menu) {
      menu.setAttribute("aria-expanded", open ? "true" : "false");
      menu.setAttribute("aria-label", open ? "关闭导航菜单" : "打开导航菜单");
    }
    if (narrow.matches && !open) sidebar.setAttribute("inert", "");
    else sidebar.removeAttribute("inert");
  }
  if (drawer && sidebar) {
    sidebar.id = sidebar.id || "zwgk-drawer";
    if (menu) menu.setAttribute("aria-controls", sidebar.id);
    drawer.addEventListener("change", function () {
      syncDrawer();
      if (drawer.checked) {
        var first = sidebar.querySelector("a[href], label[tabindex]");
        if (first && document.activeElement === menu) first.focus();
      }
    });
    if (narrow.addEventListener) narrow.addEventListener("change", syncDrawer);
    syncDrawer();
  }
  if (menu) {
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        menu.click();
      }
    });
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && drawer && drawer.checked) {
      drawer.checked = false;
      drawer.dispatchEvent(new Event("change"));
      if (menu) menu.focus();
    }
  });

  // ---- 3. Tables and permalinks -----------------------------------------------------------------
  // On a phone each row is a card and each cell shows its column's name (CSS: td::before with
  // attr(data-label)). Cells the builders did not label get it here from the header rows, with the
  // group heading of a column under a spanning header ("法人或其他组织 · 商业企业").
  function labelCells(table) {
    var head = table.tHead;
    if (!head) return;
    var grid = [];
    for (var r = 0; r < head.rows.length; r++) {
      grid[r] = grid[r] || [];
      var col = 0;
      for (var c = 0; c < head.rows[r].cells.length; c++) {
        var cell = head.rows[r].cells[c];
        while (grid[r][col]) col++;
        for (var dr = 0; dr < cell.rowSpan; dr++) {
          grid[r + dr] = grid[r + dr] || [];
          for (var dc = 0; dc < cell.colSpan; dc++) grid[r + dr][col + dc] = cell;
        }
        col += cell.colSpan;
      }
    }
    var labels = [];
    var width = grid.length ? grid[0].length : 0;
    for (var x = 0; x < width; x++) {
      var names = [];
      for (var y = 0; y < grid.length; y++) {
        var th = grid[y][x];
        var text = th ? th.textContent.replace(/[⇅▲▼]/g, "").replace(/\s+/g, " ").trim() : "";
        if (text && names.indexOf(text) < 0) names.push(text);
      }
      labels[x] = names.join(" · ");
    }
    var bodies = table.tBodies;
    for (var b = 0; b < bodies.length; b++) {
      for (var i = 0; i < bodies[b].rows.length; i++) {
        var cells = bodies[b].rows[i].cells, at = 0;
        for (var k = 0; k < cells.length; k++) {
          if (!cells[k].hasAttribute("data-label") && labels[at]) cells[k].setAttribute("data-label", labels[at]);
          at += cells[k].colSpan;
        }
      }
    }
  }
  var tables = document.querySelectorAll("table.zwgk-data");
  for (var t = 0; t < tables.length; t++) labelCells(tables[t]);

  function markScrollingTables() {
    var wrappers = document.querySelectorAll(".zwgk-table");
    for (var i = 0; i < wrappers.length; i++) {
      var wrapper = wrappers[i];
      var scrolls = wrapper.scrollWidth > wrapper.clientWidth + 1;
      wrapper.classList.toggle("zwgk-table--scrolls", scrolls);
      var hint = wrapper.previousElementSibling;
      var has = hint && hint.classList.contains("zwgk-scroll-hint");
      if (scrolls && !has) {
        hint = document.createElement("p");
        hint.className = "zwgk-scroll-hint";
        hint.textContent = "表格较宽：左右滑动（或在表格上按左右方向键）可查看其余各列。";
        wrapper.parentNode.insertBefore(hint, wrapper);
      } else if (!scrolls && has) {
        hint.parentNode.removeChild(hint);
      }
    }
  }
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) return;
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
      if (node.classList && node.classList.contains("zwgk-table")) node.scrollLeft = 0;
    }
  }
  var resizing;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(markScrollingTables, 150);
  });
  window.addEventListener("hashchange", openTarget);
  markScrollingTables();
  openTarget();
})();
