/* Charts of the portal, drawn with the bundled ECharts (no CDN).
 * Data come from <script type="application/json"> blocks written by the server; amounts
 * are decimal strings and become numbers here for drawing only.  Labels are drawn on the
 * canvas (tooltip renderMode "richText"), so text from documents never becomes HTML. */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var num = function (s) { return s === null || s === undefined || s === "" ? 0 : Number(s); };
  var fmt = function (v) { return (Math.round(v * 100) / 100).toLocaleString("zh-CN"); };
  var tooltip = { renderMode: "richText", confine: true };

  function toNumbers(nodes) {
    return nodes.map(function (n) {
      var out = { name: n.name, value: num(n.value) };
      if (n.children && n.children.length) { out.children = toNumbers(n.children); }
      return out;
    });
  }

  var builders = {
    treemap: function (d) {
      return {
        tooltip: Object.assign({ formatter: function (p) { return p.name + "：" + fmt(p.value) + " " + d.unit; } }, tooltip),
        series: [{
          type: "treemap", name: "全部", leafDepth: 1, roam: false, nodeClick: "zoomToNode",
          breadcrumb: { show: true, bottom: 0 }, top: 10, bottom: 36, left: 4, right: 4,
          label: { show: true, formatter: function (p) { return p.name + "\n" + fmt(p.value); } },
          upperLabel: { show: true, height: 22 },
          levels: [{ itemStyle: { borderColor: "#fff", borderWidth: 2, gapWidth: 2 } },
                   { itemStyle: { borderColor: "#eee", borderWidth: 1, gapWidth: 1 } }, {}],
          data: toNumbers(d.data)
        }]
      };
    },
    sunburst: function (d) {
      return {
        tooltip: Object.assign({ formatter: function (p) { return p.name + "：" + fmt(p.value) + " " + d.unit; } }, tooltip),
        series: [{
          type: "sunburst", radius: [30, "92%"], nodeClick: "rootToNode", sort: null,
          label: { rotate: "radial", minAngle: 8, overflow: "truncate", width: 90 },
          levels: [{}, { r0: 30, r: "58%", label: { rotate: 0 } }, { r0: "58%", r: "92%", label: { fontSize: 10 } }],
          data: toNumbers(d.data)
        }]
      };
    },
    three: function (d) {
      var items = [];
      d.cells.forEach(function (c) { if (items.indexOf(c.item) < 0) { items.push(c.item); } });
      var series = items.map(function (it) {
        return {
          name: it, type: it === "合计" ? "line" : "bar", stack: it === "合计" ? undefined : "items",
          data: d.years.map(function (y) {
            var c = d.cells.filter(function (x) { return x.year === y && x.item === it; })[0];
            return c ? num(c.amount) : 0;
          })
        };
      });
      return { tooltip: Object.assign({ trigger: "axis" }, tooltip), legend: { type: "scroll", top: 0 },
               grid: { top: 40, left: 50, right: 20, bottom: 30 },
               xAxis: { type: "category", data: d.years.map(String) }, yAxis: { type: "value", name: "万元" }, series: series };
    },
    years: function (cells) {
      return { tooltip: Object.assign({ trigger: "axis" }, tooltip), grid: { top: 20, left: 60, right: 20, bottom: 30 },
               xAxis: { type: "category", data: cells.map(function (c) { return String(c.year); }) },
               yAxis: { type: "value", name: "万元" },
               series: [{ type: "bar", name: "支出合计", data: cells.map(function (c) { return num(c.amount); }) }] };
    },
    classes: function (cells) {
      return { tooltip: Object.assign({ trigger: "item" }, tooltip),
               series: [{ type: "pie", radius: ["35%", "70%"],
                          data: cells.map(function (c) { return { name: (c.class_name || c["class"]), value: num(c.amount) }; }) }] };
    },
    units: function (cells) {
      var years = [], units = [], names = {};
      cells.forEach(function (c) {
        if (years.indexOf(c.year) < 0) { years.push(c.year); }
        if (units.indexOf(c.unit) < 0) { units.push(c.unit); names[c.unit] = c.unit_name || c.unit; }
      });
      years.sort();
      return { tooltip: Object.assign({ trigger: "axis" }, tooltip), legend: { top: 0 },
               grid: { top: 30, left: 60, right: 20, bottom: 90 },
               xAxis: { type: "category", data: units.map(function (u) { return names[u]; }), axisLabel: { rotate: 30, interval: 0, width: 120, overflow: "truncate" } },
               yAxis: { type: "value", name: "万元" },
               series: years.map(function (y) {
                 return { name: String(y), type: "bar", data: units.map(function (u) {
                   var c = cells.filter(function (x) { return x.unit === u && x.year === y; })[0];
                   return c ? num(c.amount) : 0; }) };
               }) };
    }
  };

  var charts = [];
  document.querySelectorAll(".chart[data-kind]").forEach(function (el) {
    var src = document.getElementById(el.getAttribute("data-source"));
    var build = builders[el.getAttribute("data-kind")];
    if (!src || !build) { return; }
    var data;
    try { data = JSON.parse(src.textContent); } catch (e) { return; }
    if (!data || (Array.isArray(data) && !data.length)) { el.textContent = "无数据"; return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(build(data));
    el.setAttribute("data-rendered", "1");
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
}());
