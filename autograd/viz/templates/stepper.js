// The backward stepper: every frame is a <figure> already on the page; showing one hides the others.
(function () {
  var frames = Array.prototype.slice.call(document.querySelectorAll(".frame"));
  startPlayer(frames.length, function (k) {
    frames.forEach(function (f, i) { f.hidden = i !== k; f.classList.toggle("current", i === k); });
  }, 1400);
})();
