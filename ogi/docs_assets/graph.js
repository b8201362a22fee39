// Lineage graph for the ogi docs site: reads the JSON in #graph-data and draws a layered DAG as SVG
// in #graph. Layers: each node one step right of its deepest parent. Order inside a layer: a few
// sweeps of the barycenter heuristic to keep edges short. No libraries, works from file://.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var ROW = 34, GAP_X = 70, PAD = 16, CHAR = 7.2;

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function layers(nodes, parents) {
    var depth = {}, visiting = {};
    function deep(id) {
      if (depth[id] !== undefined) return depth[id];
      if (visiting[id]) return 0; // a cycle cannot happen in a built project; do not hang if it does
      visiting[id] = true;
      var d = 0;
      (parents[id] || []).forEach(function (p) { d = Math.max(d, deep(p) + 1); });
      depth[id] = d;
      return d;
    }
    nodes.forEach(function (n) { deep(n.id); });
    return depth;
  }

  function order(columns, parents, children) {
    var position = {};
    function place() { columns.forEach(function (col) { col.forEach(function (id, i) { position[id] = i; }); }); }
    function centre(id, neighbours) {
      var list = (neighbours[id] || []).filter(function (n) { return position[n] !== undefined; });
      if (!list.length) return position[id];
      return list.reduce(function (s, n) { return s + position[n]; }, 0) / list.length;
    }
    place();
    for (var sweep = 0; sweep < 6; sweep++) {
      var down = sweep % 2 === 0;
      var seq = down ? columns.slice(1) : columns.slice(0, -1).reverse();
      seq.forEach(function (col) {
        var key = {};
        col.forEach(function (id) { key[id] = centre(id, down ? parents : children); });
        col.sort(function (a, b) { return key[a] - key[b] || (a < b ? -1 : 1); });
        col.forEach(function (id, i) { position[id] = i; });
      });
    }
  }

  function draw(box, data) {
    var parents = {}, children = {}, byId = {};
    data.nodes.forEach(function (n) { byId[n.id] = n; parents[n.id] = []; children[n.id] = []; });
    data.edges.forEach(function (e) {
      if (byId[e[0]] && byId[e[1]]) { parents[e[1]].push(e[0]); children[e[0]].push(e[1]); }
    });
    var depth = layers(data.nodes, parents);
    var columns = [];
    data.nodes.slice().sort(function (a, b) {
      return (a.folder + a.name) < (b.folder + b.name) ? -1 : 1;
    }).forEach(function (n) {
      (columns[depth[n.id]] = columns[depth[n.id]] || []).push(n.id);
    });
    columns = columns.filter(Boolean);
    order(columns, parents, children);

    var widths = columns.map(function (col) {
      return Math.max.apply(null, col.map(function (id) { return byId[id].name.length * CHAR + 22; }));
    });
    var tallest = Math.max.apply(null, columns.map(function (c) { return c.length; }));
    var height = tallest * ROW + 2 * PAD, x = PAD, pos = {};
    columns.forEach(function (col, c) {
      var top = PAD + (tallest - col.length) * ROW / 2;
      col.forEach(function (id, i) { pos[id] = { x: x, y: top + i * ROW, w: widths[c], layer: c }; });
      x += widths[c] + GAP_X;
    });
    var width = x - GAP_X + PAD;

    var svg = el("svg", { width: width, height: height, viewBox: "0 0 " + width + " " + height, role: "img" });
    svg.appendChild(document.createElementNS(SVG, "title")).textContent = "Model lineage";
    var edgeLayer = el("g", { "class": "edges" }, svg), nodeLayer = el("g", { "class": "nodes" }, svg);
    var edgeEls = [];
    data.edges.forEach(function (e) {
      var a = pos[e[0]], b = pos[e[1]];
      if (!a || !b) return;
      var x1 = a.x + a.w, y1 = a.y + 12, x2 = b.x, y2 = b.y + 12, mid = (x1 + x2) / 2;
      var path = el("path", { "class": "edge", d: "M" + x1 + "," + y1 + " C" + mid + "," + y1 + " " + mid + "," + y2 + " " + x2 + "," + y2,
                              "data-from": e[0], "data-to": e[1] }, edgeLayer);
      edgeEls.push(path);
    });
    var focus = box.getAttribute("data-focus");
    var nodeEls = {};
    data.nodes.forEach(function (n) {
      var p = pos[n.id];
      var folder = (n.folder || "").split("/").pop();
      var cls = "node " + n.type + (n.type === "model" && folder ? " model-" + folder : "") +
                (n.failed ? " failed" : "") + (n.id === focus ? " focus" : "");
      var g = el("g", { "class": cls, transform: "translate(" + p.x + "," + p.y + ")", "data-id": n.id,
                        "data-layer": p.layer, "data-x": p.x, "data-y": p.y }, nodeLayer);
      var link = el("a", { href: n.href }, g);
      el("rect", { width: p.w, height: 24, rx: 5 }, link);
      var label = el("text", { x: 8, y: 16 }, link);
      label.textContent = n.name;
      var tip = document.createElementNS(SVG, "title");
      tip.textContent = n.name + " (" + n.type + (n.rows !== null && n.rows !== undefined ? ", " + n.rows + " rows" : "") + ")";
      g.appendChild(tip);
      nodeEls[n.id] = g;
    });

    function reach(start, next) {
      var seen = {}, stack = [start];
      while (stack.length) {
        var id = stack.pop();
        if (seen[id]) continue;
        seen[id] = true;
        (next[id] || []).forEach(function (m) { stack.push(m); });
      }
      return seen;
    }
    function trace(id) {
      var up = reach(id, parents), down = reach(id, children);
      box.classList.add("tracing");
      Object.keys(nodeEls).forEach(function (k) { nodeEls[k].classList.toggle("lit", !!(up[k] || down[k])); });
      edgeEls.forEach(function (p) {
        var f = p.getAttribute("data-from"), t = p.getAttribute("data-to");
        p.classList.toggle("lit", !!((up[f] && up[t]) || (down[f] && down[t])));
      });
    }
    Object.keys(nodeEls).forEach(function (id) {
      nodeEls[id].addEventListener("mouseenter", function () { trace(id); });
      nodeEls[id].addEventListener("mouseleave", function () { box.classList.remove("tracing"); });
    });
    box.appendChild(svg);
    box.setAttribute("data-rendered", String(data.nodes.length));
    if (width > box.clientWidth) addFitToggle(box, svg, width, height);
  }

  function addFitToggle(box, svg, width, height) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "fit";
    button.textContent = "fit to width";
    button.addEventListener("click", function () {
      var fitted = svg.getAttribute("width") === "100%";
      svg.setAttribute("width", fitted ? width : "100%");
      svg.setAttribute("height", fitted ? height : "");
      button.textContent = fitted ? "fit to width" : "actual size";
    });
    box.parentNode.insertBefore(button, box);
  }

  function filterList() {
    var input = document.getElementById("filter");
    var list = document.getElementById("model-list");
    if (!input || !list) return;
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(list.tBodies[0].rows, function (row) {
        row.style.display = !q || row.getAttribute("data-search").indexOf(q) >= 0 ? "" : "none";
      });
    });
  }

  var box = document.getElementById("graph"), source = document.getElementById("graph-data");
  if (box && source) draw(box, JSON.parse(source.textContent));
  filterList();
})();
