/* Payment-performance trend of one body (json_script #trend-data, the translated words in #trend-labels);
   no inline script (CSP). */
(function () {
  "use strict";
  var source = document.getElementById("trend-data");
  var words = document.getElementById("trend-labels");
  var el = document.getElementById("chart-trend");
  if (!source || !words || !el || typeof echarts === "undefined") { return; }
  var rows = JSON.parse(source.textContent);
  var L = JSON.parse(words.textContent);
  var c = echarts.init(el);
  c.setOption({
    animation: false,
    textStyle: { fontFamily: '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif' },
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 50, right: 50, top: 40, bottom: 30 },
    xAxis: { type: "category", data: rows.map(function (r) { return String(r.year); }) },
    yAxis: [{ type: "value", name: "%", max: 100 }, { type: "value", name: L.days }],
    series: [
      { name: L.within_term, type: "line", data: rows.map(function (r) { return r.within_term; }), itemStyle: { color: "#b3261e" } },
      { name: L.within_30, type: "line", data: rows.map(function (r) { return r.within_30; }), itemStyle: { color: "#f29e4c" } },
      { name: L.within_60, type: "line", data: rows.map(function (r) { return r.within_60; }), itemStyle: { color: "#2e86ab" } },
      { name: L.avg_days, type: "bar", yAxisIndex: 1, data: rows.map(function (r) { return r.avg_days; }), itemStyle: { color: "#c0c0c0" } }
    ]
  });
  window.addEventListener("resize", function () { c.resize(); });
})();
