/* The staff dashboard's complaints section (/admin, #complaints): the queue of complaints (客诉),
   oldest first, with their SLA clocks (first response, resolution; counted in working days) and
   state (on time / due soon / breached), filtered by status, breach and category. Operations and
   admins take a complaint (assign to me), answer, escalate or resolve it (optionally linking a
   points adjustment of the filer); auditors read. Loads whenever admin.js shows #dash. */
"use strict";
(function () {
  const session = PH.session("admin");
  const el = PH.el;
  const $ = (id) => document.getElementById(id);
  const api = (path, opts) => PH.api(path, { ...(opts || {}), session });
  const Q = { page: null, filter: "unresolved", category: "" };
  const CATEGORIES = ["trip", "points", "voucher", "merchant", "privacy", "other"];

  Object.assign(PH.messages.zh, {
    "cq.title": "客诉队列", "cq.refresh": "刷新客诉", "cq.none": "暂无客诉",
    "cq.f.unresolved": "未办结", "cq.f.breached": "已超时", "cq.f.resolved": "已办结", "cq.f.all": "全部",
    "cq.f.cat": "全部类别", "cq.filter": "筛选",
    "cq.c.trip": "行程", "cq.c.points": "积分", "cq.c.voucher": "兑换券", "cq.c.merchant": "商户",
    "cq.c.privacy": "隐私", "cq.c.other": "其他",
    "cq.s.open": "待受理", "cq.s.assigned": "已指派", "cq.s.responded": "已答复",
    "cq.s.escalated": "已升级", "cq.s.resolved": "已办结",
    "cq.sla.on_time": "按时", "cq.sla.due_soon": "即将超时", "cq.sla.breached": "已超时",
    "cq.by.citizen": "市民", "cq.by.merchant": "商户",
    "cq.due.r": "首次答复时限 {at}", "cq.due.x": "办结时限 {at}", "cq.owner": "负责人 {id}",
    "cq.text": "答复 / 办结说明 / 升级原因", "cq.adj": "关联积分调整编号（选填）",
    "cq.assign": "指派给我", "cq.respond": "答复", "cq.escalate": "升级", "cq.resolve": "办结",
    "cq.readonly": "审计账号只读", "cq.ref": "关联 {type} {id}", "cq.rated": "评价 {n}/5",
  });
  Object.assign(PH.messages.en, {
    "cq.title": "Complaints queue", "cq.refresh": "Refresh complaints", "cq.none": "No complaints",
    "cq.f.unresolved": "Unresolved", "cq.f.breached": "Breached", "cq.f.resolved": "Resolved",
    "cq.f.all": "All", "cq.f.cat": "All categories", "cq.filter": "Filter",
    "cq.c.trip": "Trip", "cq.c.points": "Points", "cq.c.voucher": "Voucher", "cq.c.merchant": "Merchant",
    "cq.c.privacy": "Privacy", "cq.c.other": "Other",
    "cq.s.open": "open", "cq.s.assigned": "assigned", "cq.s.responded": "responded",
    "cq.s.escalated": "escalated", "cq.s.resolved": "resolved",
    "cq.sla.on_time": "on time", "cq.sla.due_soon": "due soon", "cq.sla.breached": "breached",
    "cq.by.citizen": "citizen", "cq.by.merchant": "merchant",
    "cq.due.r": "first response by {at}", "cq.due.x": "resolution by {at}", "cq.owner": "owner {id}",
    "cq.text": "Answer / resolution / escalation reason", "cq.adj": "Adjustment ID to link (optional)",
    "cq.assign": "Assign to me", "cq.respond": "Respond", "cq.escalate": "Escalate",
    "cq.resolve": "Resolve", "cq.readonly": "Auditor accounts are read-only",
    "cq.ref": "about {type} {id}", "cq.rated": "rated {n}/5",
  });

  const role = () => (session.get() || {}).role;
  const pillClass = { on_time: "pill", due_soon: "pill warn", breached: "pill bad" };

  function query() {
    const p = new URLSearchParams({ limit: "50" });
    if (Q.filter === "unresolved" || Q.filter === "resolved") p.set("status", Q.filter);
    if (Q.filter === "breached") p.set("breached", "true");
    if (Q.category) p.set("category", Q.category);
    return "/v1/admin/complaints?" + p;
  }

  async function load() {
    const err = $("cq-error");
    err.classList.add("hidden");
    try {
      Q.page = await api(query());
    } catch (e) {
      Q.page = null;
      err.textContent = e.message || String(e);
      err.classList.remove("hidden");
    }
    render();
  }

  function actions(c) {
    if (c.status === "resolved") return null;
    if (role() !== "admin" && role() !== "operations") {
      return el("p", { class: "muted" }, PH.t("cq.readonly"));
    }
    const text = el("textarea", { class: "cq-text", maxlength: 2000, rows: 2,
      placeholder: PH.t("cq.text"), "aria-label": PH.t("cq.text") });
    text.style.width = "100%";  // CSSOM, allowed by the CSP (a style attribute is not)
    const adj = el("input", { class: "cq-adj reason", maxlength: 26,
      placeholder: PH.t("cq.adj"), "aria-label": PH.t("cq.adj") });
    const errLine = el("p", { class: "row-err", role: "alert" });
    const url = "/v1/admin/complaints/" + encodeURIComponent(c.complaint_id);
    const run = (label, cls, path, body) => el("button", { type: "button", class: "small " + cls,
      "data-action": path, onclick: async (ev) => {
        ev.target.disabled = true;
        errLine.textContent = "";
        try {
          await api(url + "/" + path, { body: body() });
          await load();
        } catch (e) {
          errLine.textContent = e.message || String(e);
          ev.target.disabled = false;
        }
      } }, PH.t(label));
    const staffId = (session.get() || {}).staff_id;
    return el("div", { class: "cq-acts" }, text,
      el("div", { class: "acts" },
        staffId ? run("cq.assign", "secondary", "assign", () => ({ staff_id: staffId })) : "",
        run("cq.respond", "primary", "respond", () => ({ text: text.value })),
        run("cq.escalate", "secondary", "escalate", () => ({ reason: text.value })),
        adj,
        run("cq.resolve", "primary", "resolve", () => (adj.value.trim()
          ? { text: text.value, adjustment_id: adj.value.trim() } : { text: text.value }))),
      errLine);
  }

  // a clock ends at midnight (Shanghai) closing its working day: "that day 24:00"
  const dueDay = (iso) => PH.fmtDate(new Date(Date.parse(iso) - 1000).toISOString()) + " 24:00";

  function row(c) {
    const when = (iso) => PH.fmtTime(iso);
    return el("li", { "data-complaint": c.complaint_id, "data-sla": c.sla_state },
      el("div", { class: "row" },
        el("strong", { class: "grow" }, PH.t("cq.c." + c.category), " · ",
          PH.t("cq.by." + c.filer_type), " · ", when(c.filed_at)),
        el("span", { class: "pill" + (c.status === "resolved" ? "" : " warn") },
          PH.t("cq.s." + c.status)), " ",
        el("span", { class: pillClass[c.sla_state] || "pill", "data-t-sla": c.sla_state },
          PH.t("cq.sla." + c.sla_state))),
      el("p", { class: "cq-body" }, c.text || "—"),
      el("p", { class: "muted" },
        [c.ref_type ? PH.t("cq.ref", { type: c.ref_type, id: c.ref_id }) : null,
          PH.t("cq.due.r", { at: dueDay(c.response_due_at) }),
          PH.t("cq.due.x", { at: dueDay(c.resolution_due_at) }),
          c.assignee_id ? PH.t("cq.owner", { id: c.assignee_id }) : null,
          c.rating ? PH.t("cq.rated", { n: c.rating }) : null].filter(Boolean).join(" · ")),
      c.resolution ? el("p", { class: "cq-resolution" }, c.resolution) : "",
      actions(c) || "");
  }

  function render() {
    const body = $("cq-body");
    if (!body) return;
    if (!Q.page) { body.replaceChildren(); return; }
    const items = Q.page.items;
    body.replaceChildren(el("ul", { class: "list", id: "cq-list" },
      items.length ? items.map(row) : [el("li", { class: "muted" }, PH.t("cq.none"))]));
  }

  function toolbar() {
    const filter = el("select", { id: "cq-filter", "aria-label": PH.t("cq.filter"),
      onchange: (ev) => { Q.filter = ev.target.value; load(); } },
      ["unresolved", "breached", "resolved", "all"].map((f) =>
        el("option", { value: f, "data-t": "cq.f." + f }, PH.t("cq.f." + f))));
    const category = el("select", { id: "cq-category", "aria-label": PH.t("cq.f.cat"),
      onchange: (ev) => { Q.category = ev.target.value; load(); } },
      el("option", { value: "", "data-t": "cq.f.cat" }, PH.t("cq.f.cat")),
      CATEGORIES.map((c) => el("option", { value: c, "data-t": "cq.c." + c }, PH.t("cq.c." + c))));
    return el("div", { class: "acts" }, filter, category);
  }

  function start() {
    AdminSection.mount({ id: "complaints", prefix: "cq", tools: [toolbar()], load, render,
      reset: () => { Q.page = null; render(); } });
  }

  start();
})();
