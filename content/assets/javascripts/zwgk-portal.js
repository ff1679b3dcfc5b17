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
