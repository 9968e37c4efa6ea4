/* The staff dashboard's notices section (/admin, #notices): every version of every policy, rule
   and announcement (drafts included), grouped by notice, newest version first. Operations and
   admins draft a notice or its next version and edit drafts; admins publish and withdraw. A rule's
   draft shows its expert review: when one was opened since the draft, publishing waits for it to
   pass (and for no edit after it passed). Loads whenever admin.js shows #dash; shares its session. */
"use strict";
(function () {
  const session = PH.session("admin");
  const el = PH.el;
  const $ = (id) => document.getElementById(id);
  const N = { notices: null };

  Object.assign(PH.messages.zh, {
    "nt.title": "公告与规则", "nt.refresh": "刷新公告", "nt.none": "暂无公告",
    "nt.id": "公告编号（小写字母、数字、-）", "nt.kind": "类型", "nt.t": "标题", "nt.body": "正文",
    "nt.from": "生效日期", "nt.draft": "起草", "nt.save": "保存", "nt.cancel": "取消",
    "nt.edit": "编辑", "nt.publish": "发布", "nt.withdraw": "撤回", "nt.next": "起草新版本",
    "nt.review": "发起专家评审", "nt.size": "评审人数", "nt.field": "专业领域（可选）",
    "nt.v": "第 {n} 版", "nt.effective": "{date} 起施行", "nt.pub_at": "发布于 {at}",
    "nt.s.draft": "草稿", "nt.s.published": "已发布", "nt.s.withdrawn": "已撤回",
    "nt.s.upcoming": "已发布（未生效）",
    "nt.k.policy": "政策", "nt.k.rule": "规则", "nt.k.announcement": "公告",
    "nt.r.none": "未发起专家评审：可直接发布", "nt.r.open": "专家评审中：通过后方可发布",
    "nt.r.passed": "专家评审已通过", "nt.r.edited": "评审通过后又修改过：须重新评审",
    "nt.r.rejected": "专家评审未通过", "nt.r.revise": "专家要求修改：修改后须重新评审",
    "nt.readonly": "审计账号只读", "nt.adminonly": "发布与撤回仅限管理员",
  });
  Object.assign(PH.messages.en, {
    "nt.title": "Notices and rules", "nt.refresh": "Refresh notices", "nt.none": "No notices yet",
    "nt.id": "Notice ID (a-z, 0-9, -)", "nt.kind": "Kind", "nt.t": "Title", "nt.body": "Body",
    "nt.from": "Effective from", "nt.draft": "Draft", "nt.save": "Save", "nt.cancel": "Cancel",
    "nt.edit": "Edit", "nt.publish": "Publish", "nt.withdraw": "Withdraw",
    "nt.next": "Draft next version", "nt.review": "Open expert review", "nt.size": "Panel size",
    "nt.field": "Field (optional)",
    "nt.v": "version {n}", "nt.effective": "in force from {date}", "nt.pub_at": "published {at}",
    "nt.s.draft": "draft", "nt.s.published": "published", "nt.s.withdrawn": "withdrawn",
    "nt.s.upcoming": "published (upcoming)",
    "nt.k.policy": "Policy", "nt.k.rule": "Rule", "nt.k.announcement": "Announcement",
    "nt.r.none": "no expert review opened: may be published",
    "nt.r.open": "expert review open: publish once it passes",
    "nt.r.passed": "expert review passed",
    "nt.r.edited": "edited after the review passed: open a new review",
    "nt.r.rejected": "expert review rejected it",
    "nt.r.revise": "experts asked for revision: open a new review after editing",
    "nt.readonly": "auditors read only", "nt.adminonly": "only admins publish and withdraw",
  });

  const api = (path, opts) => PH.api(path, { ...(opts || {}), session });
  const q = (s) => encodeURIComponent(s);
  const role = () => (session.get() || {}).role;
  const today = () => PH.shanghaiDay();

  // ---------------------------------------------------------------- loading

  async function load() {
    const err = $("nt-error");
    err.classList.add("hidden");
    try {
      N.notices = await api("/v1/admin/notices");
      render();
    } catch (e) {
      err.textContent = e.message;
      err.classList.remove("hidden");
    }
  }

  // ---------------------------------------------------------------- actions

  /** A button running an action; its error goes to the row's .row-err; then a reload. */
  function act(label, cls, run) {
    return el("button", { type: "button", class: cls + " small", onclick: async (e) => {
      const b = e.currentTarget;
      const row = b.closest("[data-row]");
      const err = row && row.querySelector(":scope > .row-err");
      if (err) err.textContent = "";
      b.disabled = true;
      try {
        if ((await run(row)) !== false) await load();
      } catch (x) {
        if (err) err.textContent = x.message;
        else PH.toast(x.message);
      } finally {
        b.disabled = false;
      }
    } }, label);
  }

  const field = (id, key, input) => el("div", { class: "nt-field" },
    el("label", { for: id }, PH.t(key)), input);

  /** The title, body and effective date inputs (a draft's edit, or a new draft). */
  function textInputs(prefix, v) {
    return [
      field(prefix + "-title", "nt.t", el("input", { id: prefix + "-title", name: "title",
        maxlength: 200, required: "", value: v ? v.title : "" })),
      field(prefix + "-from", "nt.from", el("input", { id: prefix + "-from", name: "effective_from",
        type: "date", required: "", value: v ? v.effective_from : today() })),
      field(prefix + "-body", "nt.body", Object.assign(el("textarea", { id: prefix + "-body",
        name: "body", rows: 6, maxlength: 20000, required: "", class: "nt-body" }),
      { value: v ? v.body : "" })),
    ];
  }

  const values = (f) => Object.fromEntries([...f.elements].filter((c) => c.name)
    .map((c) => [c.name, c.name === "body" ? c.value : c.value.trim()]));

  function submitting(f, run) {
    f.addEventListener("submit", async (e) => {
      e.preventDefault();
      const b = f.querySelector("button[type=submit]");
      const err = f.querySelector(".form-err");
      err.textContent = "";
      b.disabled = true;
      try {
        await run(values(f));
        await load();
      } catch (x) {
        const named = x.body && (x.body.field || ((x.body.errors || [])[0] || {}).field);
        err.textContent = (named ? named + ": " : "") + x.message;
      } finally {
        b.disabled = false;
      }
    });
    return f;
  }

  function draftForm() {
    const f = el("form", { id: "notice-form", class: "nt-form", novalidate: "" },
      field("nt-new-id", "nt.id", el("input", { id: "nt-new-id", name: "notice_id", maxlength: 64,
        required: "", class: "mono", pattern: "[a-z0-9][a-z0-9-]{1,63}", autocapitalize: "off" })),
      field("nt-new-kind", "nt.kind", el("select", { id: "nt-new-kind", name: "kind" },
        ["policy", "rule", "announcement"].map((k) => el("option", { value: k }, PH.t("nt.k." + k))))),
      ...textInputs("nt-new"),
      el("div", { class: "acts" }, el("button", { type: "submit", class: "primary small" },
        PH.t("nt.draft"))),
      el("p", { class: "row-err form-err", role: "alert" }));
    return submitting(f, (v) => api("/v1/admin/notices", { body: v }));
  }

  /** Prefill the draft form with a notice's latest version: its next version. */
  function nextVersion(v) {
    const f = $("notice-form");
    f.elements.notice_id.value = v.notice_id;
    f.elements.kind.value = v.kind;
    f.elements.title.value = v.title;
    f.elements.body.value = v.body;
    f.elements.effective_from.value = v.effective_from > today() ? v.effective_from : today();
    f.scrollIntoView({ block: "center" });
    f.elements.title.focus();
  }

  function editForm(row, v) {
    const url = "/v1/admin/notices/" + q(v.notice_id) + "/versions/" + v.version;
    const f = el("form", { class: "nt-form nt-edit", novalidate: "" },
      ...textInputs("nt-edit-" + v.notice_id, v),
      el("div", { class: "acts" },
        el("button", { type: "submit", class: "primary small save" }, PH.t("nt.save")),
        el("button", { type: "button", class: "secondary small", onclick: () => f.remove() },
          PH.t("nt.cancel"))),
      el("p", { class: "row-err form-err", role: "alert" }));
    row.querySelector(".nt-editor").replaceChildren(submitting(f, (vals) =>
      api(url, { method: "PUT", body: vals })));
    f.elements.title.focus();
  }

  function reviewForm(v) {
    const f = el("form", { class: "acts nt-review-form", novalidate: "" },
      el("input", { name: "experts", type: "number", min: 1, max: 15, value: 3, required: "",
        class: "nt-size", "aria-label": PH.t("nt.size"), title: PH.t("nt.size") }),
      el("input", { name: "field", maxlength: 64, class: "reason", placeholder: PH.t("nt.field"),
        "aria-label": PH.t("nt.field") }),
      el("button", { type: "submit", class: "secondary small open-review" }, PH.t("nt.review")),
      el("p", { class: "row-err form-err", role: "alert" }));
    return submitting(f, (vals) => {
      const body = { subject: "rule", subject_id: v.notice_id, experts: Number(vals.experts) };
      if (vals.field) body.field = vals.field;
      return api("/v1/admin/reviews", { body });
    });
  }

  // ---------------------------------------------------------------- rendering

  function statusPill(v) {
    const upcoming = v.status === "published" && v.effective_from > today();
    const key = upcoming ? "nt.s.upcoming" : "nt.s." + v.status;
    const cls = v.status === "draft" ? "warn" : v.status === "withdrawn" ? "bad" : "";
    return el("span", { class: "pill status " + cls, "data-status": v.status }, PH.t(key));
  }

  function versionRow(v, latest) {
    const write = role() === "admin" || role() === "operations";
    const admin = role() === "admin";
    const url = "/v1/admin/notices/" + q(v.notice_id) + "/versions/" + v.version;
    const meta = [PH.t("nt.v", { n: v.version }), PH.t("nt.effective", { date: v.effective_from })];
    if (v.published_at) meta.push(PH.t("nt.pub_at", { at: PH.fmtTime(v.published_at) }));
    let review = "";
    if (v.review_state) {  // a rule's draft: where it stands with its expert review (server's)
      const state = v.review_state;
      review = el("p", { class: "pill review-state " + (state === "passed" || state === "none"
        ? "" : state === "open" ? "warn" : "bad"), "data-review-state": state,
      title: v.review_id || "" }, PH.t("nt.r." + state));
    }
    const acts = [];
    if (v.status === "draft" && write) {
      acts.push(act(PH.t("nt.edit"), "secondary edit", (row) => { editForm(row, v); return false; }));
    }
    if (v.status === "draft" && admin) {
      acts.push(act(PH.t("nt.publish"), "primary publish", () => api(url + "/publish", { body: {} })));
    }
    if (v.status === "published" && admin) {
      acts.push(act(PH.t("nt.withdraw"), "danger withdraw", () => api(url + "/withdraw", { body: {} })));
    }
    if (latest && v.status !== "draft" && write) {
      acts.push(act(PH.t("nt.next"), "secondary next", () => { nextVersion(v); return false; }));
    }
    const body = el("details", { class: "nt-text" }, el("summary", {}, PH.t("nt.body")),
      el("p", { class: "nt-body-text" }, v.body));
    return el("li", { "data-row": "", "data-version": String(v.version), "data-status": v.status },
      el("div", { class: "row" }, el("strong", { class: "grow" }, v.title), statusPill(v)),
      el("p", { class: "muted" }, meta.join(" · ")),
      review, body,
      acts.length ? el("div", { class: "acts" }, ...acts) : "",
      v.kind === "rule" && v.status === "draft" && write ? reviewForm(v) : "",
      el("div", { class: "nt-editor" }),
      el("p", { class: "row-err", role: "alert" }));
  }

  function render() {
    const body = $("nt-body");
    if (!body || N.notices === null) return;
    const groups = new Map();
    for (const v of N.notices) {
      if (!groups.has(v.notice_id)) groups.set(v.notice_id, []);
      groups.get(v.notice_id).push(v);
    }
    const notices = [...groups.values()].map((vs) => vs.sort((a, b) => b.version - a.version))
      .sort((a, b) => String(b[0].updated_at || b[0].created_at)
        .localeCompare(String(a[0].updated_at || a[0].created_at)));
    const write = role() === "admin" || role() === "operations";
    body.replaceChildren(
      write ? draftForm() : el("p", { class: "muted" }, PH.t("nt.readonly")),
      role() === "operations" ? el("p", { class: "muted" }, PH.t("nt.adminonly")) : "",
      el("ul", { class: "list", id: "notices-list" }, notices.length ? notices.map((vs) =>
        el("li", { "data-notice": vs[0].notice_id, class: "nt-notice" },
          el("div", { class: "row" }, el("span", { class: "pill kind" }, PH.t("nt.k." + vs[0].kind)),
            el("strong", { class: "grow mono" }, vs[0].notice_id)),
          el("ul", { class: "list nt-versions" }, vs.map((v, i) => versionRow(v, i === 0)))))
        : [el("li", { class: "muted" }, PH.t("nt.none"))]));
  }

  // ---------------------------------------------------------------- start

  function start() {
    AdminSection.mount({ id: "notices", prefix: "nt", load, render,
      reset: () => { N.notices = null; $("nt-body").replaceChildren(); } });
  }

  start();
})();
