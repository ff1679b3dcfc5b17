/* Sortable tables (class zwgk-sortable): each column heading becomes a button; pressing it sorts the
   rows by that column, numbers as numbers, and aria-sort tells screen readers the order. */
(function () {
  "use strict";
  function key(cell) {
    var text = cell.textContent.trim(), number = parseFloat(text);
    return isNaN(number) ? text : number;
  }
  document.querySelectorAll("table.zwgk-sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th"), body = table.tBodies[0];
    heads.forEach(function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "zwgk-sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var descending = th.getAttribute("aria-sort") !== "descending";
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[column]), y = key(b.cells[column]);
          var order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "zh");
          return descending ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
