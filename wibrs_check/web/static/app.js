// Optional comforts; every page works without this script.
// Drag and drop onto the file chooser, upload progress, and sorting tables by a column.
(function () {
  "use strict";

  function setUp() {
    var drop = document.getElementById("drop");
    var input = document.getElementById("file");
    var form = document.getElementById("upload");
    if (drop && input) {
      ["dragenter", "dragover"].forEach(function (name) {
        drop.addEventListener(name, function (event) { event.preventDefault(); drop.classList.add("over"); });
      });
      ["dragleave", "drop"].forEach(function (name) {
        drop.addEventListener(name, function () { drop.classList.remove("over"); });
      });
      drop.addEventListener("drop", function (event) {
        event.preventDefault();
        if (event.dataTransfer && event.dataTransfer.files.length) {
          input.files = event.dataTransfer.files;
          listChosen(input);
        }
      });
      input.addEventListener("change", function () { listChosen(input); });
    }
    if (form && window.FormData && window.XMLHttpRequest) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var busy = document.getElementById("busy");
        var bar = document.getElementById("upload-progress");
        var button = document.getElementById("submit");
        busy.hidden = false;
        button.disabled = true;
        var request = new XMLHttpRequest();
        request.open("POST", form.action);
        request.upload.addEventListener("progress", function (e) {
          if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
          if (e.loaded === e.total) { busy.firstChild.textContent = "Uploaded; checking… "; }
        });
        request.addEventListener("load", function () {
          if (request.status < 400 && request.responseURL) {
            window.location.assign(request.responseURL);
          } else {
            document.open();
            document.write(request.responseText);
            document.close();
          }
        });
        request.addEventListener("error", function () { form.submit(); });
        request.send(new FormData(form));
      });
    }
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), sortable);
  }

  function listChosen(input) {
    var list = document.getElementById("chosen");
    if (!list) { return; }
    list.textContent = "";
    Array.prototype.forEach.call(input.files, function (file) {
      var item = document.createElement("li");
      item.textContent = file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KB)";
      list.appendChild(item);
    });
  }

  function sortable(table) {
    var headers = table.querySelectorAll("thead th");
    Array.prototype.forEach.call(headers, function (th, column) {
      th.classList.add("sortable-header");
      th.title = "Sort by this column";
      th.addEventListener("click", function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var descending = th.getAttribute("aria-sort") === "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        rows.sort(function (a, b) {
          var x = a.cells[column].textContent.trim(), y = b.cells[column].textContent.trim();
          var nx = parseFloat(x.replace(/,/g, "")), ny = parseFloat(y.replace(/,/g, ""));
          var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
          return descending ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
