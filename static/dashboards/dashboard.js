/* Leadership dashboard: ECharts from the JSON the page carries (json_script #dashboard-data), with the
   words it draws translated by the page (json_script #dashboard-labels): no text lives in this file.
   No inline script (CSP). Every chart element drills down: a click opens the list behind it. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  var words = document.getElementById("dashboard-labels");
  if (!source || !words || typeof echarts === "undefined") { return; }
  var d = JSON.parse(source.textContent);
  var L = JSON.parse(words.textContent);
  var LOCALE = document.documentElement.lang || "zh-CN";
  var RED = ["#b3261e", "#e4572e", "#f29e4c", "#2e86ab", "#5b8e7d", "#8e7dbe", "#c0c0c0", "#7f1d1d"];
  var FONT = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif';

  function wan(v) { return Math.round(Number(v) / 100) / 100; }
  function fmt(v) { return Number(v).toLocaleString(LOCALE, { maximumFractionDigits: 2 }); }
  function inWan(v) { return L.wan_value.replace("{value}", fmt(v)); }
  function pct(r) { return r === null || r === undefined ? null : Math.round(r * 1000) / 10; }

  function chart(id, option, urls) {
    var el = document.getElementById("chart-" + id);
    if (!el) { return; }
    var c = echarts.init(el, null, { renderer: "canvas" });
    option.textStyle = { fontFamily: FONT };
    option.color = option.color || RED;
    option.animation = false;
    c.setOption(option);
    if (urls) {
      c.on("click", function (p) {
        var url = typeof urls === "function" ? urls(p) : urls[p.dataIndex];
        if (url) { window.location.href = url; }
      });
      el.style.cursor = "pointer";
    }
    window.addEventListener("resize", function () { c.resize(); });
  }

  function bars(rows, horizontal) {
    var names = rows.map(function (r) { return r.label; });
    var values = rows.map(function (r) { return wan(r.balance); });
    var cat = { type: "category", data: names, axisLabel: { interval: 0, width: 118, overflow: "truncate" } };
    var val = { type: "value", name: L.wan };
    return {
      tooltip: { trigger: "axis", valueFormatter: inWan },
      grid: { left: horizontal ? 130 : 50, right: 40, top: 30, bottom: horizontal ? 20 : 60 },
      xAxis: horizontal ? val : Object.assign(cat, { axisLabel: { interval: 0, rotate: 30 } }),
      yAxis: horizontal ? Object.assign(cat, { inverse: true }) : val,
      series: [{ type: "bar", data: values, name: L.outstanding, itemStyle: { color: "#b3261e" } }]
    };
  }

  // Cumulative cleared (line) and the monthly amount (bars).
  var months = d.cleared.months;
  chart("cleared", {
    tooltip: { trigger: "axis", valueFormatter: inWan },
    legend: { data: [L.month_cleared, L.cumulative_cleared], top: 0 },
    grid: { left: 60, right: 60, top: 40, bottom: 40 },
    xAxis: { type: "category", data: months.map(function (m) { return m.month; }) },
    yAxis: [{ type: "value", name: L.month_axis }, { type: "value", name: L.cumulative_axis }],
    series: [
      { name: L.month_cleared, type: "bar", data: months.map(function (m) { return wan(m.amount); }), itemStyle: { color: "#f29e4c" } },
      { name: L.cumulative_cleared, type: "line", yAxisIndex: 1, data: months.map(function (m) { return wan(m.cumulative); }), itemStyle: { color: "#b3261e" }, symbolSize: 6 }
    ]
  }, months.map(function (m) { return m.url; }));

  var t = d.outstanding.totals;
  chart("disputed", {
    tooltip: { trigger: "item", valueFormatter: inWan },
    legend: { bottom: 0 },
    series: [{
      type: "pie", radius: ["40%", "70%"], label: { formatter: "{b}\n{d}%" },
      data: [{ name: L.undisputed, value: wan(t.undisputed) }, { name: L.disputed, value: wan(t.disputed) }]
    }]
  }, [d.outstanding.urls.undisputed, d.outstanding.urls.disputed]);

  var kinds = d.outstanding.by_kind;
  chart("kind", {
    tooltip: { trigger: "item", valueFormatter: inWan },
    legend: { bottom: 0 },
    series: [{
      type: "pie", radius: "65%", label: { formatter: "{b}\n{d}%" },
      data: kinds.map(function (r) { return { name: r.label, value: wan(r.balance) }; })
    }]
  }, kinds.map(function (r) { return r.url; }));

  var regions = d.outstanding.by_region.slice(0, 12);
  chart("region", bars(regions, true), regions.map(function (r) { return r.url; }));
  var depts = d.outstanding.by_department.slice(0, 10);
  chart("department", bars(depts, true), depts.map(function (r) { return r.url; }));
  var aging = d.outstanding.aging;
  chart("aging", bars(aging, false), aging.map(function (r) { return r.url; }));

  var p = d.plans;
  chart("plans", {
    tooltip: { trigger: "item" },
    legend: { bottom: 0 },
    color: [p.met ? "#5b8e7d" : null, p.breached ? "#b3261e" : null, "#9ca3af"].filter(Boolean),
    series: [{
      type: "pie", radius: ["40%", "70%"], label: { formatter: L.instalments },
      data: [{ name: L.met, value: p.met }, { name: L.breached, value: p.breached }, { name: L.pending, value: p.pending }]
        .filter(function (x) { return x.value > 0; })
    }],
    title: p.rate === null ? undefined : { text: L.adherence + " " + p.rate + "%", left: "center", top: "middle", textStyle: { fontSize: 14 } }
  }, function () { return p.url; });

  var st = d.complaints.by_status;
  chart("complaints", {
    tooltip: { trigger: "axis" },
    grid: { left: 110, right: 40, top: 10, bottom: 20 },
    xAxis: { type: "value", name: L.cases, minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: st.map(function (s) { return s.label; }) },
    series: [{ type: "bar", data: st.map(function (s) { return s.count; }), itemStyle: { color: "#2e86ab" } }]
  }, st.map(function (s) { return s.url; }));

  var c = d.complaints;
  chart("ontime", {
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + "%"; } },
    grid: { left: 50, right: 20, top: 20, bottom: 30 },
    xAxis: { type: "category", data: [L.review_rate, L.transfer_rate, L.handle_rate, L.satisfaction] },
    yAxis: { type: "value", max: 100, name: "%" },
    series: [{
      type: "bar", barWidth: "45%", itemStyle: { color: "#b3261e" },
      label: { show: true, position: "top", formatter: function (x) { return x.value === null ? "—" : x.value + "%"; } },
      data: [pct(c.review_rate), pct(c.transfer_rate), pct(c.handle_rate), pct(c.satisfaction)]
    }]
  }, function () { return c.urls.stats; });
})();
