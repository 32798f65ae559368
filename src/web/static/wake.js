// Keeps the screen on while a barcode is shown (Screen Wake Lock API, where the browser
// has it), and takes the lock again when the page becomes visible after a switch.
(function () {
  "use strict";
  if (!("wakeLock" in navigator)) { return; }
  var lock = null;
  function take() {
    navigator.wakeLock.request("screen").then(function (l) { lock = l; }).catch(function () {});
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && lock === null) { take(); }
  });
  take();
}());
