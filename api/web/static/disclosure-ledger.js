/* /disclosure: published notices (policies, rules, announcements) and the ledger's daily
   checkpoints (GET /v1/public/checkpoints), with how anyone checks them (the page's text). */
"use strict";
(function () {
  Object.assign(PH.messages.zh, {
    "notices.title": "政策、规则与公告", "notices.kind.policy": "政策", "notices.kind.rule": "规则",
    "notices.kind.announcement": "公告", "notices.effective": "{day} 起生效", "notices.upcoming": "即将生效",
    "notices.version": "第 {v} 版",
    "cp.title": "账本每日检查点", "cp.day": "日期", "cp.root": "默克尔根", "cp.figures": "当日数据",
    "cp.line1": "{accounts} 个账户 · {postings} 笔记账 · 发放 {points} 积分",
    "cp.line2": "{trips} 次出行 · 减排 {kg} 千克",
    "cp.line3": "登记簿变动 {moves} 次 · 签发 {issued} 吨 · 注销 {retired} 吨",
    "cp.about": "每天（北京时间 00:10）平台对前一天结束时每个账户哈希链的链头计算一个默克尔根，连同当天的记账笔数、发放积分、计入出行、减排克数和登记簿变动一并公开；已公开的检查点不再改变。",
    "cp.how": "如何核验",
    "cp.step1": "保存今天看到的默克尔根（或用 GET /v1/public/checkpoints 下载）。以后任何时候再取同一天的检查点，根必须完全相同；改动过去的任何一笔记账都会改变它。",
    "cp.step2": "叶子：每个账户在当天结束（北京时间 24:00）前最后一笔记账的 SHA-256 十六进制值 sha256(\"账户|序号|哈希\")，按账户编号排序；当天有登记簿变动时再加一片 sha256(\"registry|日期|变动数|签发吨数|注销吨数\")。",
    "cp.step3": "根：把每片叶子（十六进制转字节）做一次 SHA-256，再两两拼接做 SHA-256，逐层向上；某层为奇数时最后一个与自己配对；没有叶子时根为 64 个 0。",
    "cp.step4": "每笔记账的哈希覆盖其内容和同一账户上一笔的哈希，所以链头概括了该账户的全部历史。审计方在数据库副本上运行 puhui verify，会重算每条链、每个余额、每次出行的指纹和每个已公开的检查点，并指出第一处不一致。",
  });
  Object.assign(PH.messages.en, {
    "notices.title": "Policies, rules and announcements", "notices.kind.policy": "Policy",
    "notices.kind.rule": "Rule", "notices.kind.announcement": "Announcement",
    "notices.effective": "in force from {day}", "notices.upcoming": "Upcoming", "notices.version": "version {v}",
    "cp.title": "Daily ledger checkpoints", "cp.day": "Day", "cp.root": "Merkle root", "cp.figures": "The day",
    "cp.line1": "{accounts} accounts · {postings} postings · {points} points issued",
    "cp.line2": "{trips} trips · {kg} kg CO₂ avoided",
    "cp.line3": "{moves} registry movements · {issued} t issued · {retired} t retired",
    "cp.about": "Every day (00:10 Beijing time) the platform publishes a Merkle root over the head " +
      "of every account's hash chain as the previous day ended, with that day's postings, points " +
      "issued, credited trips, grams avoided and registry movements. A published checkpoint never changes.",
    "cp.how": "How to verify",
    "cp.step1": "Keep the root you see today (or download GET /v1/public/checkpoints). Whenever you " +
      "fetch the same day again the root must be identical: changing any past posting changes it.",
    "cp.step2": "Leaves: for each account, the hex SHA-256 of \"account|seq|hash\" of its last posting " +
      "before the day ended (24:00 Beijing time), in account order; on a day with registry movements, " +
      "one more leaf: sha256(\"registry|date|movements|tonnes issued|tonnes retired\").",
    "cp.step3": "Root: hash each leaf (hex to bytes) with SHA-256, then hash each pair concatenated, " +
      "level by level; an odd last node pairs with itself; no leaves gives 64 zeros.",
    "cp.step4": "Each posting's hash covers its content and the previous posting of its account, so " +
      "a head stands for the account's whole history. An auditor with a copy of the database runs " +
      "`puhui verify`: it recomputes every chain, balance, trip fingerprint and published " +
      "checkpoint and names the first row that does not match.",
  });

  const el = PH.el;
  const t = PH.t;
  const $ = (id) => document.getElementById(id);
  const D = PH.D;
  const PAGE = 10;
  const checkpoints = [];
  let loaded = false;

  function notice(n) {
    D.noticeTitles[n.notice_id] = n.title;
    return el("li", { "data-notice": n.notice_id },
      el("details", {},
        el("summary", {}, el("span", { class: "pill" }, t("notices.kind." + n.kind)), " ",
          el("strong", {}, n.title), " ",
          n.in_force === false ? el("span", { class: "pill warn" }, t("notices.upcoming")) : null),
        el("div", { class: "muted" }, t("notices.effective", { day: n.effective_from }), " · ",
          t("notices.version", { v: n.version })),
        el("div", { class: "notice-body" }, n.body)));
  }

  function checkpointRow(c) {
    return el("tr", { "data-day": c.date },
      el("td", { class: "day" }, c.date),
      el("td", {}, el("code", { class: "root", title: c.merkle_root }, c.merkle_root)),
      el("td", { class: "figures" },
        el("div", {}, t("cp.line1", { accounts: D.num(c.accounts), postings: D.num(c.postings),
          points: D.num(c.points_issued) })),
        el("div", {}, t("cp.line2", { trips: D.num(c.credited_trips), kg: D.num(c.reduction_g / 1000, 1) })),
        c.registry_movements ? el("div", {}, t("cp.line3", { moves: D.num(c.registry_movements),
          issued: D.num(c.units_issued), retired: D.num(c.units_retired) })) : null));
  }

  function renderCheckpoints() {
    const body = checkpoints.length ? checkpoints.map(checkpointRow)
      : [el("tr", {}, el("td", { colspan: 3, class: "muted" }, t("none")))];
    $("d-checkpoints-table").replaceChildren(
      el("thead", {}, el("tr", {}, el("th", {}, t("cp.day")), el("th", {}, t("cp.root")),
        el("th", {}, t("cp.figures")))),
      el("tbody", {}, body));
  }

  async function loadCheckpoints() {
    const more = $("d-checkpoints-more");
    more.disabled = true;
    try {
      const last = checkpoints[checkpoints.length - 1];
      const rows = await PH.api("/v1/public/checkpoints?limit=" + PAGE + (last ? "&before=" + last.date : ""));
      checkpoints.push(...rows);
      loaded = true;
      renderCheckpoints();
      more.classList.toggle("hidden", rows.length < PAGE);
    } catch (e) {
      $("d-checkpoints-table").replaceChildren(el("tbody", {}, el("tr", {},
        el("td", { class: "error", role: "alert" }, t("failed", { msg: e.message })))));
    } finally {
      more.disabled = false;
    }
  }

  D.renderers.push(() => { if (loaded) renderCheckpoints(); });

  document.addEventListener("DOMContentLoaded", () => {
    D.noticesLoaded = D.paged("/v1/public/notices", $("d-notices-list"), $("d-notices-more"), notice);
    $("d-checkpoints-more").addEventListener("click", loadCheckpoints);
    loadCheckpoints();
  });
})();
