/* The organisation console (/org): the application form and sign-in when signed out; signed in,
   the screens of the member's role (org-units.js, org-projects.js, org-review.js register them
   through window.ORG). Chinese first, English on #lang-toggle. Same origin only (strict CSP). */
"use strict";
(function () {
  const session = PH.session("org");
  // Runs in <head>, before the body is drawn: pick the view now so nothing jumps later.
  document.documentElement.dataset.auth = session.get() ? "in" : "out";
  const ROLES = ["org", "verifier", "expert"];

  Object.assign(PH.messages.zh, {
    title: "普惠 · 机构工作台", "lang.switch": "EN", logout: "退出",
    "login.title": "机构成员、核证机构、专家登录", "login.username": "用户名", "login.password": "密码",
    "login.submit": "登录", "login.failed": "用户名或密码不正确",
    "login.role": "此账号不是机构成员、核证机构或专家账号",
    "apply.title": "申请成为碳普惠机构",
    "apply.hint": "工作人员审核通过后，将创建机构、登记账户和首位成员账号。",
    "apply.name": "机构名称", "apply.uscc": "统一社会信用代码", "apply.kind": "机构类型",
    "apply.district": "所在区", "apply.contact": "联系人", "apply.phone": "联系电话",
    "apply.email": "电子邮箱", "apply.submit": "提交申请",
    "apply.done": "申请已提交（编号 {id}），请等待工作人员审核。",
    "kind.enterprise": "企业", "kind.public_institution": "公共机构",
    "kind.event_organiser": "活动组织方", "kind.verifier": "核证机构",
    "role.org": "机构成员", "role.verifier": "核证机构", "role.expert": "专家",
    "org.title": "机构", "org.uscc": "统一社会信用代码", "org.kind": "类型", "org.status": "状态",
    "org.district": "所在区", "acct.title": "登记账户", "acct.id": "账户编号", "acct.kind": "类型",
    "acct.name": "名称", "acct.balance": "余额（吨）",
    "members.title": "成员管理", "members.username": "用户名", "members.admin": "管理员",
    "members.active": "状态", "members.add": "添加成员", "members.disable": "停用",
    "members.password": "新成员 {name} 的初始密码（只显示这一次）：", "members.disabled": "已停用",
    "members.enabled": "正常", "yes": "是", "no": "否",
    busy: "处理中…", loading: "加载中…", none: "暂无", "err.load": "加载失败：{msg}",
    "err.network": "网络错误，请重试", done: "已完成",
    "st.active": "正常", "st.pending": "待处理", "st.draft": "草稿", "st.submitted": "已提交",
    "st.registered": "已登记", "st.rejected": "已驳回", "st.assigned": "已分配核证",
    "st.verified": "已核证", "st.reserved": "已预留", "st.retired": "已注销", "st.open": "评审中",
    "st.passed": "评审通过", "st.revise": "需修改", "st.released": "已释放",
  });
  Object.assign(PH.messages.en, {
    title: "Puhui · Organisation console", "lang.switch": "中文", logout: "Sign out",
    "login.title": "Members, verifiers and experts: sign in", "login.username": "Username",
    "login.password": "Password", "login.submit": "Sign in",
    "login.failed": "Wrong username or password",
    "login.role": "This is not an organisation, verifier or expert account",
    "apply.title": "Apply as a carbon-inclusion organisation",
    "apply.hint": "Once staff approve, the organisation, its registry account and a first member are created.",
    "apply.name": "Organisation name", "apply.uscc": "Unified social credit code",
    "apply.kind": "Kind", "apply.district": "District", "apply.contact": "Contact person",
    "apply.phone": "Phone", "apply.email": "Email", "apply.submit": "Apply",
    "apply.done": "Application {id} filed; staff will review it.",
    "kind.enterprise": "Enterprise", "kind.public_institution": "Public institution",
    "kind.event_organiser": "Event organiser", "kind.verifier": "Verifier",
    "role.org": "member", "role.verifier": "verifier", "role.expert": "expert",
    "org.title": "Organisation", "org.uscc": "USCC", "org.kind": "Kind", "org.status": "Status",
    "org.district": "District", "acct.title": "Registry accounts", "acct.id": "Account",
    "acct.kind": "Kind", "acct.name": "Name", "acct.balance": "Balance (t)",
    "members.title": "Members", "members.username": "Username", "members.admin": "Admin",
    "members.active": "Status", "members.add": "Add member", "members.disable": "Disable",
    "members.password": "First password of {name} (shown only this once):",
    "members.disabled": "disabled", "members.enabled": "active", "yes": "yes", "no": "no",
    busy: "Working…", loading: "Loading…", none: "None yet", "err.load": "Could not load: {msg}",
    "err.network": "Network error: try again", done: "Done",
    "st.active": "active", "st.pending": "pending", "st.draft": "draft", "st.submitted": "submitted",
    "st.registered": "registered", "st.rejected": "rejected", "st.assigned": "assigned",
    "st.verified": "verified", "st.reserved": "reserved", "st.retired": "retired",
    "st.open": "in review", "st.passed": "passed", "st.revise": "to revise",
    "st.released": "released",
  });

  const $ = (id) => document.getElementById(id);
  const el = PH.el;
  const O = (window.ORG = { session, screens: [], ctx: {} });

  // ---------------------------------------------------------------- helpers for the screens

  O.api = async function (path, opts) {
    try {
      return await PH.api(path, { ...(opts || {}), session });
    } catch (e) {
      if (e.status === 401) logout();
      throw e;
    }
  };

  /** Upload one file (multipart), with the bearer token; one refresh on 401 through PH.api. */
  O.upload = async function (path, form, retried) {
    const s = session.get();
    const r = await fetch(path, { method: "POST", body: form,
      headers: { Authorization: "Bearer " + (s ? s.access_token : "") } });
    if (r.status === 401 && !retried) {
      await O.api("/v1/org/me").catch(() => {});
      return O.upload(path, form, true);
    }
    const body = (r.headers.get("content-type") || "").includes("json") ? await r.json() : null;
    if (!r.ok) throw new PH.ApiError(r.status, body);
    return body;
  };

  O.t = (key, vars) => PH.t(key, vars);
  O.num = (v) => new Intl.NumberFormat(PH.lang === "zh" ? "zh-CN" : "en-US").format(v);
  O.pill = (status, tone) => el("span", { class: "pill " + (tone || ""), "data-status": status },
    PH.t("st." + status));
  O.mono = (text) => el("span", { class: "mono" }, text);
  O.link = (href, key, attrs) => el("a", { href, ...(attrs || {}) }, PH.t(key));

  /** A table: heads are message keys ("num:" prefix right-aligns); rows are arrays of cells. */
  O.table = function (heads, rows, attrs) {
    const th = heads.map((h) => h.startsWith("num:")
      ? el("th", { class: "num" }, PH.t(h.slice(4))) : el("th", {}, PH.t(h)));
    const body = rows.length ? rows : [el("tr", {}, el("td", { colspan: heads.length,
      class: "empty" }, PH.t("none")))];
    return el("div", { class: "scroll" }, el("table", attrs || {},
      el("thead", {}, el("tr", {}, th)), el("tbody", {}, body)));
  };

  /** Form fields from [name, labelKey, attrs]; attrs.options = [[value, key]] makes a select,
      attrs.tag = "textarea" a text area. */
  O.fields = function (prefix, specs) {
    return specs.flatMap(([name, key, attrs]) => {
      const a = { ...(attrs || {}) };
      const id = prefix + "-" + name.replaceAll(".", "-").replaceAll("_", "-");
      const options = a.options;
      const tag = options ? "select" : a.tag || "input";
      delete a.options;
      delete a.tag;
      const control = el(tag, { id, name, ...a }, (options || []).map(([v, k]) =>
        el("option", { value: v, "data-t": k }, PH.t(k))));
      return [el("label", { for: id, "data-t": key }, PH.t(key)), control];
    });
  };

  /** The form's values: "a.b" names nest, number inputs are numbers, empty fields left out. */
  O.values = function (form) {
    const out = {};
    for (const c of form.elements) {
      if (!c.name || c.disabled || c.type === "file" || c.type === "submit") continue;
      let v = c.type === "checkbox" ? c.checked : c.value.trim();
      if (v === "") continue;
      if (c.type === "number") v = Number(v);
      const path = c.name.split(".");
      let at = out;
      for (const p of path.slice(0, -1)) at = at[p] = at[p] || {};
      at[path[path.length - 1]] = v;
    }
    return out;
  };

  /** Show a problem+json beside the field it names (or at the form's foot). */
  O.problem = function (form, e) {
    form.querySelectorAll(".field-err").forEach((n) => n.remove());
    const foot = form.querySelector(".form-err");
    const body = (e && e.body) || {};
    const named = body.field ? [{ field: body.field, message: e.message }] : (body.errors || [])
      .map((x) => ({ field: String(x.field || "").replace(/^\$\./, "").replace(/^data\./, ""),
        message: x.message || e.message }));
    const rest = [];
    for (const n of named) {
      const c = n.field && form.querySelector('[name="' + CSS.escape(n.field) + '"]');
      if (c) {
        c.setAttribute("aria-invalid", "true");
        c.after(el("p", { class: "field-err o-err", role: "alert", "data-field": n.field },
          n.message));
      } else rest.push(n.field ? n.field + ": " + n.message : n.message);
    }
    const text = e ? (named.length ? rest.join("; ") : e.status ? e.message : PH.t("err.network")) : "";
    if (foot) foot.textContent = text;
  };

  /** Submit handling: busy button, problems shown, and (idempotent) one Idempotency-Key per
      intended write: kept while the form is unchanged (a double click or retry replays), new
      after a success or an edit. */
  O.form = function (form, handler, opts) {
    const idem = opts && opts.idempotent;
    form.addEventListener("input", () => { delete form.dataset.key; });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = form.querySelector('button[type="submit"]');
      if (form.dataset.busy) return;
      form.dataset.busy = "1";
      if (button) button.disabled = true;
      if (idem && !form.dataset.key) form.dataset.key = PH.uuid();
      O.problem(form, null);
      form.querySelectorAll("[aria-invalid]").forEach((c) => c.removeAttribute("aria-invalid"));
      try {
        await handler(O.values(form), form.dataset.key);
        delete form.dataset.key;
      } catch (e) {
        O.problem(form, e);
      } finally {
        delete form.dataset.busy;
        if (button) button.disabled = false;
      }
    });
    return form;
  };

  /** A card of the signed-in console: {id, roles, title, build(body), load()}. */
  O.screen = function (spec) { O.screens.push(spec); };

  /** Reload every screen of the role (after a write that changes several). */
  O.reload = async function () {
    await loadMe();
    await Promise.all(active().map((s) => run(s)));
  };

  const active = () => O.screens.filter((s) => s.roles.includes(O.ctx.role) &&
    (!s.when || s.when(O.ctx)));

  async function run(s) {
    const box = $("screen-" + s.id);
    try {
      await s.load(O.ctx);
      box.querySelector(".screen-err").classList.add("hidden");
    } catch (e) {
      if (e.status === 403 && s.hideOn403) { box.classList.add("hidden"); return; }
      const err = box.querySelector(".screen-err");
      err.textContent = PH.t("err.load", { msg: e.message });
      err.classList.remove("hidden");
    }
  }

  // ---------------------------------------------------------------- sign-in, apply, console

  function setAuth(which) {
    document.documentElement.dataset.auth = which;
    const s = session.get();
    $("who").textContent = s && which === "in" ? s.username + " · " + PH.t("role." + s.role) : "";
  }

  const signIn = async (v) => {
    const error = $("login-error");
    error.textContent = "";
    let tokens;
    try {
      tokens = await PH.api("/v1/auth/staff", { body: { username: v.username,
        password: $("login-password").value } });
    } catch (e) {
      error.textContent = e.status === 401 ? PH.t("login.failed") : e.message;
      return;
    }
    if (!ROLES.includes(tokens.role)) {
      error.textContent = PH.t("login.role");
      return;
    }
    session.set({ ...tokens, username: v.username });
    $("login-password").value = "";
    await enter();
  };

  const apply = async (v) => {
    const made = await PH.api("/v1/org-applications", { body: v });
    $("apply-form").reset();
    const done = $("apply-done");
    done.textContent = PH.t("apply.done", { id: made.application_id });
    done.dataset.applicationId = made.application_id;
    done.classList.remove("hidden");
  };

  function logout() {
    const s = session.get();
    session.clear();
    O.ctx = {};
    $("screens").replaceChildren();
    setAuth("out");
    if (s && s.refresh_token) {
      PH.api("/v1/auth/logout", { body: { refresh_token: s.refresh_token } }).catch(() => {});
    }
  }

  async function loadMe() {
    if (O.ctx.role === "expert") return;
    O.ctx.me = await O.api("/v1/org/me");
    O.ctx.accounts = O.ctx.me.accounts;
    renderOrg();
  }

  function renderOrg() {
    const me = O.ctx.me;
    if (!me) return;
    const o = me.organisation;
    const dl = el("dl", { class: "o-dl" },
      el("dt", {}, PH.t("org.uscc")), el("dd", { class: "mono" }, o.uscc),
      el("dt", {}, PH.t("org.kind")), el("dd", {}, PH.t("kind." + o.kind)),
      el("dt", {}, PH.t("org.district")), el("dd", {}, !o.district ? "—"
        : ("d." + o.district) in PH.messages.zh ? PH.t("d." + o.district) : o.district),
      el("dt", {}, PH.t("org.status")), el("dd", {}, PH.t("st." + o.status)));
    const rows = me.accounts.map((a) => el("tr", { "data-account": a.account_id },
      el("td", {}, O.mono(a.account_id)), el("td", {}, a.name),
      el("td", { class: "num balance" }, O.num(a.balance_t))));
    $("org-info").replaceChildren(el("p", { class: "o-name", id: "org-name" }, o.name), dl,
      el("h3", {}, PH.t("acct.title")),
      O.table(["acct.id", "acct.name", "num:acct.balance"], rows, { id: "accounts-table" }));
  }

  async function enter() {
    const s = session.get();
    O.ctx = { role: s.role, session: s };
    setAuth("in");
    document.querySelectorAll("#console > .card").forEach((c) => c.classList.toggle("hidden",
      !c.classList.contains("for-" + s.role)));
    $("console-error").classList.add("hidden");
    try {
      await loadMe();
    } catch (e) {
      $("console-error").textContent = PH.t("err.load", { msg: e.message });
      $("console-error").classList.remove("hidden");
      return;
    }
    const host = $("screens");
    host.replaceChildren(...active().map((spec) => {
      const body = el("div", { class: "screen-body" });
      const box = el("section", { class: "card", id: "screen-" + spec.id },
        el("h2", { "data-t": spec.title }, PH.t(spec.title)),
        el("div", { class: "error hidden screen-err", role: "alert" }), body);
      spec.build(body, O.ctx);
      return box;
    }));
    await Promise.all(active().map((spec) => run(spec)));
  }

  // ---------------------------------------------------------------- members (org admins)

  O.screen({
    id: "members", roles: ["org", "verifier"], title: "members.title", hideOn403: true,
    when: (ctx) => !ctx.me || !ctx.me.you || ctx.me.you.org_admin,
    build(body) {
      body.append(el("div", { id: "members-list" }),
        O.form(el("form", { id: "member-form", class: "o-form" },
          O.fields("member", [["username", "members.username", { required: "", minlength: 3,
            maxlength: 64, autocomplete: "off", autocapitalize: "off" }]]),
          el("label", { class: "check" }, el("input", { type: "checkbox", name: "org_admin" }),
            el("span", { "data-t": "members.admin" }, PH.t("members.admin"))),
          el("p", { class: "o-err form-err", role: "alert" }),
          el("button", { type: "submit", class: "primary", "data-t": "members.add" },
            PH.t("members.add")),
          el("p", { id: "member-password", class: "o-ok hidden", role: "status" })),
        async (v, _, form = $("member-form")) => {
          const made = await O.api("/v1/org/members", { body: { username: v.username,
            org_admin: !!v.org_admin } });
          form.reset();
          const box = $("member-password");
          box.replaceChildren(PH.t("members.password", { name: made.member.username }), " ",
            el("strong", { class: "mono secret" }, made.password));
          box.classList.remove("hidden");
          await O.screens.find((s) => s.id === "members").load();
        }));
    },
    async load() {
      const page = await O.api("/v1/org/members?limit=100");
      const me = O.ctx.session.staff_id;
      $("members-list").replaceChildren(O.table(
        ["members.username", "members.admin", "members.active", ""],
        page.items.map((m) => el("tr", { "data-member": m.username },
          el("td", {}, m.username), el("td", {}, PH.t(m.org_admin ? "yes" : "no")),
          el("td", {}, PH.t(m.active ? "members.enabled" : "members.disabled")),
          el("td", {}, m.active && m.staff_id !== me ? el("button", { type: "button",
            class: "secondary small", onclick: () => disable(m) }, PH.t("members.disable")) : ""))),
        { id: "members-table" }));
    },
  });

  async function disable(m) {
    try {
      await O.api("/v1/org/members/" + encodeURIComponent(m.staff_id) + "/disable", { body: {} });
      await O.screens.find((s) => s.id === "members").load();
    } catch (e) {
      PH.toast(e.message);
    }
  }

  // ---------------------------------------------------------------- language and start

  function setLang(lang) {
    PH.setLang(lang);
    document.title = PH.t("title");
    $("lang-toggle").lang = lang === "zh" ? "en" : "zh-CN";
    setAuth(document.documentElement.dataset.auth);
    renderOrg();
    for (const s of active()) if (s.render && O.ctx.role) s.render(O.ctx);
  }

  document.addEventListener("DOMContentLoaded", () => {
    O.form($("login-form"), signIn);
    O.form($("apply-form"), apply);
    $("logout").addEventListener("click", logout);
    $("lang-toggle").addEventListener("click", () => setLang(PH.lang === "zh" ? "en" : "zh"));
    setLang(PH.lang);
    if (session.get()) enter();
  });
})();
