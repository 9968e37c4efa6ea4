/* Merchant page, complaints (投诉与反馈): the signed-in merchant staff file a complaint in a
 * category, about a voucher redeemed at their stores if they like (picked from recent redemptions
 * or typed), with a file; follow each complaint's status, SLA due days and every step; rate the
 * outcome once it is resolved. Talks to /v1/merchant/complaints only. merchant.js owns sign-in:
 * this file follows <html data-auth> and wraps PH.setLang to redraw on a language switch. */
"use strict";
(function () {
  const PH = window.PH;
  const session = PH.session("merchant");
  const BASE = "/v1/merchant/complaints";
  const REF_RE = /^[0-9A-Za-z]{1,26}$/;

  Object.assign(PH.messages.zh, {
    "mc.title": "投诉与反馈", "mc.category": "类别", "mc.ref": "关联已核销的券（选填）",
    "mc.ref.ph": "券 ID", "mc.ref.hint": "可从最近的核销中选择", "mc.text": "问题描述",
    "mc.text.ph": "请描述发生了什么（最多 2000 字）", "mc.file": "附件（选填：图片、PDF 或文本）",
    "mc.submit": "提交投诉", "mc.mine": "本店的投诉", "mc.refresh": "刷新", "mc.more": "更多",
    "mc.none": "本店还没有提交过投诉", "mc.failed": "无法加载投诉", "mc.done": "已提交，我们会按时答复",
    "mc.c.voucher": "兑换券与核销", "mc.c.points": "积分与结算", "mc.c.merchant": "商户账户",
    "mc.c.privacy": "隐私", "mc.c.other": "其他", "mc.c.trip": "行程",
    "mc.s.open": "待受理", "mc.s.assigned": "处理中", "mc.s.responded": "已答复",
    "mc.s.escalated": "处理中", "mc.s.resolved": "已办结",
    "mc.step.filed": "已提交", "mc.step.assigned": "已受理", "mc.step.responded": "工作人员答复",
    "mc.step.escalated": "已提交上级处理", "mc.step.resolved": "已办结", "mc.step.rated": "本店的评价",
    "mc.step.attached": "已上传附件",
    "mc.due.response": "答复期限：{d} 日终前", "mc.due.resolution": "办结期限：{d} 日终前",
    "mc.late": "已超时", "mc.about": "关联券：{id}",
    "mc.rate": "评价处理结果", "mc.rate.comment": "评价（选填）", "mc.rate.send": "提交评价",
    "mc.rated": "本店的评价：{n} 星",
    "mc.e.ref_format": "券 ID 只能是字母和数字（最多 26 位）",
    "mc.e.ref_not_found": "找不到在本店核销过的这张券，请核对券 ID",
    "mc.e.not_redeemed": "这张券还没有核销，不能关联",
    "mc.e.complaint_open_for_ref": "这张券已有一条未办结的投诉",
    "mc.e.already_rated": "已经评价过了", "mc.e.not_resolved": "办结后才能评价",
    "mc.e.network": "网络错误，请重试",
  });
  Object.assign(PH.messages.en, {
    "mc.title": "Complaints", "mc.category": "Category", "mc.ref": "Redeemed voucher (optional)",
    "mc.ref.ph": "Voucher ID", "mc.ref.hint": "Pick one of the recent redemptions", "mc.text": "What happened",
    "mc.text.ph": "Describe what happened (at most 2000 characters)",
    "mc.file": "Attachment (optional: picture, PDF or text)", "mc.submit": "File the complaint",
    "mc.mine": "Our complaints", "mc.refresh": "Refresh", "mc.more": "More",
    "mc.none": "No complaints filed yet", "mc.failed": "Could not load the complaints",
    "mc.done": "Filed: we answer in time",
    "mc.c.voucher": "Vouchers & redemption", "mc.c.points": "Points & settlement",
    "mc.c.merchant": "Merchant account", "mc.c.privacy": "Privacy", "mc.c.other": "Other", "mc.c.trip": "Trip",
    "mc.s.open": "received", "mc.s.assigned": "in progress", "mc.s.responded": "answered",
    "mc.s.escalated": "in progress", "mc.s.resolved": "resolved",
    "mc.step.filed": "Filed", "mc.step.assigned": "Taken up", "mc.step.responded": "Staff answered",
    "mc.step.escalated": "Passed to a supervisor", "mc.step.resolved": "Resolved",
    "mc.step.rated": "Our rating", "mc.step.attached": "File attached",
    "mc.due.response": "Answer due by the end of {d}", "mc.due.resolution": "Resolution due by the end of {d}",
    "mc.late": "overdue", "mc.about": "Voucher {id}",
    "mc.rate": "Rate the outcome", "mc.rate.comment": "Comment (optional)", "mc.rate.send": "Send rating",
    "mc.rated": "Our rating: {n} stars",
    "mc.e.ref_format": "A voucher ID is letters and digits only (at most 26)",
    "mc.e.ref_not_found": "No voucher with this ID was redeemed at your stores: check the ID",
    "mc.e.not_redeemed": "This voucher has not been redeemed yet",
    "mc.e.complaint_open_for_ref": "There is already an open complaint about this voucher",
    "mc.e.already_rated": "Rated already", "mc.e.not_resolved": "Rate it once it is resolved",
    "mc.e.network": "Network error: try again",
  });

  const $ = (id) => document.getElementById(id);
  const el = PH.el, t = (k, v) => PH.t(k, v);
  const state = { items: null, failed: false, next: null, refs: [] };
  let seq = 0;

  const api = (path, opts) => PH.api(path, { session, ...(opts || {}) });
  // a clock ends at midnight (Shanghai) closing its working day: show that day
  const dueDay = (iso) => PH.fmtDate(new Date(Date.parse(iso) - 1000).toISOString());
  const late = (iso) => Date.parse(iso) < Date.now();

  function problem(e) {
    if (!(e instanceof PH.ApiError)) return t("mc.e.network");
    const key = "mc.e." + e.code;
    return e.code && key in PH.messages.zh ? t(key) : e.message;
  }

  /** A 401 that the token refresh could not mend: sign out through the page's own button. */
  function gone(e) {
    if (!(e instanceof PH.ApiError) || e.status !== 401) return false;
    const b = $("logout");
    if (b) b.click();
    return true;
  }

  // ---- the list -------------------------------------------------------------------------
  function rating(c) {
    const err = el("p", { class: "m-error", role: "alert" });
    const score = el("select", { class: "mc-score", "aria-label": t("mc.rate") },
      [5, 4, 3, 2, 1].map((n) => el("option", { value: n }, "★".repeat(n) + " " + n)));
    const comment = el("input", { class: "mc-comment", maxlength: 500,
      placeholder: t("mc.rate.comment"), "aria-label": t("mc.rate.comment") });
    const send = el("button", { type: "button", class: "secondary block mc-rate" }, t("mc.rate.send"));
    send.addEventListener("click", async () => {
      send.disabled = true;
      err.textContent = "";
      const body = { score: Number(score.value) };
      if (comment.value.trim()) body.comment = comment.value.trim();
      try {
        await api(`${BASE}/${encodeURIComponent(c.complaint_id)}/rating`, { body });
        await load();
      } catch (e) {
        if (gone(e)) return;
        err.textContent = problem(e);
        send.disabled = false;
      }
    });
    return el("div", { class: "mc-rating" }, el("div", { class: "muted" }, t("mc.rate")),
      score, comment, send, err);
  }

  function due(key, iso, met) {
    const over = !met && late(iso);
    return el("div", { class: over ? "mc-due late" : "mc-due", "data-due": key },
      t("mc.due." + key, { d: dueDay(iso) }), over ? [" · ", t("mc.late")] : "");
  }

  function item(c) {
    const done = c.status === "resolved";
    const steps = el("ol", { class: "mc-steps" }, c.steps.map((s) =>
      el("li", { "data-step": s.step },
        el("span", { class: "muted" }, PH.fmtTime(s.at), " "),
        el("strong", null, t("mc.step." + s.step)),
        s.step === "rated" ? "" : s.text ? el("div", { class: "mc-say" }, s.text) : "")));
    return el("li", { "data-complaint": c.complaint_id, "data-status": c.status },
      el("details", { open: done && c.rating ? null : "" },
        el("summary", null,
          el("span", { class: "mc-sum" }, t("mc.c." + c.category), " · ", c.text.slice(0, 40)),
          " ", el("span", { class: done ? "pill" : "pill warn", "data-mc-status": c.status },
            t("mc.s." + c.status))),
        c.ref_id ? el("div", { class: "muted mc-about" }, t("mc.about", { id: c.ref_id })) : "",
        done ? "" : [due("response", c.response_due_at, !!c.responded_at),
          due("resolution", c.resolution_due_at, false)],
        steps,
        c.rating ? el("div", { class: "muted mc-rated" }, t("mc.rated", { n: c.rating }),
          c.rating_comment ? " · " + c.rating_comment : "") : "",
        done && !c.rating ? rating(c) : ""));
  }

  function render() {
    const list = $("mc-list");
    if (!list) return;
    $("mc-more").classList.toggle("hidden", !state.next);
    if (state.items === null) {
      list.replaceChildren(...(state.failed ? [el("li", { class: "muted" }, t("mc.failed"))] : []));
      return;
    }
    list.replaceChildren(...(state.items.length ? state.items.map(item)
      : [el("li", { class: "muted" }, t("mc.none"))]));
  }

  /** The first page again (after filing, rating or a refresh), or the next one with `more`. */
  async function load(more) {
    if (!session.get()) return;
    const mine = ++seq;
    const cursor = more && state.next ? "&cursor=" + encodeURIComponent(state.next) : "";
    try {
      const page = await api(`${BASE}?limit=20${cursor}`);
      if (mine !== seq) return;
      state.items = more && state.items ? state.items.concat(page.items) : page.items;
      state.next = page.next_cursor || null;
      state.failed = false;
    } catch (e) {
      if (mine !== seq || gone(e)) return;
      state.failed = state.items === null;
    }
    render();
  }

  /** Recent redemptions, offered in the reference field (a cashier does not know voucher IDs). */
  async function loadRefs() {
    try {
      const page = await api("/v1/merchant/redemptions?limit=20");
      state.refs = page.items;
    } catch (e) { state.refs = []; }
    renderRefs();
  }

  function renderRefs() {
    const box = $("mc-refs");
    if (!box) return;
    box.replaceChildren(...state.refs.map((r) => el("option", { value: r.voucher_id },
      [PH.fmtTime(r.redeemed_at), r.offer.title, r.store && r.store.name].filter(Boolean).join(" · "))));
  }

  // ---- filing ---------------------------------------------------------------------------
  async function attach(complaintId, file) {
    const body = new FormData();
    body.append("file", file, file.name);
    const send = () => fetch(`${BASE}/${encodeURIComponent(complaintId)}/attachments`, {
      method: "POST", headers: { Authorization: "Bearer " + (session.get() || {}).access_token }, body,
    });
    const r = await send();
    if (!r.ok) throw new PH.ApiError(r.status, await r.json().catch(() => null));
  }

  async function file(ev) {
    ev.preventDefault();
    const err = $("mc-error"), submit = $("mc-submit"), ref = $("mc-ref"), text = $("mc-text");
    const upload = $("mc-file");
    err.textContent = "";
    const refId = ref.value.trim();
    if (refId && !REF_RE.test(refId)) { err.textContent = t("mc.e.ref_format"); ref.focus(); return; }
    if (!text.value.trim()) { text.focus(); return; }
    const body = { category: $("mc-category").value, text: text.value.trim() };
    if (refId) { body.ref_type = "redemption"; body.ref_id = refId; }
    submit.disabled = true;
    try {
      const c = await api(BASE, { body });
      ref.value = text.value = "";
      try {
        if (upload.files.length) await attach(c.complaint_id, upload.files[0]);
        upload.value = "";
      } catch (e) { err.textContent = problem(e); }
      PH.toast(t("mc.done"));
      await load();
    } catch (e) {
      if (gone(e)) return;
      err.textContent = problem(e);
      if ((e.code || "").includes("ref") || e.code === "not_redeemed") ref.focus();
    } finally {
      submit.disabled = false;
    }
  }

  // ---- wiring ---------------------------------------------------------------------------
  function reset() {
    seq++;
    state.items = null;
    state.failed = false;
    state.next = null;
    state.refs = [];
    render();
    renderRefs();
    const err = $("mc-error");
    if (err) err.textContent = "";
  }

  function follow() {
    if (document.documentElement.dataset.auth === "in") { load(); loadRefs(); } else reset();
  }

  const setLang = PH.setLang;
  PH.setLang = function (lang) { setLang(lang); render(); renderRefs(); };

  document.addEventListener("DOMContentLoaded", () => {
    if (!$("complaints-card")) return;
    $("mc-form").addEventListener("submit", file);
    $("mc-refresh").addEventListener("click", () => { load(); loadRefs(); });
    $("mc-more").addEventListener("click", () => load(true));
    // a voucher redeemed since: offer it too (at most one look-up in ten seconds)
    let refsAt = 0;
    $("mc-ref").addEventListener("focus", () => {
      if (Date.now() - refsAt > 10000) { refsAt = Date.now(); loadRefs(); }
    });
    new MutationObserver(follow).observe(document.documentElement,
      { attributes: true, attributeFilter: ["data-auth"] });
    follow();
  });
})();
