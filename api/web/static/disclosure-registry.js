/* /disclosure: methodologies with their expert review's outcome, the reviews in summary (votes,
   no names), registered projects, issuances and retirements with their certificates. */
"use strict";
(function () {
  Object.assign(PH.messages.zh, {
    "methods.title": "方法学", "methods.class": "{c} 类", "methods.scope.travel": "绿色出行",
    "methods.scope.project": "项目", "methods.from": "{from} 起生效", "methods.until": "至 {until}",
    "methods.review": "专家评审：{status}",
    "st.published": "已发布", "st.retired": "已停用", "st.passed": "通过", "st.rejected": "未通过",
    "st.revise": "需修改", "st.open": "评审中",
    "reviews.title": "专家评审（摘要）",
    "reviews.about": "评审专家从专家库随机抽取，回避利益相关方；此处只公开结果与票数，不公开专家姓名。",
    "reviews.kind.methodology": "方法学", "reviews.kind.project": "项目", "reviews.kind.rule": "规则",
    "reviews.votes": "{panel} 位专家：同意 {approve}，反对 {reject}，需修改 {revise}",
    "reviews.decided": "{day} 作出结论", "reviews.opened": "{day} 开始评审",
    "projects.title": "已登记项目", "projects.period": "计入期 {from} 至 {to}",
    "projects.estimate": "预计年减排 {t} 吨", "projects.district": "{d}",
    "issuances.title": "减排量签发", "issuances.line": "{project} · 第 {no} 次签发 · {vintage} 年度 · {c} 类",
    "issuances.qty": "{q} 吨", "issuances.agg": "公众减排量归集",
    "retirements.title": "减排量注销与证书", "retirements.line": "{q} 吨 · {purpose} · {day}",
    "retirements.by": "注销方：{who}", "retirements.for": "受益方：{who}",
    "retirements.page": "公开记录", "retirements.pdf": "证书 PDF", "retirements.json": "签名 JSON",
    "retirements.keys": "证书验证公钥",
    "retirements.verify": "用 puhui verify-certificate 命令和公钥可离线核验签名 JSON 证书。",
    "p.carbon_neutrality": "碳中和", "p.event": "大型活动", "p.voluntary": "自愿注销",
    "p.eco_compensation": "生态补偿", platform: "平台账户",
  });
  Object.assign(PH.messages.en, {
    "methods.title": "Methodologies", "methods.class": "Class {c}", "methods.scope.travel": "Green travel",
    "methods.scope.project": "Projects", "methods.from": "in force from {from}", "methods.until": "until {until}",
    "methods.review": "Expert review: {status}",
    "st.published": "Published", "st.retired": "Retired", "st.passed": "passed", "st.rejected": "rejected",
    "st.revise": "to revise", "st.open": "under review",
    "reviews.title": "Expert reviews (summary)",
    "reviews.about": "Panels are drawn at random from the expert pool, excluding anyone affiliated " +
      "with the subject's owner. Outcomes and vote counts are public; experts' names are not.",
    "reviews.kind.methodology": "Methodology", "reviews.kind.project": "Project", "reviews.kind.rule": "Rule",
    "reviews.votes": "{panel} experts: {approve} approve, {reject} reject, {revise} revise",
    "reviews.decided": "decided {day}", "reviews.opened": "opened {day}",
    "projects.title": "Registered projects", "projects.period": "crediting {from} to {to}",
    "projects.estimate": "about {t} t a year", "projects.district": "{d}",
    "issuances.title": "Issuances", "issuances.line": "{project} · issuance {no} · vintage {vintage} · class {c}",
    "issuances.qty": "{q} t", "issuances.agg": "Citizens' reductions, aggregated",
    "retirements.title": "Retirements and certificates", "retirements.line": "{q} t · {purpose} · {day}",
    "retirements.by": "Retired by {who}", "retirements.for": "Beneficiary: {who}",
    "retirements.page": "Public record", "retirements.pdf": "Certificate (PDF)",
    "retirements.json": "Signed JSON", "retirements.keys": "Certificate keys",
    "retirements.verify": "Check a signed JSON certificate offline with `puhui verify-certificate` and the keys.",
    "p.carbon_neutrality": "Carbon neutrality", "p.event": "Event", "p.voluntary": "Voluntary",
    "p.eco_compensation": "Eco-compensation", platform: "Platform account",
  });

  const el = PH.el;
  const t = PH.t;
  const $ = (id) => document.getElementById(id);
  const D = PH.D;
  const methods = { list: null, reviews: {} }; // methodology_id -> its latest review
  const notices = D.noticeTitles; // notice_id -> title, for rule reviews (disclosure-ledger.js)

  const pill = (status) => el("span", { class: "pill" + (status === "rejected" ? " bad" :
    status === "revise" || status === "open" ? " warn" : "") }, t("st." + status));

  function method(m) {
    const review = methods.reviews[m.methodology_id];
    return el("li", { "data-methodology": m.code + " v" + m.version },
      el("div", { class: "item-title" }, m.title, " ", pill(m.status)),
      el("div", { class: "muted" }, [m.code + " v" + m.version, t("methods.class", { c: m.methodology_class }),
        t("methods.scope." + m.scope), m.effective_from ? t("methods.from", { from: D.day(m.effective_from) }) : null,
        m.effective_until ? t("methods.until", { until: D.day(m.effective_until) }) : null]
        .filter(Boolean).join(" · ")),
      review ? el("div", { class: "muted" }, t("methods.review", { status: "" }), pill(review.status)) : null);
  }

  function subject(r) {
    if (r.subject) return r.subject; // the service names public subjects
    if (r.subject_kind === "methodology") {
      const m = (methods.list || []).find((v) => v.methodology_id === r.subject_id);
      if (m) return m.code + " v" + m.version + " " + m.title;
    }
    if (r.subject_kind === "rule" && notices[r.subject_id]) return notices[r.subject_id];
    return r.subject_id;
  }

  function review(r) {
    return el("li", { "data-review": r.review_id },
      el("div", { class: "item-title" }, t("reviews.kind." + r.subject_kind), " · ",
        el("span", { class: "subject" }, subject(r)), " ", pill(r.status)),
      el("div", { class: "muted" }, r.panel_size ? t("reviews.votes", { panel: r.panel_size,
        approve: r.votes.approve || 0, reject: r.votes.reject || 0, revise: r.votes.revise || 0 }) + " · " : "",
      r.decided_at ? t("reviews.decided", { day: D.day(r.decided_at) }) : t("reviews.opened", { day: D.day(r.created_at) })),
      r.summary ? el("div", { class: "summary" }, r.summary) : null);
  }

  function project(p) {
    return el("li", { "data-project": p.code },
      el("div", { class: "item-title" }, p.title),
      el("div", { class: "muted" }, [p.code, p.organisation, p.district && D.districtName(p.district)]
        .filter(Boolean).join(" · ")),
      el("div", { class: "muted" }, p.methodology.code + " v" + p.methodology.version + " " + p.methodology.title),
      el("div", { class: "muted" }, t("projects.period", { from: p.crediting_period_start, to: p.crediting_period_end }),
        " · ", t("projects.estimate", { t: D.num(p.estimated_t_per_year) })));
  }

  function issuance(i) {
    return el("li", { "data-issuance": i.issuance_id },
      el("div", { class: "item-title" }, t("issuances.qty", { q: D.num(i.quantity) }), " · ",
        i.source === "aggregation" ? t("issuances.agg") : i.project_code, " · ", D.day(i.issued_at)),
      el("div", { class: "muted" }, t("issuances.line", { project: i.project_code, no: i.issuance_no,
        vintage: i.vintage, c: i.unit_class })),
      el("code", { class: "range" }, i.serial_range));
  }

  function retirement(r) {
    const page = "/registry/retirements/" + encodeURIComponent(r.retirement_id);
    return el("li", { "data-retirement": r.retirement_id },
      el("div", { class: "item-title" }, t("retirements.line", { q: D.num(r.quantity),
        purpose: t("p." + r.purpose), day: D.day(r.retired_at) })),
      el("div", {}, t("retirements.for", { who: r.beneficiary })),
      el("div", { class: "muted" }, t("retirements.by", { who: r.organisation || t("platform") }),
        r.project_codes.length ? " · " + r.project_codes.join(", ") : ""),
      ...r.serial_ranges.map((s) => el("code", { class: "range" }, s)),
      el("div", { class: "links" },
        el("a", { href: page, class: "page-link" }, t("retirements.page")),
        el("a", { href: r.certificate_url, class: "pdf-link" }, t("retirements.pdf")),
        el("a", { href: r.certificate_json_url, class: "json-link" }, t("retirements.json"))));
  }

  async function loadMethods() {
    const list = $("d-methods-list");
    try {
      const [versions, reviews] = await Promise.all([
        PH.api("/v1/public/methodologies"),
        PH.api("/v1/public/reviews?subject_kind=methodology&limit=100"),
      ]);
      for (const r of reviews.items) methods.reviews[r.subject_id] = r; // oldest first: the last wins
      methods.list = versions.slice().sort((a, b) => (a.code === b.code ? b.version - a.version :
        a.code < b.code ? -1 : 1));
      D.fill(list, methods.list, method);
    } catch (e) {
      D.fail(list, e);
    }
  }

  D.renderers.push(() => { if (methods.list) D.fill($("d-methods-list"), methods.list, method); });

  document.addEventListener("DOMContentLoaded", () => {
    const paged = (name, url, draw) => D.paged(url, $("d-" + name + "-list"), $("d-" + name + "-more"), draw);
    D.methodsLoaded = loadMethods();
    // the reviews name their subjects: after the methodologies (and notices) are in
    Promise.all([D.methodsLoaded, D.noticesLoaded]).then(() => paged("reviews", "/v1/public/reviews", review));
    paged("projects", "/v1/public/projects", project);
    paged("issuances", "/v1/public/issuances", issuance);
    paged("retirements", "/v1/public/retirements", retirement);
  });
})();
