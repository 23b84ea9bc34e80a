// The large display (大屏) reloads itself, so a meeting-room screen stays current.
"use strict";
(function () {
  var seconds = parseInt(document.body.getAttribute("data-refresh") || "300", 10);
  window.setTimeout(function () {
    window.location.reload();
  }, Math.max(seconds, 30) * 1000);
})();
