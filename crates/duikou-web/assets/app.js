// Small progressive enhancements; every page works without them.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Ask before a form marked data-confirm is sent (revoking a token, terminating a project).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
  // A link to a folded form (填报进展, 新增问题, 推进到) opens it and puts the cursor in it.
  // (Filter selects do not submit on change: an arrow key would fire it; 筛选 applies them.)
  function openTarget() {
    var id = window.location.hash.slice(1);
    var box = id ? document.getElementById(id) : null;
    if (box && box.tagName === "DETAILS") {
      box.open = true;
      var field = box.querySelector("input:not([type=hidden]), select, textarea");
      if (field) {
        field.focus();
      }
    }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
  // 采用对方的值 on a form shown to be merged puts the other writer's value in its field at
  // once; without scripts the button sends the form and the server puts it there.
  document.querySelectorAll("button[data-take]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      var field = document.getElementById(button.getAttribute("data-take"));
      if (field) {
        event.preventDefault();
        field.value = button.getAttribute("data-value");
        button.remove();
        field.focus();
      }
    });
  });
  // Move focus to the first field in error, so keyboard and screen-reader users land on it.
  var invalid = document.querySelector("[aria-invalid=true]");
  if (invalid) {
    invalid.focus();
  }
});

// A long list of choices (units, regions) gets a box above it: typing keeps the options whose
// text holds what was typed, so a district's name finds its units.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select").forEach(function (select) {
    if (select.options.length < 20 || select.multiple) {
      return;
    }
    var box = document.createElement("input");
    box.type = "search";
    box.className = "select-search";
    box.setAttribute("aria-label", select.getAttribute("data-search-label") || "筛选选项");
    box.placeholder = select.getAttribute("data-search-label") || "输入名称筛选…";
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var q = box.value.trim();
      Array.prototype.forEach.call(select.options, function (o) {
        o.hidden = q !== "" && o.value !== "" && o.text.indexOf(q) < 0;
      });
    });
  });
});
