// The training film: every frame is drawn from the numbers in #film-data (no pictures are stored).
(function () {
  var data = JSON.parse(document.getElementById("film-data").textContent);
  var frames = data.frames, cols = data.columns;
  var NS = "http://www.w3.org/2000/svg";
  var PALETTE = ["#3b82f6", "#f97316", "#22c55e", "#ef4444", "#a855f7", "#14b8a6", "#eab308", "#ec4899",
                 "#64748b", "#84cc16"];
  var mode = "w";

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function fmt(v) { return v === null || v === undefined ? "–" : (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3))
    ? v.toExponential(2) : String(+v.toPrecision(3)); }
  function flat(m) { return m ? [].concat.apply([], m) : []; }

  // the largest |value| per layer and mode over the whole film, so widths compare across frames
  var scale = cols.length ? cols.slice(1).map(function (_, k) {
    var s = { w: 1e-12, g: 1e-12 };
    frames.forEach(function (f) {
      var L = f.layers[k];
      flat(L.w).forEach(function (v) { if (v !== null) s.w = Math.max(s.w, Math.abs(v)); });
      flat(L.gw).forEach(function (v) { if (v !== null) s.g = Math.max(s.g, Math.abs(v)); });
    });
    return s;
  }) : [];
  var actMax = 1e-12;
  frames.forEach(function (f) { (f.activations || []).forEach(function (a) {
    a.forEach(function (v) { if (v !== null) actMax = Math.max(actMax, Math.abs(v)); }); }); });

  function drawNet(f) {
    var svg = document.getElementById("net");
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    if (!cols.length) { el("text", { x: 20, y: 40, "font-size": 14 }, svg).textContent =
      "(this model is not a chain of weight matrices: see the parameter table)"; return; }
    var W = 560, H = 340, top = 34, bottom = 20;
    var xs = cols.map(function (_, c) { return 40 + c * (W - 80) / Math.max(1, cols.length - 1); });
    var ys = cols.map(function (col) {
      var n = col.units.length, gap = Math.min(34, (H - top - bottom) / Math.max(1, n));
      var start = top + (H - top - bottom - gap * (n - 1)) / 2;
      return col.units.map(function (_, i) { return start + i * gap; });
    });
    var edges = el("g", {}, svg), units = el("g", {}, svg);
    f.layers.forEach(function (L, k) {
      var m = mode === "w" ? L.w : L.gw, s = mode === "w" ? scale[k].w : scale[k].g;
      if (!m) return;
      m.forEach(function (row, i) { row.forEach(function (v, j) {
        if (v === null) return;
        var r = Math.sqrt(Math.abs(v) / s);  // square root: small values stay visible beside big ones
        el("line", { x1: xs[k], y1: ys[k][j], x2: xs[k + 1], y2: ys[k + 1][i], stroke: v >= 0 ? "#2563eb" : "#dc2626",
                     "stroke-width": (0.25 + 4.5 * r).toFixed(2), "stroke-opacity": (0.15 + 0.8 * r).toFixed(2) },
           edges).appendChild(document.createElementNS(NS, "title")).textContent =
             cols[k + 1].name + ".weight[" + cols[k + 1].units[i] + ", " + cols[k].units[j] + "] " +
             (mode === "w" ? "= " : "gradient ") + fmt(v);
      }); });
    });
    cols.forEach(function (col, c) {
      var acts = c > 0 && f.activations ? f.activations[c - 1] : null;
      var bias = c > 0 && f.layers[c - 1].b ? f.layers[c - 1].b : null;
      col.units.forEach(function (u, i) {
        var a = acts ? acts[i] : null, t = a === null || a === undefined ? 0 : Math.min(1, Math.abs(a) / actMax);
        var fill = "rgb(" + Math.round(255 - 200 * t) + "," + Math.round(255 - 60 * t) + "," + Math.round(255 - 170 * t) + ")";
        var circle = el("circle", { cx: xs[c], cy: ys[c][i], r: 8, fill: c === 0 ? "#dbeafe" : fill,
                                    stroke: "#334155", "stroke-width": 1 }, units);
        el("title", {}, circle).textContent = col.name + " unit " + u + (a !== null && a !== undefined ?
          ", mean activation " + fmt(a) : "") + (bias ? ", bias " + fmt(bias[i]) : "");
      });
      var label = (c === 0 ? "inputs" : c === cols.length - 1 ? "outputs, " + col.name : "layer " + col.name) + (col.size > col.units.length ? " (" + col.units.length + " of " + col.size + ")" : " (" + col.size + ")");
      el("text", { x: xs[c], y: 16, "text-anchor": "middle", "font-size": 12, fill: "#334155" }, svg).textContent = label;
    });
  }

  function drawLoss(f) {
    var svg = document.getElementById("loss");
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var L = data.losses, per = data.loss_every, end = Math.floor(f.step / per) + 1, W = 320, H = 150, pad = 40;
    var vals = L.filter(function (v) { return v !== null; });
    if (!vals.length) return;
    var lo = Math.min.apply(null, vals), hi = Math.max.apply(null, vals);
    if (hi === lo) hi = lo + 1;
    function X(i) { return pad + (W - pad - 8) * i / Math.max(1, L.length - 1); }
    function Y(v) { return 8 + (H - pad - 8) * (hi - v) / (hi - lo); }
    el("line", { x1: pad, y1: H - pad, x2: W - 8, y2: H - pad, stroke: "#94a3b8" }, svg);
    el("line", { x1: pad, y1: 8, x2: pad, y2: H - pad, stroke: "#94a3b8" }, svg);
    var all = [], sofar = [];
    L.forEach(function (v, i) { if (v !== null) { var p = X(i).toFixed(1) + "," + Y(v).toFixed(1);
      all.push(p); if (i < end) sofar.push(p); } });
    el("polyline", { points: all.join(" "), fill: "none", stroke: "#cbd5e1", "stroke-width": 1 }, svg);
    el("polyline", { points: sofar.join(" "), fill: "none", stroke: "#b91c1c", "stroke-width": 2 }, svg);
    if (f.loss !== null) el("circle", { cx: X(f.step / per), cy: Y(f.loss), r: 3.5, fill: "#b91c1c" }, svg);
    [[hi, 12], [lo, H - pad]].forEach(function (p) {
      el("text", { x: pad - 3, y: p[1], "text-anchor": "end", "font-size": 10, fill: "#475569" }, svg).textContent = fmt(p[0]); });
    el("text", { x: W - 8, y: H - 12, "text-anchor": "end", "font-size": 10, fill: "#475569" }, svg).textContent =
      "step " + (data.steps - 1) + (per > 1 ? " (means of " + per + " steps)" : "");
    el("text", { x: pad, y: H - 12, "font-size": 10, fill: "#475569" }, svg).textContent = "0";
  }

  function tint(c, a) {  // colour c blended into white by a (opaque, so neighbouring cells show no seams)
    var n = parseInt(c.slice(1), 16), rgb = [n >> 16, (n >> 8) & 255, n & 255];
    return "rgb(" + rgb.map(function (v) { return Math.round(255 - a * (255 - v)); }).join(",") + ")"; }

  function drawRegions(f) {
    var canvas = document.getElementById("regions"), title = document.getElementById("regions-title");
    if (!f.regions) { canvas.hidden = true; title.hidden = true; return; }
    var ctx = canvas.getContext("2d"), n = data.grid, cell = canvas.width / n;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    for (var k = 0; k < n * n; k++) {
      var c = parseInt(f.regions.classes[k], 36), conf = parseInt(f.regions.confidence[k], 10);
      ctx.fillStyle = tint(PALETTE[c % PALETTE.length], 0.15 + 0.04 * conf);
      ctx.fillRect(Math.floor((k % n) * cell), Math.floor(Math.floor(k / n) * cell), Math.ceil(cell) + 1, Math.ceil(cell) + 1);
    }
    var P = data.points;
    if (!P) return;
    var xs = P.x.map(function (p) { return p[0]; }), ys = P.x.map(function (p) { return p[1]; });
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs), y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    var px = 0.08 * (x1 - x0) + 1e-9, py = 0.08 * (y1 - y0) + 1e-9;
    x0 -= px; x1 += px; y0 -= py; y1 += py;
    P.x.forEach(function (p, i) {
      ctx.beginPath();
      ctx.arc((p[0] - x0) / (x1 - x0) * canvas.width, (y1 - p[1]) / (y1 - y0) * canvas.height, 2.2, 0, 6.3);
      ctx.fillStyle = P.labels ? PALETTE[P.labels[i] % PALETTE.length] : "#334155";
      ctx.fill();
      ctx.strokeStyle = "rgba(15,23,42,0.6)"; ctx.lineWidth = 0.5; ctx.stroke();
    });
  }

  function drawParams(f) {
    var body = document.querySelector("#params tbody");
    body.innerHTML = "";
    f.params.forEach(function (p) {
      var tr = document.createElement("tr");
      [p.name, p.shape.join("×") || "scalar", fmt(p.mean), "[" + fmt(p.min) + ", " + fmt(p.max) + "]", fmt(p.grad_norm)]
        .forEach(function (text, i) { var td = document.createElement("td"); td.textContent = text;
          if (i === 4) td.className = "g"; tr.appendChild(td); });
      body.appendChild(tr);
    });
  }

  var current = 0;
  function show(k) {
    current = k;
    var f = frames[k];
    document.getElementById("status").textContent = "step " + f.step + " · loss " + fmt(f.loss);
    drawNet(f); drawLoss(f); drawRegions(f); drawParams(f);
  }
  Array.prototype.forEach.call(document.querySelectorAll("input[name=mode]"), function (r) {
    r.onchange = function () { mode = r.value; show(current); };
  });
  startPlayer(frames.length, show, 350);
})();
