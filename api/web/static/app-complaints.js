/* The citizen H5 app, complaints (投诉, under 我的 / Me): file a complaint in a category, about
 * one of my trips or vouchers if I like, with a picture or document; follow every step (filed,
 * assigned, answered, escalated, resolved, rated) with the answer's text; rate the outcome once it
 * is resolved. When staff act, the live event `complaint.updated` (app.js passes each live event
 * on as a `ph:live` DOM event) refreshes the list without a reload. Public API only. */
"use strict";
(function () {
  const PH = window.PH, $ = PH.$, el = PH.el, t = PH.t;
  const session = PH.session("citizen");
  const view = $("#view-me");
  const list = $("#cp-list"), formBox = $("#cp-form");
  if (!view || !list || !formBox) return;
  const CATEGORIES = ["trip", "points", "voucher", "merchant", "privacy", "other"];
  const state = { items: null, refs: [] };

  Object.assign(PH.messages.zh, {
    "cp.title": "投诉与建议", "cp.none": "您还没有提交过投诉。", "cp.new": "提交投诉",
    "cp.category": "类别", "cp.ref": "关于（选填）", "cp.ref.none": "不关联", "cp.text": "问题描述",
    "cp.text.ph": "请描述发生了什么（最多 2000 字）", "cp.file": "附件（选填：图片、PDF 或文本）",
    "cp.submit": "提交", "cp.done": "已提交，我们会在 1 个工作日内答复",
    "cp.c.trip": "行程", "cp.c.points": "积分", "cp.c.voucher": "兑换券", "cp.c.merchant": "商户",
    "cp.c.privacy": "隐私", "cp.c.other": "其他",
    "cp.s.open": "待受理", "cp.s.assigned": "处理中", "cp.s.responded": "已答复",
    "cp.s.escalated": "处理中", "cp.s.resolved": "已办结",
    "cp.step.filed": "已提交", "cp.step.assigned": "已受理", "cp.step.responded": "工作人员答复",
    "cp.step.escalated": "已提交上级处理", "cp.step.resolved": "已办结", "cp.step.rated": "您的评价",
    "cp.step.attached": "已上传附件",
    "cp.due": "{r} 日终前答复 · {x} 日终前办结", "cp.rate": "评价处理结果", "cp.rate.comment": "评价（选填）",
    "cp.rate.send": "提交评价", "cp.rated": "您的评价：{n} 星", "cp.answered": "您的投诉有新进展",
    "cp.trip": "行程 {when}", "cp.voucher": "兑换券 {id}",
  });
  Object.assign(PH.messages.en, {
    "cp.title": "Complaints", "cp.none": "You have not filed a complaint.", "cp.new": "File a complaint",
    "cp.category": "Category", "cp.ref": "About (optional)", "cp.ref.none": "Nothing in particular",
    "cp.text": "What happened", "cp.text.ph": "Describe what happened (at most 2000 characters)",
    "cp.file": "Attachment (optional: picture, PDF or text)", "cp.submit": "Submit",
    "cp.done": "Filed: we answer within 1 working day",
    "cp.c.trip": "Trip", "cp.c.points": "Points", "cp.c.voucher": "Voucher", "cp.c.merchant": "Merchant",
    "cp.c.privacy": "Privacy", "cp.c.other": "Other",
    "cp.s.open": "received", "cp.s.assigned": "in progress", "cp.s.responded": "answered",
    "cp.s.escalated": "in progress", "cp.s.resolved": "resolved",
    "cp.step.filed": "Filed", "cp.step.assigned": "Taken up", "cp.step.responded": "Staff answered",
    "cp.step.escalated": "Passed to a supervisor", "cp.step.resolved": "Resolved",
    "cp.step.rated": "Your rating", "cp.step.attached": "File attached",
    "cp.due": "answered by the end of {r} · resolved by the end of {x}", "cp.rate": "Rate the outcome",
    "cp.rate.comment": "Comment (optional)", "cp.rate.send": "Send rating",
    "cp.rated": "Your rating: {n} stars", "cp.answered": "Your complaint has news",
    "cp.trip": "Trip {when}", "cp.voucher": "Voucher {id}",
  });

  PH.translate($("#complaints-card"));  // app.js translated the page before these messages

  const api = (path, opts) => PH.api(path, { session, ...(opts || {}) });
  // a clock ends at midnight (Shanghai) closing its working day: show that day
  const dueDay = (iso) => PH.fmtDate(new Date(Date.parse(iso) - 1000).toISOString());
  const fail = (box, e) => { box.textContent = e.message || String(e); };

  function rating(c) {
    const err = el("p", { class: "error-line", role: "alert" });
    const stars = el("select", { class: "cp-score", "aria-label": t("cp.rate") },
      [5, 4, 3, 2, 1].map((n) => el("option", { value: n }, "★".repeat(n))));
    const comment = el("input", { class: "cp-comment", maxlength: 500,
      placeholder: t("cp.rate.comment"), "aria-label": t("cp.rate.comment") });
    const send = el("button", { type: "button", class: "secondary block cp-rate", onclick: async () => {
      send.disabled = true;
      const body = { score: Number(stars.value) };
      if (comment.value.trim()) body.comment = comment.value.trim();
      try {
        await api(`/v1/me/complaints/${encodeURIComponent(c.complaint_id)}/rating`, { body });
        await load();
      } catch (e) { fail(err, e); send.disabled = false; }
    } }, t("cp.rate.send"));
    return el("div", { class: "cp-rating" }, el("div", { class: "muted" }, t("cp.rate")),
      stars, comment, send, err);
  }

  function item(c) {
    const steps = el("ol", { class: "cp-steps" }, c.steps.map((s) =>
      el("li", { "data-step": s.step },
        el("span", { class: "muted" }, PH.fmtTime(s.at), " "),
        el("strong", {}, t("cp.step." + s.step)),
        s.step === "rated" ? "" : s.text ? el("div", { class: "cp-say" }, s.text) : "")));
    const done = c.status === "resolved";
    return el("li", { "data-complaint": c.complaint_id, "data-status": c.status },
      el("details", { open: done && c.rating ? null : "" },
        el("summary", {},
          el("span", { class: "item-title" }, t("cp.c." + c.category), " · ", c.text.slice(0, 40)),
          " ", el("span", { class: done ? "pill" : "pill warn", "data-cp-status": c.status },
            t("cp.s." + c.status))),
        done ? "" : el("div", { class: "muted" }, t("cp.due", {
          r: dueDay(c.response_due_at), x: dueDay(c.resolution_due_at) })),
        steps,
        c.rating ? el("div", { class: "muted" }, t("cp.rated", { n: c.rating })) : "",
        done && !c.rating ? rating(c) : ""));
  }

  function render() {
    if (state.items === null) return;
    list.replaceChildren(...(state.items.length ? state.items.map(item)
      : [el("li", { class: "muted" }, t("cp.none"))]));
  }

  let seq = 0;
  async function load() {
    const mine = ++seq;
    try {
      const page = await api("/v1/me/complaints?limit=20");
      if (mine !== seq) return;
      state.items = page.items;
      render();
    } catch (e) { /* the app shows session errors; keep the last list */ }
  }

  async function loadRefs() {
    const [trips, vouchers] = await Promise.all([
      api("/v1/me/trips?limit=10").catch(() => ({ items: [] })),
      api("/v1/me/vouchers?limit=10").catch(() => ({ items: [] })),
    ]);
    state.refs = [
      ...trips.items.map((x) => ["trip", x.trip_id, t("cp.trip", { when: PH.fmtTime(x.ended_at) })]),
      ...vouchers.items.map((x) => ["voucher", x.voucher_id, t("cp.voucher", { id: x.voucher_id.slice(-6) })]),
    ];
    renderForm();
  }

  async function attach(complaintId, file) {
    const body = new FormData();
    body.append("file", file, file.name);
    const s = session.get();
    const r = await fetch(`/v1/me/complaints/${encodeURIComponent(complaintId)}/attachments`, {
      method: "POST", headers: { Authorization: "Bearer " + (s && s.access_token) }, body,
    });
    if (!r.ok) throw new PH.ApiError(r.status, await r.json().catch(() => null));
  }

  function renderForm() {
    const err = el("p", { class: "error-line", role: "alert" });
    const category = el("select", { id: "cp-category" },
      CATEGORIES.map((c) => el("option", { value: c }, t("cp.c." + c))));
    const ref = el("select", { id: "cp-ref" }, el("option", { value: "" }, t("cp.ref.none")),
      state.refs.map(([type, id, label]) => el("option", { value: type + ":" + id }, label)));
    const text = el("textarea", { id: "cp-text", maxlength: 2000, rows: 3,
      placeholder: t("cp.text.ph") });
    text.style.width = "100%";  // CSSOM, allowed by the CSP (a style attribute is not)
    const file = el("input", { id: "cp-file", type: "file",
      accept: "image/png,image/jpeg,application/pdf,text/plain" });
    const submit = el("button", { id: "cp-submit", type: "submit", class: "primary block" },
      t("cp.submit"));
    const form = el("form", { id: "cp-new" },
      el("h3", {}, t("cp.new")),
      el("label", { for: "cp-category" }, t("cp.category")), category,
      el("label", { for: "cp-ref" }, t("cp.ref")), ref,
      el("label", { for: "cp-text" }, t("cp.text")), text,
      el("label", { for: "cp-file" }, t("cp.file")), file,
      submit, err);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      err.textContent = "";
      submit.disabled = true;
      const body = { category: category.value, text: text.value };
      if (ref.value) {
        const [type, id] = ref.value.split(":");
        body.ref_type = type;
        body.ref_id = id;
      }
      try {
        const c = await api("/v1/me/complaints", { body });
        if (file.files.length) await attach(c.complaint_id, file.files[0]);
        text.value = "";
        file.value = "";
        PH.toast(t("cp.done"));
        await load();
      } catch (e) { fail(err, e); }
      submit.disabled = false;
    });
    formBox.replaceChildren(form);
  }

  document.addEventListener("ph:live", (ev) => {
    if (ev.detail.name !== "complaint.updated") return;
    PH.toast(t("cp.answered"));
    load();
  });

  const setLang = PH.setLang;
  PH.setLang = function (lang) { setLang(lang); render(); renderForm(); };

  const visible = (node) => node && !node.classList.contains("hidden");
  new MutationObserver(() => { if (visible(view)) { load(); loadRefs(); } })
    .observe(view, { attributes: true, attributeFilter: ["class"] });
  if (visible(view)) { load(); loadRefs(); }
})();
