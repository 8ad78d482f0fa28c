// kpolicy's interactive report layer (written beside every report as kpolicy-report.js).
// Each .kp-chart holds its Vega-Lite spec in a data attribute; it is drawn with the local
// Vega bundle (kpolicy-vega.js, window.vegaEmbed) with tooltips. Clicking a mark whose data
// lists evidence sentence keys fills a table beneath the chart with exactly those sentences,
// read from the page's JSON (#kp-evidence). All text goes in with textContent, never as HTML.
(function () {
  "use strict";
  var evidence = {};
  try {
    var node = document.getElementById("kp-evidence");
    if (node) { evidence = JSON.parse(node.textContent || "{}"); }
  } catch (err) { evidence = {}; }

  function cell(row, text, cls) {
    var td = document.createElement("td");
    if (cls) { td.className = cls; }
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function describe(datum) {
    var parts = [];
    ["region", "theme_major", "role", "level", "year", "metric"].forEach(function (k) {
      if (datum[k] !== undefined && datum[k] !== null) { parts.push(String(datum[k])); }
    });
    return parts.join(" · ");
  }

  function show(box, datum) {
    var keys = Array.isArray(datum.evidence) ? datum.evidence : [];
    box.textContent = "";
    var head = document.createElement("p");
    head.className = "kp-evidence-title";
    head.textContent = "Evidence for " + describe(datum) + ": " + keys.length + " sentence(s)";
    box.appendChild(head);
    var wrap = document.createElement("div");
    wrap.className = "kp-evidence-box";
    var table = document.createElement("table");
    var thead = document.createElement("tr");
    ["Document", "Where", "Sentence"].forEach(function (h) {
      var th = document.createElement("th"); th.textContent = h; thead.appendChild(th);
    });
    table.appendChild(thead);
    keys.forEach(function (key) {
      var ev = evidence[key];
      var tr = document.createElement("tr");
      tr.className = "kp-evidence-row";
      tr.setAttribute("data-key", key);
      if (!ev) {
        cell(tr, key); cell(tr, ""); cell(tr, "(sentence not in this report)");
      } else {
        var doc = cell(tr, "");
        var a = document.createElement("a");
        a.setAttribute("href", ev.href);
        a.textContent = ev.title ? ev.title + " (" + ev.doc_id + ")" : ev.doc_id;
        doc.appendChild(a);
        cell(tr, (ev.page !== null && ev.page !== undefined ? "p. " + ev.page + ", " : "") + "sentence " + ev.sentence_idx, "kp-where");
        cell(tr, ev.text, "kp-text");
      }
      table.appendChild(tr);
    });
    wrap.appendChild(table);
    box.appendChild(wrap);
    box.hidden = false;
  }

  function draw(el) {
    var spec;
    try { spec = JSON.parse(el.getAttribute("data-kp-spec")); } catch (err) { return; }
    if (typeof window.vegaEmbed !== "function") { return; }
    var target = document.createElement("div");
    target.className = "kp-live";
    var hint = document.createElement("p");
    hint.className = "kp-chart-hint";
    var cites = JSON.stringify(spec.datasets || spec.data || {}).indexOf('"evidence":["') >= 0;
    hint.textContent = cites ? "Hover a mark for its values; click it to list the sentences behind it."
                             : "Hover a mark for its values.";
    var box = document.createElement("div");
    box.className = "kp-evidence";
    box.hidden = true;
    el.appendChild(target);
    window.vegaEmbed(target, spec, { renderer: "svg", actions: false }).then(function (result) {
      var stat = el.querySelector(".kp-static");
      if (stat) { stat.hidden = true; }
      el.appendChild(hint);
      el.appendChild(box);
      el.kpView = result.view;  // for tests and the console: the chart's Vega view
      el.setAttribute("data-kp-ready", "1");
      result.view.addEventListener("click", function (event, item) {
        if (item && item.datum && Array.isArray(item.datum.evidence)) { show(box, item.datum); }
      });
    }).catch(function () { target.remove(); el.setAttribute("data-kp-ready", "static"); });
  }

  Array.prototype.forEach.call(document.querySelectorAll(".kp-chart[data-kp-spec]"), draw);
})();
