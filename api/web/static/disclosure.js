/* The public disclosure page (/disclosure): no sign-in, everything from /v1/public/*. This file:
   the page's words, shared helpers (PH.D), the statistics (totals and a per-day chart by mode,
   inline SVG) and the language toggle. disclosure-registry.js draws the methodologies, reviews,
   projects, issuances and retirements; disclosure-ledger.js the notices and checkpoints;
   market.js (shared with /org) the market and the fund pool. */
"use strict";
(function () {
  Object.assign(PH.messages.zh, {
    "lang.switch": "EN", title: "南京碳普惠 · 信息公开", loading: "加载中…", more: "更多",
    none: "暂无", failed: "加载失败：{msg}",
    intro: "本页公开平台的全部公开数据，无需登录；数据均来自公开接口 /v1/public/*，随时可自行核对。",
    "nav.stats": "统计", "nav.methods": "方法学", "nav.reviews": "专家评审", "nav.projects": "项目",
    "nav.issuances": "签发", "nav.retirements": "注销", "nav.market": "市场与资金池",
    "nav.notices": "公告", "nav.checkpoints": "检查点",
    "stats.title": "减排统计", "stats.district": "区", "stats.all": "全市",
    "stats.citizens": "参与市民", "stats.active": "活跃市民", "stats.trips": "计入的出行",
    "stats.reduction": "累计减排", "stats.projects": "登记项目", "stats.stores": "商户门店",
    "stats.institutions": "公共机构", "stats.chart": "近 30 天每日减排（按出行方式）",
    "stats.axis": "减排（千克）", "stats.day": "日期（北京时间）",
    "stats.tip": "{day} {mode}：{trips} 次出行，减排 {kg} 千克", "stats.nodata": "该周期暂无计入的出行",
    "mode.metro": "地铁", "mode.bikeshare": "共享单车", "mode.bus": "公交",
  });
  Object.assign(PH.messages.en, {
    "lang.switch": "中文", title: "Carbon inclusion disclosure",
    loading: "Loading…", more: "More", none: "None yet", failed: "Could not load: {msg}",
    intro: "Everything the platform makes public, no sign-in needed. Every figure comes from the " +
      "public API /v1/public/*, so anyone can check it.",
    "nav.stats": "Statistics", "nav.methods": "Methodologies", "nav.reviews": "Expert reviews",
    "nav.projects": "Projects", "nav.issuances": "Issuances", "nav.retirements": "Retirements",
    "nav.market": "Market and fund pool", "nav.notices": "Notices", "nav.checkpoints": "Checkpoints",
    "stats.title": "Emission reductions", "stats.district": "District", "stats.all": "Whole city",
    "stats.citizens": "Citizens", "stats.active": "Active citizens", "stats.trips": "Credited trips",
    "stats.reduction": "CO₂ avoided", "stats.projects": "Registered projects",
    "stats.stores": "Merchants' stores", "stats.institutions": "Public institutions", "stats.chart": "CO₂ avoided per day, last 30 days, by mode",
    "stats.axis": "CO₂ avoided (kg)", "stats.day": "Date (Beijing time)",
    "stats.tip": "{day} {mode}: {trips} trips, {kg} kg avoided",
    "stats.nodata": "No credited trips in this period",
    "mode.metro": "Metro", "mode.bikeshare": "Bike-share", "mode.bus": "Bus",
  });

  const SVG = "http://www.w3.org/2000/svg";
  const INK = "#1d2b24";
  const MUTED = "#5d6b64";
  const MODES = [ // Okabe-Ito, as on the staff dashboard
    { key: "metro", color: "#0072B2" },
    { key: "bikeshare", color: "#009E73" },
    { key: "bus", color: "#E69F00" },
  ];
  const H = 240;
  const $ = (id) => document.getElementById(id);
  const el = PH.el;

  const D = (PH.D = { renderers: [], noticeTitles: {} });
  D.num = (v, digits) => new Intl.NumberFormat(PH.lang === "zh" ? "zh-CN" : "en-US", {
    maximumFractionDigits: digits || 0, minimumFractionDigits: digits || 0,
  }).format(v);
  D.tonnes = (g) => (g >= 1e6 ? D.num(g / 1e6, 2) + " t" : D.num(g / 1000, 1) + " kg");
  D.day = (iso) => (iso ? PH.fmtDate(iso) : "—");
  D.svg = function (tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  D.niceTop = function (hi) {
    if (hi <= 0) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(hi)));
    for (const m of [1, 2, 5, 10]) if (m * p >= hi) return m * p;
    return 10 * p;
  };
  /** Fill a list from `items` (each drawn by `draw`), or say there are none. */
  D.fill = function (list, items, draw, append) {
    const nodes = items.map(draw);
    if (append) list.append(...nodes);
    else list.replaceChildren(...(nodes.length ? nodes : [el("li", { class: "muted" }, PH.t("none"))]));
  };
  D.fail = function (list, e) {
    list.replaceChildren(el("li", { class: "error", role: "alert" }, PH.t("failed", { msg: e.message })));
  };
  /** A paged section: GET `url` (a Page), draw its items, "more" follows next_cursor. Returns
      a redraw for the language toggle. */
  D.paged = function (url, list, more, draw) {
    const items = [];
    let cursor = null;
    let loaded = false;
    async function next() {
      more.disabled = true;
      try {
        const sep = url.includes("?") ? "&" : "?";
        const page = await PH.api(url + (cursor ? sep + "cursor=" + encodeURIComponent(cursor) : ""));
        D.fill(list, page.items, draw, items.length > 0);
        items.push(...page.items);
        loaded = true;
        cursor = page.next_cursor;
        more.classList.toggle("hidden", !cursor);
      } catch (e) {
        D.fail(list, e);
      } finally {
        more.disabled = false;
      }
    }
    more.addEventListener("click", next);
    D.renderers.push(() => { if (loaded) D.fill(list, items, draw); });
    return next();
  };

  /* ---- statistics ---- */
  let stats = null;

  function chart(host, rows) {
    host.replaceChildren();
    const W = Math.max(280, Math.floor(host.clientWidth) || 600);
    const today = PH.shanghaiDay();
    const days = [];
    for (let i = 29; i >= 0; i--) days.push(PH.shanghaiDay(new Date(Date.parse(today) - i * 864e5 + 12 * 3600e3)));
    const index = Object.fromEntries(days.map((d, i) => [d, i]));
    const cells = days.map(() => ({}));
    for (const r of rows) if (r.date in index) cells[index[r.date]][r.mode] = r;
    const totals = cells.map((c) => Object.values(c).reduce((a, r) => a + r.reduction_g, 0) / 1000);
    const top = D.niceTop(Math.max(0, ...totals));
    const svg = D.svg("svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H, role: "img",
      "aria-label": PH.t("stats.chart"), "font-size": 11, fill: MUTED });
    host.append(svg);
    const x0 = 48, x1 = W - 12, y0 = 46, y1 = H - 36;
    const band = (x1 - x0) / days.length;
    const X = (i) => x0 + band * i + band / 2;
    const Y = (v) => y1 - (v / top) * (y1 - y0);
    let lx = x0;
    for (const m of MODES) { // legend
      svg.append(D.svg("rect", { x: lx, y: 6, width: 12, height: 12, rx: 2, fill: m.color }));
      const label = PH.t("mode." + m.key);
      svg.append(D.svg("text", { x: lx + 16, y: 16, fill: INK, "font-size": 12 }, label));
      lx += 26 + label.length * (PH.lang === "zh" ? 12 : 7);
    }
    svg.append(D.svg("text", { x: (x0 + x1) / 2, y: H - 4, "text-anchor": "middle", fill: INK,
      "font-size": 12 }, PH.t("stats.day")));
    svg.append(D.svg("text", { x: 4, y: y0 - 12, fill: INK, "font-size": 12 }, PH.t("stats.axis")));
    for (let k = 0; k <= 4; k++) {
      const y = y1 - (k / 4) * (y1 - y0);
      svg.append(D.svg("line", { x1: x0, x2: x1, y1: y, y2: y, stroke: "#edf1ef" }));
      svg.append(D.svg("text", { x: x0 - 6, y: y + 4, "text-anchor": "end" }, D.num((top * k) / 4, top < 4 ? 1 : 0)));
    }
    svg.append(D.svg("line", { x1: x0, x2: x1, y1: y1, y2: y1, stroke: "#9aa8a1" }));
    const every = Math.max(1, Math.ceil(44 / band));
    days.forEach((d, i) => {
      if ((days.length - 1 - i) % every === 0) {
        svg.append(D.svg("text", { x: X(i), y: y1 + 16, "text-anchor": "middle" }, d.slice(5)));
      }
    });
    const bw = Math.max(1, Math.min(28, band * 0.7));
    cells.forEach((c, i) => { // stacked bars: kilograms avoided per mode
      let base = 0;
      for (const m of MODES) {
        const r = c[m.key];
        if (!r || !r.reduction_g) continue;
        const kg = r.reduction_g / 1000;
        const yTop = Y(base + kg);
        const h = Math.max(1, Y(base) - yTop);
        const bar = D.svg("rect", { x: X(i) - bw / 2, y: Y(base) - h, width: bw, height: h,
          fill: m.color, "data-day": days[i], "data-mode": m.key, "data-grams": r.reduction_g });
        bar.append(D.svg("title", {}, PH.t("stats.tip", { day: days[i], mode: PH.t("mode." + m.key),
          trips: D.num(r.credited_trips), kg: D.num(kg, 1) })));
        svg.append(bar);
        base += kg;
      }
    });
    if (totals.every((v) => v === 0)) {
      svg.append(D.svg("text", { x: (x0 + x1) / 2, y: (y0 + y1) / 2, "text-anchor": "middle",
        "font-size": 14 }, PH.t("stats.nodata")));
    }
  }

  function renderStats() {
    if (!stats) return;
    $("d-citizens").textContent = D.num(stats.citizens);
    $("d-active").textContent = D.num(stats.active_citizens);
    $("d-trips").textContent = D.num(stats.credited_trips);
    $("d-reduction").textContent = D.tonnes(stats.reduction_g);
    $("d-reduction").dataset.grams = stats.reduction_g;
    $("d-projects-n").textContent = D.num(stats.projects || 0);
    $("d-stores").textContent = D.num(stats.stores || 0);
    $("d-institutions").textContent = D.num(stats.public_institutions || 0);
    $("d-totals").dataset.district = stats.district || "";
    chart($("d-stats-chart"), stats.by_day_and_mode);
  }

  async function loadStats() {
    const district = $("d-district").value;
    try {
      stats = await PH.api("/v1/public/stats" + (district ? "?district=" + encodeURIComponent(district) : ""));
      $("d-stats-error").classList.add("hidden");
      renderStats();
    } catch (e) {
      $("d-stats-error").textContent = PH.t("failed", { msg: e.message });
      $("d-stats-error").classList.remove("hidden");
    }
  }

  /** The district filter (GET /v1/public/districts): statistics of the whole city or one district. */
  let districts = [];
  /** A district's name in the page's language (its code until the list is in). */
  D.districtName = function (code) {
    const d = districts.find((x) => x.code === code);
    return d ? (PH.lang === "en" ? d.name_en : d.name_zh) : code;
  };
  function renderDistricts() {
    const select = $("d-district");
    const chosen = select.value;
    select.replaceChildren(el("option", { value: "" }, PH.t("stats.all")),
      ...districts.map((d) => el("option", { value: d.code }, PH.lang === "en" ? d.name_en : d.name_zh)));
    select.value = chosen;
  }

  async function loadDistricts() {
    try {
      districts = await PH.api("/v1/public/districts");
    } catch (e) {
      return; // the city as a whole
    }
    D.renderers.forEach((r) => r()); // the districts' names, wherever a district shows
    $("d-district-wrap").classList.remove("hidden");
    $("d-district").addEventListener("change", loadStats);
  }

  D.renderers.push(renderStats, renderDistricts);

  document.addEventListener("DOMContentLoaded", () => {
    PH.translate(document);
    document.documentElement.lang = PH.lang === "zh" ? "zh-CN" : "en";
    $("lang-toggle").addEventListener("click", () => {
      PH.setLang(PH.lang === "zh" ? "en" : "zh");
      D.renderers.forEach((r) => r());
    });
    let width = 0;
    window.addEventListener("resize", () => {
      const now = $("d-stats-chart").clientWidth;
      if (stats && now !== width) { width = now; renderStats(); }
    });
    loadStats();
    loadDistricts();
  });
})();
