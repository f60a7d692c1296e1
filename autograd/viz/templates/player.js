// The controls shared by the backward stepper and the training film: step, back, play, scrub, keys,
// and the address fragment #step=3.  `show(k)` draws frame k; `count` frames exist.
function startPlayer(count, show, interval) {
  var last = count - 1, cur = -1, timer = null;
  var counter = document.getElementById("counter"), slider = document.getElementById("slider");
  var play = document.getElementById("play");
  var unit = slider.getAttribute("aria-label");
  var autoplay = /play=1/.test(location.hash + location.search);
  function go(k) {
    k = Math.max(0, Math.min(last, k | 0));
    show(k);
    cur = k;
    counter.textContent = unit + " " + k + " of " + last;
    slider.value = k;
    document.body.setAttribute("data-step", k);
    if (location.hash !== "#step=" + k) {
      try { history.replaceState(null, "", "#step=" + k); } catch (e) {}
    }
  }
  function stop() { if (timer) { clearInterval(timer); timer = null; } play.textContent = "▶ play"; }
  function toggle() {
    if (timer) { stop(); return; }
    if (cur >= last) go(0);
    play.textContent = "⏸ pause";
    timer = setInterval(function () { if (cur >= last) stop(); else go(cur + 1); }, interval);
  }
  function fromUrl() {
    var m = /step=(\d+)/.exec(location.hash) || /step=(\d+)/.exec(location.search);
    return m ? parseInt(m[1], 10) : 0;
  }
  document.getElementById("first").onclick = function () { stop(); go(0); };
  document.getElementById("prev").onclick = function () { stop(); go(cur - 1); };
  document.getElementById("next").onclick = function () { stop(); go(cur + 1); };
  document.getElementById("last").onclick = function () { stop(); go(last); };
  play.onclick = toggle;
  slider.oninput = function () { stop(); go(parseInt(slider.value, 10)); };
  document.addEventListener("keydown", function (e) {
    if (e.target && e.target.tagName === "INPUT" && e.target.type !== "range") return;
    if (e.key === "ArrowRight") { stop(); go(cur + 1); e.preventDefault(); }
    else if (e.key === "ArrowLeft") { stop(); go(cur - 1); e.preventDefault(); }
    else if (e.key === "Home") { stop(); go(0); }
    else if (e.key === "End") { stop(); go(last); }
    else if (e.key === " ") { e.preventDefault(); toggle(); }
  });
  window.addEventListener("hashchange", function () { var k = fromUrl(); if (k !== cur) go(k); });
  go(fromUrl());
  if (autoplay) toggle();
  return { go: go, toggle: toggle, current: function () { return cur; } };
}
