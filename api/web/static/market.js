/* The public market section (#market-stats): each Shanghai day's traded tonnes (bars) and
   volume-weighted average price (line, right axis), the reference price, and the fund pool's
   balance, in, out and latest movements, from GET /v1/public/market. Drawn as inline SVG with
   presentation attributes only (no library, no inline styles: the page's CSP allows neither).
   Chinese first, English on #lang-toggle. */
"use strict";
(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const INK = "#1d2b24";
  const MUTED = "#5d6b64";
  const BAR = "#0072B2"; // Okabe-Ito blue
  const LINE = "#D55E00"; // Okabe-Ito vermilion
  const H = 240;
  const SHOWN_MOVEMENTS = 8;

  Object.assign(PH.messages.zh, {
    "mkt.title": "碳普惠交易市场（公开）", "mkt.days": "近 {n} 天每日成交",
    "mkt.reference": "参考价：{price} 元/吨（{as_of}，{source}）", "mkt.noref": "尚无参考价",
    "mkt.volume": "成交量（吨）", "mkt.avg": "加权均价（元/吨）", "mkt.day": "日期（北京时间）",
    "mkt.tip": "{day}：{t} 吨，{n} 笔，均价 {avg}，最高 {high}，最低 {low} 元/吨",
    "mkt.notrade": "{day}：无成交", "mkt.nodata": "该周期暂无成交",
    "mkt.pool": "碳普惠资金池", "mkt.balance": "余额 {v} 元", "mkt.in": "累计流入 {v} 元",
    "mkt.out": "累计流出 {v} 元", "mkt.at": "时间", "mkt.kind": "类型", "mkt.amount": "金额（元）",
    "mkt.none": "暂无资金流水", "mkt.err": "市场数据加载失败：{msg}",
    "mkt.k.mkt_sale": "公众减排量售出", "mkt.k.mkt_fee": "平台服务费", "mkt.k.fund_payout": "商户结算支出",
  });
  Object.assign(PH.messages.en, {
    "mkt.title": "Carbon-inclusion market (public)", "mkt.days": "Daily trading, last {n} days",
    "mkt.reference": "Reference price: {price} yuan/t ({as_of}, {source})",
    "mkt.noref": "No reference price yet",
    "mkt.volume": "Volume (t)", "mkt.avg": "Weighted average (yuan/t)", "mkt.day": "Date (Beijing time)",
    "mkt.tip": "{day}: {t} t in {n} trades, average {avg}, high {high}, low {low} yuan/t",
    "mkt.notrade": "{day}: no trades", "mkt.nodata": "No trades in this period",
    "mkt.pool": "Carbon-inclusion fund pool", "mkt.balance": "Balance {v} yuan",
    "mkt.in": "In, all time {v} yuan", "mkt.out": "Out, all time {v} yuan", "mkt.at": "When",
    "mkt.kind": "Kind", "mkt.amount": "Amount (yuan)", "mkt.none": "No movements yet",
    "mkt.err": "Could not load the market: {msg}",
    "mkt.k.mkt_sale": "Public units sold", "mkt.k.mkt_fee": "Platform fee",
    "mkt.k.fund_payout": "Paid to a merchant",
  });

  const $ = (id) => document.getElementById(id);
  const state = { data: null };
  const num = (v, digits) => new Intl.NumberFormat(PH.lang === "zh" ? "zh-CN" : "en-US", {
    maximumFractionDigits: digits || 0, minimumFractionDigits: digits || 0,
  }).format(v);
  const yuan = (fen) => num(fen / 100, 2);

  function s(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** A "nice" top for an axis from 0: 1, 2 or 5 times a power of ten, at least `hi`. */
  function niceTop(hi) {
    if (hi <= 0) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(hi)));
    for (const m of [1, 2, 5, 10]) if (m * p >= hi) return m * p;
    return 10 * p;
  }

  function chart(host, days) {
    host.replaceChildren();
    const W = Math.max(280, Math.floor(host.clientWidth) || 600);
    const svg = s("svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H, role: "img",
      "aria-label": PH.t("mkt.days", { n: days.length }), "font-size": 11, fill: MUTED });
    host.append(svg);
    const narrow = W < 420; // the legend takes two rows on a phone
    const x0 = 48, x1 = W - 56, y0 = narrow ? 46 : 28, y1 = H - 36;
    const n = days.length;
    const band = (x1 - x0) / n;
    const X = (i) => x0 + band * i + band / 2;
    const vTop = niceTop(Math.max(0, ...days.map((d) => d.volume_t)));
    const prices = days.filter((d) => d.average_fen_per_t !== null).map((d) => d.average_fen_per_t / 100);
    const pTop = niceTop(Math.max(0, ...prices));
    const Yv = (v) => y1 - (v / vTop) * (y1 - y0);
    const Yp = (v) => y1 - (v / pTop) * (y1 - y0);

    // legend and axis titles
    svg.append(s("rect", { x: x0, y: 4, width: 12, height: 12, rx: 2, fill: BAR }));
    svg.append(s("text", { x: x0 + 16, y: 14, fill: INK, "font-size": 12 }, PH.t("mkt.volume")));
    const lx = narrow ? x0 : x0 + 150;
    const ly = narrow ? 28 : 10;
    svg.append(s("line", { x1: lx, x2: lx + 12, y1: ly, y2: ly, stroke: LINE, "stroke-width": 2 }));
    svg.append(s("text", { x: lx + 16, y: ly + 4, fill: INK, "font-size": 12 }, PH.t("mkt.avg")));
    svg.append(s("text", { x: (x0 + x1) / 2, y: H - 4, "text-anchor": "middle", fill: INK,
      "font-size": 12 }, PH.t("mkt.day")));

    // grid, left axis (tonnes), right axis (yuan per tonne)
    for (let k = 0; k <= 4; k++) {
      const y = y1 - (k / 4) * (y1 - y0);
      svg.append(s("line", { x1: x0, x2: x1, y1: y, y2: y, stroke: "#edf1ef" }));
      svg.append(s("text", { x: x0 - 6, y: y + 4, "text-anchor": "end" }, num((vTop * k) / 4, vTop < 4 ? 1 : 0)));
      svg.append(s("text", { x: x1 + 6, y: y + 4, "text-anchor": "start" }, num((pTop * k) / 4)));
    }
    svg.append(s("line", { x1: x0, x2: x1, y1: y1, y2: y1, stroke: "#9aa8a1" }));
    const every = Math.max(1, Math.ceil(44 / band));
    days.forEach((d, i) => {
      if ((n - 1 - i) % every !== 0) return;
      svg.append(s("text", { x: X(i), y: y1 + 16, "text-anchor": "middle" }, d.day.slice(5)));
    });

    // bars: tonnes; each with its day's figures as a tooltip
    const bw = Math.max(1, Math.min(28, band * 0.7));
    days.forEach((d, i) => {
      const tipText = d.trades
        ? PH.t("mkt.tip", { day: d.day, t: num(d.volume_t), n: num(d.trades),
          avg: yuan(d.average_fen_per_t), high: yuan(d.high_fen_per_t), low: yuan(d.low_fen_per_t) })
        : PH.t("mkt.notrade", { day: d.day });
      const h = d.volume_t ? Math.max(1, y1 - Yv(d.volume_t)) : 0;
      const bar = s("rect", { x: X(i) - bw / 2, y: y1 - h, width: bw, height: h, fill: BAR,
        "data-day": d.day, "data-volume": d.volume_t });
      bar.append(s("title", {}, tipText));
      svg.append(bar);
    });

    // line: the weighted average price, broken on days without trades
    let path = "";
    let pen = false;
    days.forEach((d, i) => {
      if (d.average_fen_per_t === null) { pen = false; return; }
      const y = Yp(d.average_fen_per_t / 100);
      path += (pen ? "L" : "M") + X(i).toFixed(1) + " " + y.toFixed(1) + " ";
      pen = true;
      const dot = s("circle", { cx: X(i), cy: y, r: 3, fill: LINE });
      dot.append(s("title", {}, d.day + " · " + yuan(d.average_fen_per_t)));
      svg.append(dot);
    });
    if (path) svg.append(s("path", { d: path.trim(), fill: "none", stroke: LINE, "stroke-width": 2,
      "stroke-linejoin": "round" }));
    if (days.every((d) => d.trades === 0)) {
      svg.append(s("text", { x: (x0 + x1) / 2, y: (y0 + y1) / 2, "text-anchor": "middle",
        "font-size": 14 }, PH.t("mkt.nodata")));
    }
  }

  function render() {
    const d = state.data;
    if (!d) return;
    const el = PH.el;
    const ref = d.reference_price;
    $("market-reference").textContent = ref
      ? PH.t("mkt.reference", { price: yuan(ref.price_fen_per_t), as_of: ref.as_of, source: ref.source })
      : PH.t("mkt.noref");
    $("market-days").textContent = PH.t("mkt.days", { n: d.days.length });
    chart($("market-chart"), d.days);
    const pool = d.fund_pool;
    $("market-pool").replaceChildren(
      el("strong", { "data-balance": pool.balance_fen }, PH.t("mkt.balance", { v: yuan(pool.balance_fen) })),
      " · ", PH.t("mkt.in", { v: yuan(pool.in_fen) }),
      " · ", PH.t("mkt.out", { v: yuan(pool.out_fen) }),
    );
    const rows = pool.movements.slice(0, SHOWN_MOVEMENTS).map((m) => el("tr", {},
      el("td", {}, PH.fmtTime ? PH.fmtTime(m.at) : m.at),
      el("td", {}, PH.t("mkt.k." + m.kind)),
      el("td", { class: "num" }, (m.amount_fen > 0 ? "+" : "") + yuan(m.amount_fen)),
    ));
    $("market-movements").replaceChildren(
      el("thead", {}, el("tr", {}, el("th", {}, PH.t("mkt.at")), el("th", {}, PH.t("mkt.kind")),
        el("th", {}, PH.t("mkt.amount")))),
      el("tbody", {}, rows.length ? rows : el("tr", {}, el("td", { colspan: 3 }, PH.t("mkt.none")))),
    );
  }

  async function load() {
    const error = $("market-error");
    try {
      state.data = await PH.api("/v1/public/market");
      error.classList.add("hidden");
      render();
    } catch (e) {
      error.textContent = PH.t("mkt.err", { msg: e.message });
      error.classList.remove("hidden");
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (!$("market-stats")) return;
    const toggle = $("lang-toggle");
    if (toggle) toggle.addEventListener("click", () => setTimeout(render, 0));
    let width = 0;
    window.addEventListener("resize", () => {
      const now = $("market-chart").clientWidth;
      if (state.data && now !== width) { width = now; render(); }
    });
    load();
  });
})();
