/* The staff dashboard: sign-in, headline tiles, three SVG charts (drawn here, no library),
   top offers, operator feeds and an operator's daily reconciliation. Chinese first, English on
   #lang-toggle. Same origin only (the page's CSP allows nothing else). */
"use strict";
(function () {
  const session = PH.session("admin");
  const STAFF = ["admin", "operations", "auditor"];
  const HIGH_REJECT = 0.1; // a reject rate from 10 % is highlighted
  const SVG = "http://www.w3.org/2000/svg";
  // Okabe-Ito colours: distinguishable with every common colour-vision deficiency
  const MODES = [
    { key: "metro", color: "#0072B2" },
    { key: "bikeshare", color: "#009E73" },
    { key: "bus", color: "#E69F00" },
  ];
  const FIGURES = [
    { key: "issued", color: "#009E73" },
    { key: "redeemed", color: "#0072B2" },
    { key: "expired", color: "#D55E00" },
    { key: "donated", color: "#CC79A7" },
  ];

  Object.assign(PH.messages.zh, {
    "title": "普惠 · 运营看板", "lang": "EN", "logout": "退出",
    "login.title": "工作人员登录", "login.username": "用户名", "login.password": "密码",
    "login.submit": "登录", "login.busy": "登录中…", "login.failed": "用户名或密码不正确",
    "login.role": "此账号无权查看运营看板",
    "period": "统计周期", "days.7": "近 7 天", "days.14": "近 14 天", "days.30": "近 30 天",
    "days.90": "近 90 天", "refresh": "刷新", "updated": "更新于 {time}",
    "district": "区域", "district.all": "全市",
    "loading": "加载中…", "err.load": "加载失败：{msg}",
    "tile.active": "活跃市民", "tile.trips": "核定出行", "tile.co2": "减排量",
    "tile.issued": "发放积分", "tile.redeemed": "兑换积分",
    "tile.complaints": "未办结客诉", "tile.breached": "客诉超时", "tile.alerts": "未解决告警",
    "unit.people": "人", "unit.trips": "次", "unit.points": "分",
    "unit.complaints": "件", "unit.alerts": "条",
    "chart.trips": "每日核定出行（按出行方式）", "chart.grams": "每日减排量",
    "chart.points": "每日积分：发放、兑换、过期、捐赠",
    "axis.day": "日期（北京时间）", "axis.trips": "出行次数（次）", "axis.kg": "减排量（kg CO₂e）",
    "axis.points": "积分（分）", "series.kg": "减排量", "nodata": "该周期暂无数据",
    "mode.metro": "地铁", "mode.bikeshare": "共享单车", "mode.bus": "公交",
    "fig.issued": "发放", "fig.redeemed": "兑换（扣除退回）", "fig.expired": "过期", "fig.donated": "捐赠",
    "offers.title": "热门兑换（按售出券数前 5 名）", "offers.offer": "商品", "offers.merchant": "商户",
    "offers.sold": "售出", "offers.redeemed": "已核销", "offers.points": "积分",
    "offers.none": "该周期没有售出兑换券",
    "ops.title": "运营方数据接入", "ops.name": "名称", "ops.kind": "类型", "ops.last": "最近接收",
    "ops.received": "接收", "ops.credited": "核定", "ops.rejected": "拒绝", "ops.rate": "拒绝率",
    "ops.high": "偏高", "ops.never": "本期无数据", "ops.none": "尚无运营方",
    "recon.title": "运营方对账", "recon.operator": "运营方", "recon.date": "日期（北京时间）",
    "recon.submit": "查询", "recon.hint": "选择运营方和日期后查询",
    "recon.meta": "{name} · {date} 结束的行程", "recon.status": "状态", "recon.trips": "行程",
    "recon.distance": "里程 (km)", "recon.grams": "减排 (g)", "recon.points": "积分",
    "recon.total": "合计", "recon.empty": "该日没有行程",
    "status.credited": "已核定", "status.capped": "已达上限", "status.pending": "待绑定",
    "status.rejected": "已拒绝",
    "role.admin": "管理员", "role.operations": "运营", "role.auditor": "审计",
  });
  Object.assign(PH.messages.en, {
    "title": "Puhui · Operations dashboard", "lang": "中文", "logout": "Sign out",
    "login.title": "Staff sign-in", "login.username": "Username", "login.password": "Password",
    "login.submit": "Sign in", "login.busy": "Signing in…", "login.failed": "Wrong username or password",
    "district": "District", "district.all": "Whole city",
    "login.role": "This account may not view the dashboard",
    "period": "Period", "days.7": "Last 7 days", "days.14": "Last 14 days", "days.30": "Last 30 days",
    "days.90": "Last 90 days", "refresh": "Refresh", "updated": "Updated {time}",
    "loading": "Loading…", "err.load": "Could not load: {msg}",
    "tile.active": "Active citizens", "tile.trips": "Credited trips", "tile.co2": "CO₂ avoided",
    "tile.issued": "Points issued", "tile.redeemed": "Points redeemed",
    "tile.complaints": "Open complaints", "tile.breached": "SLA breaches",
    "tile.alerts": "Open alerts",
    "unit.people": "people", "unit.trips": "trips", "unit.points": "points",
    "unit.complaints": "complaints", "unit.alerts": "alerts",
    "chart.trips": "Credited trips per day, by mode", "chart.grams": "CO₂ avoided per day",
    "chart.points": "Points per day: issued, redeemed, expired, donated",
    "axis.day": "Date (Beijing time)", "axis.trips": "Trips", "axis.kg": "kg CO₂e",
    "axis.points": "Points", "series.kg": "CO₂ avoided", "nodata": "No data in this period",
    "mode.metro": "Metro", "mode.bikeshare": "Bike-share", "mode.bus": "Bus",
    "fig.issued": "Issued", "fig.redeemed": "Redeemed (net of refunds)", "fig.expired": "Expired",
    "fig.donated": "Donated",
    "offers.title": "Top offers (by vouchers sold)", "offers.offer": "Offer", "offers.merchant": "Merchant",
    "offers.sold": "Sold", "offers.redeemed": "Redeemed", "offers.points": "Points",
    "offers.none": "No vouchers sold in this period",
    "ops.title": "Operator feeds", "ops.name": "Name", "ops.kind": "Kind", "ops.last": "Last received",
    "ops.received": "Received", "ops.credited": "Credited", "ops.rejected": "Rejected",
    "ops.rate": "Reject rate", "ops.high": "high", "ops.never": "none in period",
    "ops.none": "No operators yet",
    "recon.title": "Operator reconciliation", "recon.operator": "Operator", "recon.date": "Date (Beijing time)",
    "recon.submit": "Show", "recon.hint": "Pick an operator and a date",
    "recon.meta": "{name} · trips that ended on {date}", "recon.status": "Status", "recon.trips": "Trips",
    "recon.distance": "Distance (km)", "recon.grams": "Avoided (g)", "recon.points": "Points",
    "recon.total": "Total", "recon.empty": "No trips that day",
    "status.credited": "Credited", "status.capped": "Capped", "status.pending": "Pending",
    "status.rejected": "Rejected",
    "role.admin": "admin", "role.operations": "operations", "role.auditor": "auditor",
  });

  const $ = (id) => document.getElementById(id);
  const state = { data: null, recon: null, width: 0 };
  const num = (v, digits) => new Intl.NumberFormat(PH.lang === "zh" ? "zh-CN" : "en-US", {
    maximumFractionDigits: digits || 0, minimumFractionDigits: 0,
  }).format(v);
  const kg = (g) => num(g / 1000, g < 100000 ? 1 : 0);

  // ---------------------------------------------------------------- sign-in and session

  function show(which) {
    $("login").classList.toggle("hidden", which !== "login");
    $("dash").classList.toggle("hidden", which !== "dash");
    $("logout").classList.toggle("hidden", which !== "dash");
    const s = session.get();
    $("who").classList.toggle("hidden", which !== "dash" || !s);
    if (s && which === "dash") $("who").textContent = s.username + " · " + PH.t("role." + s.role);
  }

  function fail(box, text) {
    box.textContent = text;
    box.classList.toggle("hidden", !text);
  }

  async function login(event) {
    event.preventDefault();
    const button = $("login-submit");
    const username = $("login-username").value.trim();
    button.disabled = true;
    button.textContent = PH.t("login.busy");
    fail($("login-error"), "");
    try {
      const tokens = await PH.api("/v1/auth/staff", {
        body: { username, password: $("login-password").value },
      });
      if (!STAFF.includes(tokens.role)) {
        fail($("login-error"), PH.t("login.role"));
        return;
      }
      session.set({ ...tokens, username });
      $("login-password").value = "";
      show("dash");
      await load();
    } catch (e) {
      fail($("login-error"), e.status === 401 ? PH.t("login.failed") : e.message);
    } finally {
      button.disabled = false;
      button.textContent = PH.t("login.submit");
    }
  }

  async function logout() {
    const s = session.get();
    session.clear();
    state.data = state.recon = null;
    show("login");
    if (s && s.refresh_token) {
      PH.api("/v1/auth/logout", { body: { refresh_token: s.refresh_token } }).catch(() => {});
    }
  }

  // ---------------------------------------------------------------- loading

  async function load() {
    const days = $("days").value;
    localStorage.setItem("ph.admin.days", days);
    fail($("dash-error"), "");
    $("updated").textContent = PH.t("loading");
    try {
      const district = $("district").value;  // trips by their origin station's district
      state.data = await PH.api("/v1/admin/dashboard?days=" + days +
        (district ? "&district=" + encodeURIComponent(district) : ""), { session });
      state.loadedAt = new Date();
      render();
    } catch (e) {
      if (e.status === 401 || e.status === 403) {
        await logout();
        fail($("login-error"), e.status === 403 ? PH.t("login.role") : e.message);
        return;
      }
      $("updated").textContent = "";
      fail($("dash-error"), PH.t("err.load", { msg: e.message }));
    }
  }

  function render() {
    const d = state.data;
    if (!d) return;
    $("updated").textContent = PH.t("updated", { time: PH.fmtTime(state.loadedAt.toISOString()) });
    renderTiles(d);
    renderCharts(d);
    renderOffers(d.top_offers);
    renderOperators(d.operators);
    fillReconOperators(d.operators);
    if (state.recon) renderRecon(state.recon);
  }

  // ---------------------------------------------------------------- tiles

  function setTile(name, text, raw) {
    const v = document.querySelector('#tiles [data-tile="' + name + '"] .v');
    v.textContent = text;
    v.dataset.value = String(raw);
  }

  function renderTiles(d) {
    const trips = d.by_day_mode.reduce((a, r) => a + r.credited_trips, 0);
    const grams = d.by_day_mode.reduce((a, r) => a + r.reduction_g, 0);
    setTile("active", num(d.active_citizens), d.active_citizens);
    setTile("trips", num(trips), trips);
    setTile("co2", kg(grams), grams);
    setTile("issued", num(d.totals.issued), d.totals.issued);
    setTile("redeemed", num(d.totals.redeemed), d.totals.redeemed);
    setTile("complaints", num(d.complaints_open), d.complaints_open);
    setTile("breached", num(d.complaints_breached), d.complaints_breached);
    setTile("alerts", num(d.open_alerts), d.open_alerts);
    $("tile-breached").classList.toggle("high", d.complaints_breached > 0);
    $("tile-alerts").classList.toggle("high", d.open_alerts > 0);
  }

  /** The governance tiles (complaints, SLA breaches, alerts): links to their sections below;
      the breaches tile also sets the complaint queue's filter to breached. */
  function addGovernanceTiles() {
    const tile = (name, unit, href, onclick) => PH.el("a", { class: "tile", href,
      id: "tile-" + name, "data-tile": name, onclick },
    PH.el("div", { class: "k", "data-t": "tile." + name }, PH.t("tile." + name)),
    PH.el("div", { class: "v" }, "—"),
    PH.el("div", { class: "u", "data-t": unit }, PH.t(unit)));
    const breached = () => {
      const filter = $("cq-filter");
      if (filter && filter.value !== "breached") {
        filter.value = "breached";
        filter.dispatchEvent(new Event("change"));
      }
    };
    $("tiles").append(tile("complaints", "unit.complaints", "#complaints"),
      tile("breached", "unit.complaints", "#complaints", breached),
      tile("alerts", "unit.alerts", "#alerts"));
  }

  // ---------------------------------------------------------------- charts (SVG)

  function s(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function tip(node, text) {
    node.append(s("title", {}, text));
    return node;
  }

  /** Tick values from lo to hi: about `count` steps of 1, 2 or 5 times a power of ten. */
  function ticks(lo, hi, count, integer) {
    if (hi <= lo) hi = lo + (integer ? 1 : 0.1);
    const raw = (hi - lo) / count;
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    const m = raw / p;
    let step = (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
    if (integer) step = Math.max(1, Math.round(step));
    const out = [];
    for (let v = Math.floor(lo / step) * step; v < hi + step - 1e-9; v += step) {
      out.push(Number(v.toFixed(6)));
    }
    return out;
  }

  /**
   * spec: {title, days, kind: "stack" | "line", series: [{label, color, values}], yTitle,
   *        integer, fmt(v)} — drawn at the host's size (its height is fixed in admin.css).
   */
  function chart(host, spec) {
    host.replaceChildren();
    const W = Math.max(280, Math.floor(host.clientWidth) || 600);
    const H = host.clientHeight || 260;
    const svg = s("svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H, role: "img",
      "aria-label": spec.title });
    host.append(svg);

    // legend, wrapped to the width
    const legend = s("g", { class: "legend" });
    svg.append(legend);
    let lx = 0;
    let ly = 0;
    for (const ser of spec.series) {
      const g = s("g", { class: "legend-item" });
      const label = s("text", { x: 16, y: 10, class: "legend-label" }, ser.label);
      g.append(s("rect", { x: 0, y: 0, width: 12, height: 12, rx: 2, fill: ser.color }), label);
      legend.append(g);
      const w = 16 + (label.getComputedTextLength() || ser.label.length * 12) + 16;
      if (lx > 0 && lx + w > W) { lx = 0; ly += 18; }
      g.setAttribute("transform", "translate(" + lx + "," + ly + ")");
      lx += w;
    }

    const values = spec.series.flatMap((x) => x.values);
    const totals = spec.kind === "stack"
      ? spec.days.map((_, i) => spec.series.reduce((a, x) => a + Math.max(0, x.values[i]), 0))
      : values;
    const lo = Math.min(0, ...values);
    const hi = Math.max(0, ...totals);
    const empty = values.every((v) => v === 0);
    const yt = ticks(lo, hi, 4, spec.integer);
    const ymin = yt[0];
    const ymax = yt[yt.length - 1];
    const tickText = yt.map((v) => spec.fmt(v));
    const left = Math.max(30, 10 + Math.max(...tickText.map((t) => t.length)) * 6.5);
    const top = ly + 18 + 26;
    const x0 = left;
    const x1 = W - 16;
    const y0 = top;
    const y1 = H - 38;
    const n = spec.days.length;
    const band = (x1 - x0) / n;
    const Y = (v) => y1 - ((v - ymin) / (ymax - ymin)) * (y1 - y0);
    const X = (i) => x0 + band * i + band / 2;

    // axis titles
    svg.append(s("text", { x: 0, y: top - 10, class: "axis-title y-title" }, spec.yTitle));
    svg.append(s("text", { x: (x0 + x1) / 2, y: H - 4, "text-anchor": "middle",
      class: "axis-title x-title" }, PH.t("axis.day")));

    // grid and y ticks
    const grid = s("g", { class: "grid" });
    const yAxis = s("g", { class: "axis y-axis" });
    yt.forEach((v, i) => {
      grid.append(s("line", { x1: x0, x2: x1, y1: Y(v), y2: Y(v) }));
      yAxis.append(s("text", { x: x0 - 6, y: Y(v) + 4, "text-anchor": "end", class: "tick" },
        tickText[i]));
    });
    svg.append(grid, yAxis);

    // x axis: every k-th day labelled, today always
    const xAxis = s("g", { class: "axis x-axis" });
    xAxis.append(s("line", { x1: x0, x2: x1, y1: y1, y2: y1 }));
    const every = Math.max(1, Math.ceil(44 / band));
    spec.days.forEach((day, i) => {
      if ((n - 1 - i) % every !== 0) return;
      xAxis.append(s("line", { x1: X(i), x2: X(i), y1: y1, y2: y1 + 4 }));
      xAxis.append(s("text", { x: X(i), y: y1 + 16, "text-anchor": "middle", class: "tick" },
        day.slice(5)));
    });
    svg.append(xAxis);

    const plot = s("g", { class: "plot" });
    svg.append(plot);
    if (spec.kind === "stack") {
      const bw = Math.max(1, Math.min(32, band * 0.7));
      spec.days.forEach((day, i) => {
        let acc = 0;
        for (const ser of spec.series) {
          const v = ser.values[i];
          if (v <= 0) continue;
          const rect = s("rect", { x: X(i) - bw / 2, y: Y(acc + v), width: bw,
            height: Math.max(1, Y(acc) - Y(acc + v)), fill: ser.color, class: "bar" });
          plot.append(tip(rect, day + " " + ser.label + ": " + spec.fmt(v)));
          acc += v;
        }
        if (acc > 0 && band >= 26) {
          plot.append(s("text", { x: X(i), y: Y(acc) - 4, "text-anchor": "middle",
            class: "bar-value" }, spec.fmt(acc)));
        }
      });
    } else {
      if (ymin < 0) plot.append(s("line", { x1: x0, x2: x1, y1: Y(0), y2: Y(0), class: "zero" }));
      for (const ser of spec.series) {
        const d = ser.values.map((v, i) => (i ? "L" : "M") + X(i).toFixed(1) + " " + Y(v).toFixed(1));
        plot.append(s("path", { d: d.join(" "), fill: "none", stroke: ser.color, "stroke-width": 2,
          "stroke-linejoin": "round", class: "line" }));
        if (band >= 8) {
          ser.values.forEach((v, i) => {
            const dot = s("circle", { cx: X(i), cy: Y(v), r: 3, fill: ser.color, class: "dot" });
            plot.append(tip(dot, spec.days[i] + " " + ser.label + ": " + spec.fmt(v)));
          });
        }
      }
    }
    if (empty) {
      svg.append(s("text", { x: (x0 + x1) / 2, y: (y0 + y1) / 2, "text-anchor": "middle",
        class: "nodata" }, PH.t("nodata")));
    }
  }

  function renderCharts(d) {
    const index = new Map(d.days.map((day, i) => [day, i]));
    const zeros = () => d.days.map(() => 0);
    const trips = Object.fromEntries(MODES.map((m) => [m.key, zeros()]));
    const grams = zeros();
    for (const r of d.by_day_mode) {
      const i = index.get(r.day);
      if (i === undefined) continue;
      if (!trips[r.mode]) trips[r.mode] = zeros();
      trips[r.mode][i] += r.credited_trips;
      grams[i] += r.reduction_g;
    }
    state.width = $("chart-trips").clientWidth;
    chart($("chart-trips"), {
      title: PH.t("chart.trips"), days: d.days, kind: "stack", integer: true,
      yTitle: PH.t("axis.trips"), fmt: (v) => num(v),
      series: MODES.map((m) => ({ label: PH.t("mode." + m.key), color: m.color, values: trips[m.key] })),
    });
    chart($("chart-grams"), {
      title: PH.t("chart.grams"), days: d.days, kind: "stack", integer: false,
      yTitle: PH.t("axis.kg"), fmt: (v) => num(v, 2),
      series: [{ label: PH.t("series.kg") + " (kg CO₂e)", color: "#1f7a4d",
        values: grams.map((g) => g / 1000) }],
    });
    chart($("chart-points"), {
      title: PH.t("chart.points"), days: d.days, kind: "line", integer: true,
      yTitle: PH.t("axis.points"), fmt: (v) => num(v),
      series: FIGURES.map((f) => ({ label: PH.t("fig." + f.key), color: f.color,
        values: d.points_by_day.map((p) => p[f.key]) })),
    });
  }

  // ---------------------------------------------------------------- tables

  function emptyRow(cols, text) {
    return PH.el("tr", {}, PH.el("td", { colspan: cols, class: "empty" }, text));
  }

  function shortId(id) {
    return PH.el("span", { class: "id", title: id }, "…" + id.slice(-6));
  }

  function renderOffers(rows) {
    const body = document.querySelector("#offers-table tbody");
    body.replaceChildren(...(rows.length ? rows.map((o) => PH.el("tr", { "data-offer": o.offer_id },
      PH.el("td", { class: "name", title: o.title }, o.title),
      PH.el("td", {}, shortId(o.merchant_id)),
      PH.el("td", { class: "num" }, num(o.vouchers_sold)),
      PH.el("td", { class: "num" }, num(o.vouchers_redeemed)),
      PH.el("td", { class: "num" }, num(o.points)),
    )) : [emptyRow(5, PH.t("offers.none"))]));
  }

  function renderOperators(rows) {
    const body = document.querySelector("#operators-table tbody");
    body.replaceChildren(...(rows.length ? rows.map((o) => {
      const high = o.received > 0 && o.reject_rate >= HIGH_REJECT;
      const rate = num(o.reject_rate * 100, 1) + " %";
      return PH.el("tr", { class: high ? "high" : "", "data-operator": o.operator_id },
        PH.el("td", { class: "name", title: o.name }, o.name),
        PH.el("td", {}, PH.t("mode." + o.kind)),
        PH.el("td", {}, o.last_trip_received_at ? PH.fmtTime(o.last_trip_received_at) : PH.t("ops.never")),
        PH.el("td", { class: "num" }, num(o.received)),
        PH.el("td", { class: "num" }, num(o.credited)),
        PH.el("td", { class: "num" }, num(o.rejected)),
        PH.el("td", { class: "num rate" }, rate, high ? " " : null,
          high ? PH.el("span", { class: "pill bad" }, PH.t("ops.high")) : null),
      );
    }) : [emptyRow(7, PH.t("ops.none"))]));
  }

  // ---------------------------------------------------------------- reconciliation

  function fillReconOperators(rows) {
    const select = $("recon-operator");
    const kept = select.value;
    select.replaceChildren(...rows.map((o) => PH.el("option", { value: o.operator_id },
      o.name + " · " + PH.t("mode." + o.kind))));
    if (rows.some((o) => o.operator_id === kept)) select.value = kept;
  }

  async function reconcile(event) {
    event.preventDefault();
    const op = $("recon-operator").value;
    const date = $("recon-date").value;
    if (!op || !date) return;
    const button = $("recon-submit");
    button.disabled = true;
    try {
      state.recon = await PH.api("/v1/admin/operators/" + encodeURIComponent(op) +
        "/reconciliation?date=" + encodeURIComponent(date), { session });
      renderRecon(state.recon);
    } catch (e) {
      state.recon = null;
      $("recon-result").replaceChildren(PH.el("div", { class: "error", role: "alert" }, e.message));
    } finally {
      button.disabled = false;
    }
  }

  function renderRecon(r) {
    const op = (state.data ? state.data.operators : []).find((o) => o.operator_id === r.operator_id);
    const order = ["credited", "capped", "pending", "rejected"];
    const rank = (k) => (order.includes(k) ? order.indexOf(k) : order.length);
    const names = Object.keys(r.statuses).sort((a, b) => rank(a) - rank(b));
    const row = (label, t, cls) => PH.el("tr", { class: cls || "", "data-status": cls ? null : label },
      PH.el("td", {}, cls ? PH.t("recon.total") : PH.t("status." + label)),
      PH.el("td", { class: "num" }, num(t.trips)),
      PH.el("td", { class: "num" }, num(t.distance_m / 1000, 1)),
      PH.el("td", { class: "num" }, num(t.reduction_g)),
      PH.el("td", { class: "num" }, num(t.points)));
    const table = PH.el("table", { id: "recon-table" },
      PH.el("thead", {}, PH.el("tr", {},
        PH.el("th", {}, PH.t("recon.status")),
        PH.el("th", { class: "num" }, PH.t("recon.trips")),
        PH.el("th", { class: "num" }, PH.t("recon.distance")),
        PH.el("th", { class: "num" }, PH.t("recon.grams")),
        PH.el("th", { class: "num" }, PH.t("recon.points")))),
      PH.el("tbody", {}, names.length
        ? [...names.map((k) => row(k, r.statuses[k])), row("total", r.total, "total")]
        : [emptyRow(5, PH.t("recon.empty"))]));
    $("recon-result").replaceChildren(
      PH.el("p", { class: "muted meta" },
        PH.t("recon.meta", { name: op ? op.name : r.operator_id, date: r.date })),
      table);
  }

  // ---------------------------------------------------------------- language and start

  function setLang(lang) {
    PH.setLang(lang);
    $("lang-toggle").textContent = PH.t("lang");
    $("lang-toggle").lang = lang === "zh" ? "en" : "zh-CN";
    document.title = PH.t("title");
    if (!$("dash").classList.contains("hidden")) show("dash");
    render();
  }

  let resizeTimer = 0;
  function onResize() {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      if (state.data && $("chart-trips").clientWidth !== state.width) renderCharts(state.data);
    }, 150);
  }

  function start() {
    addGovernanceTiles();
    $("login-form").addEventListener("submit", login);
    $("logout").addEventListener("click", logout);
    $("lang-toggle").addEventListener("click", () => setLang(PH.lang === "zh" ? "en" : "zh"));
    $("days").addEventListener("change", load);
    $("district").addEventListener("change", load);
    PH.api("/v1/public/districts").then((list) => $("district").append(...list.map((d) =>
      PH.el("option", { value: d.code }, d.name_zh + " " + d.name_en)))).catch(() => {});
    $("refresh").addEventListener("click", load);
    $("recon-form").addEventListener("submit", reconcile);
    window.addEventListener("resize", onResize);
    const days = localStorage.getItem("ph.admin.days");
    if (days && [...$("days").options].some((o) => o.value === days)) $("days").value = days;
    $("recon-date").value = PH.shanghaiDay(new Date(Date.now() - 86400e3)); // yesterday, a closed day
    setLang(PH.lang);
    if (session.get()) {
      show("dash");
      load();
    } else {
      show("login");
    }
  }

  start();
})();
