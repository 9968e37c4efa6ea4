/* The staff dashboard's registry section (/admin, #registry): what staff must act on, the oldest
   first — organisation applications, projects waiting for registration, monitoring reports to
   assign, issuances to approve (four-eyes: the server refuses the proposer), aggregations, the
   expert pool and reviews. Loads whenever admin.js shows #dash; shares its session. */
"use strict";
(function () {
  const session = PH.session("admin");
  const el = PH.el;
  const $ = (id) => document.getElementById(id);
  const R = (window.REG = { data: {} });

  Object.assign(PH.messages.zh, {
    "reg.title": "碳普惠登记簿：待办", "reg.refresh": "刷新待办", "reg.none": "暂无待办",
    "reg.waiting": "已等待 {d}", "reg.d": "{n} 天", "reg.h": "{n} 小时", "reg.m": "{n} 分钟",
    "reg.reason": "理由", "reg.reject": "驳回", "reg.approve": "批准", "reg.busy": "处理中…",
    "app.title": "机构申请", "app.approved": "已批准 {name}。首位成员账号 {user}，初始密码（只显示这一次）：",
    "pr.title": "待登记的项目", "pr.register": "登记", "pr.review": "评审 {status} · 赞成 {a} 反对 {r} 修改 {v}",
    "pr.noreview": "尚无评审",
    "mr.title": "待分配核证机构的监测报告", "mr.assign": "分配", "mr.verifier": "核证机构",
    "mr.noverifier": "尚无核证机构", "mr.propose": "提议签发",
    "mr.verified": "已核证、待提议签发的报告",
    "is.title": "待批准的签发（四眼原则）", "is.mine": "由您提议：须由另一位工作人员批准",
    "is.by": "提议人 {who}",
    "ag.title": "市民减排量归集", "ag.code": "方法学编号", "ag.kind": "周期", "ag.month": "月",
    "ag.quarter": "季度", "ag.period": "月份或季度首月", "ag.create": "归集",
    "ag.trips": "出行", "ag.grams": "减排（克）", "ag.tonnes": "吨", "ag.carry": "结转（克）",
    "ag.check": "对账", "ag.ok": "与市民账本一致", "ag.bad": "与市民账本不一致",
    "ag.ledger": "账本：{t} 次，{g} 克",
    "ex.title": "专家库", "ex.name": "姓名", "ex.fields": "专业领域（逗号分隔）",
    "ex.aff": "所属单位（可选）", "ex.user": "登录用户名（可选）", "ex.add": "添加专家",
    "ex.deactivate": "停用", "ex.inactive": "已停用", "ex.password": "专家账号 {user} 的初始密码（只显示这一次）：",
    "rv.title": "专家评审", "rv.kind": "评审对象类型", "rv.subject": "对象编号", "rv.size": "评审人数",
    "rv.field": "专业领域（可选）", "rv.seed": "随机种子（可选）", "rv.open": "发起评审",
    "rv.show": "详情", "rv.seed_is": "种子 {seed} · 候选 {n} 人",
    "k.methodology": "方法学版本", "k.project": "项目", "k.rule": "规则",
    "kind.enterprise": "企业", "kind.public_institution": "公共机构",
    "kind.event_organiser": "活动组织方", "kind.verifier": "核证机构",
  });
  Object.assign(PH.messages.en, {
    "reg.title": "Registry: to act on", "reg.refresh": "Refresh", "reg.none": "Nothing waiting",
    "reg.waiting": "waiting {d}", "reg.d": "{n} d", "reg.h": "{n} h", "reg.m": "{n} min",
    "reg.reason": "Reason", "reg.reject": "Reject", "reg.approve": "Approve", "reg.busy": "Working…",
    "app.title": "Organisation applications",
    "app.approved": "Approved {name}. First member {user}, password (shown only this once):",
    "pr.title": "Projects waiting for registration", "pr.register": "Register",
    "pr.review": "review {status} · approve {a} reject {r} revise {v}", "pr.noreview": "no review yet",
    "mr.title": "Monitoring reports to assign", "mr.assign": "Assign", "mr.verifier": "Verifier",
    "mr.noverifier": "No verifier organisations", "mr.propose": "Propose issuance",
    "mr.verified": "Verified reports to propose for issuance",
    "is.title": "Issuances to approve (four eyes)",
    "is.mine": "You proposed it: another staff member must approve", "is.by": "proposed by {who}",
    "ag.title": "Aggregated citizen reductions", "ag.code": "Methodology code", "ag.kind": "Period",
    "ag.month": "Month", "ag.quarter": "Quarter", "ag.period": "Month (a quarter's first month)",
    "ag.create": "Aggregate", "ag.trips": "Trips", "ag.grams": "Grams", "ag.tonnes": "t",
    "ag.carry": "Carried (g)", "ag.check": "Reconcile", "ag.ok": "reconciles with the citizens' ledger",
    "ag.bad": "does NOT reconcile with the citizens' ledger", "ag.ledger": "ledger: {t} trips, {g} g",
    "ex.title": "Expert pool", "ex.name": "Name", "ex.fields": "Fields (comma-separated)",
    "ex.aff": "Affiliation (optional)", "ex.user": "Username (optional)", "ex.add": "Add expert",
    "ex.deactivate": "Deactivate", "ex.inactive": "inactive",
    "ex.password": "First password of expert {user} (shown only this once):",
    "rv.title": "Expert reviews", "rv.kind": "Subject kind", "rv.subject": "Subject ID",
    "rv.size": "Panel size", "rv.field": "Field (optional)", "rv.seed": "Seed (optional)",
    "rv.open": "Open review", "rv.show": "Details", "rv.seed_is": "seed {seed} · {n} candidates",
    "k.methodology": "Methodology version", "k.project": "Project", "k.rule": "Rule",
    "kind.enterprise": "enterprise", "kind.public_institution": "public institution",
    "kind.event_organiser": "event organiser", "kind.verifier": "verifier",
  });

  const api = (path, opts) => PH.api(path, { ...(opts || {}), session });
  const q = (s) => encodeURIComponent(s);
  const oldest = (rows, key) => rows.slice().sort((a, b) => String(key(a)).localeCompare(String(key(b))));

  function waited(iso) {
    const s = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
    const d = s >= 86400 ? PH.t("reg.d", { n: Math.floor(s / 86400) })
      : s >= 3600 ? PH.t("reg.h", { n: Math.floor(s / 3600) })
        : PH.t("reg.m", { n: Math.floor(s / 60) });
    return el("span", { class: "pill " + (s >= 7 * 86400 ? "bad" : s >= 86400 ? "warn" : ""),
      title: iso }, PH.t("reg.waiting", { d }));
  }

  /** A button running an action; its error goes to the row's .row-err; then a reload. */
  function act(label, cls, run, attrs) {
    return el("button", { type: "button", class: cls + " small", ...(attrs || {}),
      onclick: async (e) => {
        const b = e.currentTarget;
        const row = b.closest("[data-row]");
        const err = row && row.querySelector(".row-err");
        if (err) err.textContent = "";
        b.disabled = true;
        try {
          if ((await run(row)) !== false) await R.load();
        } catch (x) {
          if (err) err.textContent = x.message;
          else PH.toast(x.message);
        } finally {
          b.disabled = false;
        }
      } }, label);
  }

  const reasonInput = (ph) => el("input", { class: "reason", maxlength: 1000,
    placeholder: PH.t(ph || "reg.reason"), "aria-label": PH.t(ph || "reg.reason") });
  const item = (attrs, ...children) => el("li", { "data-row": "", ...attrs }, ...children,
    el("p", { class: "row-err", role: "alert" }));
  const list = (id, items) => el("ul", { class: "list", id },
    items.length ? items : [el("li", { class: "muted" }, PH.t("reg.none"))]);
  const box = (id, key, ...body) => el("div", { class: "reg-box", id },
    el("h3", { "data-t": key }, PH.t(key)), ...body);
  // a password shown once survives the reload that follows the action (until the next render)
  const shown = (id, text, secret, username) => { R.once[id] = [text, secret, username]; };
  R.once = {};
  function showOnce() {
    for (const [id, [text, secret, username]] of Object.entries(R.once)) {
      const n = $(id);
      if (!n) continue;
      n.replaceChildren(text, " ", el("strong", { class: "secret" }, secret));
      n.dataset.username = username || "";
      n.classList.remove("hidden");
    }
    R.once = {};
  }

  // ---------------------------------------------------------------- loading

  R.load = async function () {
    const err = $("reg-error");
    err.classList.add("hidden");
    try {
      const [apps, projects, submitted, verified, issuances, verifiers, aggs, experts, reviews] =
        await Promise.all([
          api("/v1/admin/org-applications?status=pending&limit=100"),
          api("/v1/admin/projects?status=submitted&limit=100"),
          api("/v1/admin/monitoring-reports?status=submitted&limit=100"),
          api("/v1/admin/monitoring-reports?status=verified&limit=100"),
          api("/v1/admin/issuances?limit=100"),
          api("/v1/admin/organisations?kind=verifier&limit=100"),
          api("/v1/admin/aggregations?limit=100"),
          api("/v1/admin/experts?limit=100"),
          api("/v1/admin/reviews?limit=100"),
        ]);
      const reviewOf = new Map(await Promise.all(projects.items.filter((w) => w.project.review_id)
        .map(async (w) => [w.project.review_id,
          await api("/v1/admin/reviews/" + q(w.project.review_id)).catch(() => null)])));
      R.data = { apps: apps.items, projects: projects.items, submitted: submitted.items,
        verified: verified.items, issuances: issuances.items, verifiers: verifiers.items,
        aggs: aggs.items, experts: experts.items, reviews: reviews.items, reviewOf };
      R.render();
      showOnce();
    } catch (e) {
      err.textContent = e.message;
      err.classList.remove("hidden");
    }
  };

  R.render = function () {
    const d = R.data;
    if (!d.apps) return;
    const me = (session.get() || {}).staff_id;
    const used = new Set(d.issuances.filter((i) => i.status !== "rejected")
      .flatMap((i) => [i.report_id, i.aggregation_id]).filter(Boolean));
    $("reg-body").replaceChildren(applications(d), projects(d), reports(d, used),
      issuances(d, me), aggregations(d, used), experts(d), reviews(d));
  };

  // ---------------------------------------------------------------- the queues

  function applications(d) {
    const rows = oldest(d.apps, (a) => a.created_at).map((a) => {
      const approve = act(PH.t("reg.approve"), "primary approve", async () => {
        const r = await api("/v1/admin/organisations", { body: { application_id: a.application_id } });
        shown("app-approved", PH.t("app.approved", { name: r.organisation.name,
          user: r.member.username }), r.member.password, r.member.username);
      });
      const reject = act(PH.t("reg.reject"), "danger reject", (row) =>
        api("/v1/admin/org-applications/" + q(a.application_id) + "/reject",
          { body: { reason: row.querySelector(".reason").value.trim() } }));
      const contact = [a.contact.name, a.contact.phone, a.contact.email].filter(Boolean).join(" / ");
      return item({ "data-application": a.application_id },
        el("div", { class: "row" }, el("strong", { class: "grow" }, a.name), waited(a.created_at)),
        el("p", { class: "muted" }, a.uscc + " · " + PH.t("kind." + a.kind) + " · " +
          (a.district || "—") + " · " + contact),
        el("div", { class: "acts" }, approve, reasonInput(), reject));
    });
    return box("reg-apps", "app.title",
      el("p", { id: "app-approved", class: "o-once hidden", role: "status" }),
      list("apps-list", rows));
  }

  function projects(d) {
    const rows = d.projects.map((w) => {
      const p = w.project;
      const rv = p.review_id && d.reviewOf.get(p.review_id);
      const votes = { approve: 0, reject: 0, revise: 0 };
      for (const s of (rv && rv.panel) || []) if (s.vote) votes[s.vote] += 1;
      const status = rv ? PH.t("pr.review", { status: rv.status, a: votes.approve,
        r: votes.reject, v: votes.revise }) : PH.t("pr.noreview");
      const register = act(PH.t("pr.register"), "primary register", () =>
        api("/v1/admin/projects/" + q(p.project_id) + "/register", { body: {} }));
      const reject = act(PH.t("reg.reject"), "danger reject", (row) =>
        api("/v1/admin/projects/" + q(p.project_id) + "/reject",
          { body: { reasons: [row.querySelector(".reason").value.trim()] } }));
      return item({ "data-project": p.project_id },
        el("div", { class: "row" }, el("strong", { class: "grow" }, p.title), waited(w.waiting_since)),
        el("p", { class: "muted" }, p.methodology_code + " · " + p.district + " · " +
          p.crediting_period_start + " – " + p.crediting_period_end + " · " +
          p.estimated_t_per_year + " t/a · " + p.project_id),
        el("p", { class: "review-status", "data-status": rv ? rv.status : "none" }, status),
        el("div", { class: "acts" }, register, reasonInput(), reject));
    });
    return box("reg-projects", "pr.title", list("projects-queue", rows));
  }

  function reports(d, used) {
    const waiting = oldest(d.submitted, (r) => r.created_at).map((r) => {
      const choose = d.verifiers.length
        ? el("select", { class: "verifier", "aria-label": PH.t("mr.verifier") },
          d.verifiers.map((o) => el("option", { value: o.organisation_id }, o.name)))
        : el("span", { class: "muted" }, PH.t("mr.noverifier"));
      const assign = act(PH.t("mr.assign"), "primary assign", (row) =>
        api("/v1/admin/monitoring-reports/" + q(r.report_id) + "/assign",
          { body: { verifier_org_id: row.querySelector(".verifier").value } }),
      d.verifiers.length ? {} : { disabled: "" });
      return item({ "data-report": r.report_id },
        el("div", { class: "row" }, el("strong", { class: "grow" }, r.project_id + " · " +
          r.period_start + " – " + r.period_end + " · " + r.claimed_t + " t"), waited(r.created_at)),
        el("div", { class: "acts" }, choose, assign));
    });
    const verified = oldest(d.verified.filter((r) => !used.has(r.report_id)), (r) => r.decided_at)
      .map((r) => item({ "data-report": r.report_id },
        el("div", { class: "row" }, el("strong", { class: "grow" }, r.project_id + " · " +
          r.vintage + " · " + r.verified_t + " t"), waited(r.decided_at)),
        el("div", { class: "acts" }, act(PH.t("mr.propose"), "primary propose", () =>
          api("/v1/admin/issuances", { body: { report_id: r.report_id } })))));
    return box("reg-reports", "mr.title", list("reports-queue", waiting),
      el("h3", {}, PH.t("mr.verified")), list("verified-queue", verified));
  }

  function issuances(d, me) {
    const proposed = d.issuances.filter((i) => i.status === "proposed");
    const rows = oldest(proposed, (i) => i.proposed_at).map((i) => {
      const approve = act(PH.t("reg.approve"), "primary approve", () =>
        api("/v1/admin/issuances/" + q(i.issuance_id) + "/approve", { body: {} }));
      const reject = act(PH.t("reg.reject"), "danger reject", (row) =>
        api("/v1/admin/issuances/" + q(i.issuance_id) + "/reject",
          { body: { reason: row.querySelector(".reason").value.trim() } }));
      const source = i.report_id ? "report " + i.report_id : "aggregation " + i.aggregation_id;
      return item({ "data-issuance": i.issuance_id },
        el("div", { class: "row" }, el("strong", { class: "grow" }, "NJ-" + i.unit_class + "-" +
          i.vintage + "-" + i.project_code + " · " + i.quantity + " t"), waited(i.proposed_at)),
        el("p", { class: "muted" }, PH.t("is.by", { who: i.proposed_by }) + " · " + source +
          " → " + i.account_id),
        i.proposed_by === me ? el("p", { class: "pill warn mine" }, PH.t("is.mine")) : "",
        el("div", { class: "acts" }, approve, reasonInput(), reject));
    });
    return box("reg-issuances", "is.title", list("issuances-queue", rows));
  }

  // ---------------------------------------------------------------- forms

  /** A small form: [name, labelKey, attrs] fields (attrs.options makes a select). */
  function form(id, specs, submitKey, handler) {
    const f = el("form", { id, class: "reg-form", novalidate: "" }, specs.map(([name, key, a]) => {
      const attrs = { ...(a || {}) };
      const options = attrs.options;
      delete attrs.options;
      const cid = id + "-" + name;
      return el("div", {}, el("label", { for: cid }, PH.t(key)), options
        ? el("select", { id: cid, name, ...attrs }, options.map(([v, k]) => el("option", { value: v }, PH.t(k))))
        : el("input", { id: cid, name, ...attrs }));
    }), el("button", { type: "submit", class: "primary" }, PH.t(submitKey)),
    el("p", { class: "row-err form-err", role: "alert" }));
    f.addEventListener("submit", async (e) => {
      e.preventDefault();
      const b = f.querySelector("button");
      const err = f.querySelector(".form-err");
      err.textContent = "";
      const v = Object.fromEntries([...f.elements].filter((c) => c.name)
        .map((c) => [c.name, c.value.trim()]));
      b.disabled = true;
      try {
        await handler(v);
        await R.load();
      } catch (x) {
        const named = x.body && (x.body.field || ((x.body.errors || [])[0] || {}).field);
        err.textContent = (named ? named + ": " : "") + x.message;
      } finally {
        b.disabled = false;
      }
    });
    return f;
  }

  // ---------------------------------------------------------------- aggregations

  function period(kind, month) {
    const [y, m] = month.split("-").map(Number);
    const last = new Date(Date.UTC(y, m - 1 + (kind === "quarter" ? 3 : 1), 0));
    return [month + "-01", last.toISOString().slice(0, 10)];
  }

  function aggregations(d, used) {
    const rows = d.aggs.map((a) => item({ "data-aggregation": a.aggregation_id },
      el("div", { class: "row" }, el("strong", { class: "grow" }, a.methodology_code + " · " +
        a.period_start + " – " + a.period_end + " (" + PH.t("ag." + a.period_kind) + ")"),
      el("span", { class: "pill tonnes" }, a.tonnes + " t")),
      el("p", { class: "muted" }, PH.t("ag.trips") + " " + a.trips + " · " + PH.t("ag.grams") +
        " " + a.grams + " · " + PH.t("ag.carry") + " " + a.carried_in_g + " → " + a.carried_out_g),
      el("p", { class: "recon" }),
      el("div", { class: "acts" },
        act(PH.t("ag.check"), "secondary reconcile", async (row) => {
          const full = await api("/v1/admin/aggregations/" + q(a.aggregation_id));
          const c = full.reconciliation;
          const p = row.querySelector(".recon");
          p.className = "recon pill " + (c.reconciles ? "" : "bad");
          p.dataset.reconciles = String(c.reconciles);
          p.textContent = PH.t(c.reconciles ? "ag.ok" : "ag.bad") + " · " +
            PH.t("ag.ledger", { t: c.ledger_trips, g: c.ledger_g });
          return false;
        }),
        a.tonnes > 0 && !used.has(a.aggregation_id) ? act(PH.t("mr.propose"), "primary propose",
          () => api("/v1/admin/issuances", { body: { aggregation_id: a.aggregation_id } })) : "")));
    const prev = new Date(Date.now() + 8 * 3600e3);
    prev.setUTCMonth(prev.getUTCMonth() - 1);
    return box("reg-aggregations", "ag.title",
      form("agg-form", [
        ["methodology_code", "ag.code", { value: "NJ-GT", required: "", maxlength: 32 }],
        ["kind", "ag.kind", { options: [["month", "ag.month"], ["quarter", "ag.quarter"]] }],
        ["month", "ag.period", { type: "month", required: "", value: prev.toISOString().slice(0, 7) }],
      ], "ag.create", (v) => {
        const [start, end] = period(v.kind, v.month);
        return api("/v1/admin/aggregations", { body: { methodology_code: v.methodology_code,
          period_start: start, period_end: end } });
      }),
      list("aggregations-list", rows));
  }

  // ---------------------------------------------------------------- experts and reviews

  function experts(d) {
    return box("reg-experts", "ex.title",
      el("p", { id: "expert-password", class: "o-once hidden", role: "status" }),
      form("expert-form", [
        ["name", "ex.name", { required: "", maxlength: 100 }],
        ["fields", "ex.fields", { required: "", placeholder: "forestry, energy" }],
        ["affiliation", "ex.aff", { maxlength: 200 }],
        ["username", "ex.user", { maxlength: 64, autocapitalize: "off", autocomplete: "off" }],
      ], "ex.add", async (v) => {
        const body = { name: v.name, fields: v.fields.split(/[,，]/).map((x) => x.trim()).filter(Boolean),
          affiliations: v.affiliation ? [{ name: v.affiliation }] : [] };
        if (v.username) body.username = v.username;
        const made = await api("/v1/admin/experts", { body });
        if (made.password) {
          shown("expert-password", PH.t("ex.password", { user: made.username }), made.password,
            made.username);
        }
      }),
      list("experts-list", d.experts.map((x) => item({ "data-expert": x.expert_id },
        el("div", { class: "row" }, el("strong", { class: "grow" }, x.name),
          x.active ? "" : el("span", { class: "pill bad" }, PH.t("ex.inactive"))),
        el("p", { class: "muted" }, x.fields.join(", ") + (x.affiliations.length ? " · " +
          x.affiliations.map((a) => a.name).join(", ") : "")),
        x.active ? el("div", { class: "acts" }, act(PH.t("ex.deactivate"), "danger deactivate",
          () => api("/v1/admin/experts/" + q(x.expert_id) + "/deactivate", { body: {} }))) : ""))));
  }

  function reviews(d) {
    const open = d.reviews.filter((r) => r.status === "open");
    const rest = d.reviews.filter((r) => r.status !== "open");
    return box("reg-reviews", "rv.title",
      form("review-form", [
        ["subject_kind", "rv.kind", { options: [["project", "k.project"],
          ["methodology", "k.methodology"], ["rule", "k.rule"]] }],
        ["subject_id", "rv.subject", { required: "", maxlength: 64, class: "mono" }],
        ["panel_size", "rv.size", { type: "number", min: 1, max: 15, value: 3, required: "" }],
        ["field", "rv.field", { maxlength: 64 }],
        ["seed", "rv.seed", { maxlength: 64 }],
      ], "rv.open", (v) => {
        const body = { subject: v.subject_kind, subject_id: v.subject_id,
          experts: Number(v.panel_size) };
        if (v.field) body.field = v.field;
        if (v.seed) body.seed = v.seed;
        return api("/v1/admin/reviews", { body });
      }),
      list("reviews-list", [...oldest(open, (r) => r.created_at), ...rest].map((r) =>
        item({ "data-review": r.review_id },
          el("div", { class: "row" }, el("strong", { class: "grow" }, PH.t("k." + r.subject_kind) +
            " " + r.subject_id), el("span", { class: "pill " + (r.status === "open" ? "warn" :
            r.status === "passed" ? "" : "bad") }, r.status)),
          el("p", { class: "muted" }, PH.t("rv.seed_is", { seed: r.seed, n: r.candidates.length }) +
            " · " + PH.fmtDate(r.created_at) + (r.summary ? " · " + r.summary : "")),
          el("div", { class: "panel" }),
          el("div", { class: "acts" }, act(PH.t("rv.show"), "secondary show", async (row) => {
            const full = await api("/v1/admin/reviews/" + q(r.review_id));
            row.querySelector(".panel").replaceChildren(el("ul", { class: "seats" },
              (full.panel || []).map((s) => el("li", { "data-expert": s.expert_id },
                s.expert_name + ": " + (s.vote || "—") + (s.opinion ? " — " + s.opinion : "")))));
            return false;
          }))))));
  }

  // ---------------------------------------------------------------- start

  function start() {
    AdminSection.mount({ id: "registry", prefix: "reg", bodyClass: "reg-body",
      load: () => R.load(), render: () => R.render(),
      reset: () => { R.data = {}; $("reg-body").replaceChildren(); } });
  }

  start();
})();
