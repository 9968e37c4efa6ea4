/* /org, projects: the draft form, each project's status and review outcome, its documents
   (upload while a draft), submission for validation, and the monitoring reports of registered
   projects (file one; status, verified tonnes, findings). */
"use strict";
(function () {
  const O = window.ORG;
  const el = PH.el;
  const $ = (id) => document.getElementById(id);
  const DISTRICTS = ["xuanwu", "qinhuai", "jianye", "gulou", "pukou", "qixia", "yuhuatai",
    "jiangning", "luhe", "lishui", "gaochun", "jiangbei"]; // domain/districts.py
  const DISTRICT_ZH = ["玄武区", "秦淮区", "建邺区", "鼓楼区", "浦口区", "栖霞区", "雨花台区",
    "江宁区", "六合区", "溧水区", "高淳区", "江北新区"];
  const DISTRICT_EN = ["Xuanwu", "Qinhuai", "Jianye", "Gulou", "Pukou", "Qixia", "Yuhuatai",
    "Jiangning", "Luhe", "Lishui", "Gaochun", "Jiangbei New Area"];
  DISTRICTS.forEach((d, i) => {
    PH.messages.zh["d." + d] = DISTRICT_ZH[i];
    PH.messages.en["d." + d] = DISTRICT_EN[i];
  });

  Object.assign(PH.messages.zh, {
    "pj.title": "项目", "pj.new": "新建项目草稿", "pj.name": "项目名称", "pj.method": "方法学",
    "pj.district": "所在区", "pj.address": "项目地点", "pj.start": "计入期开始", "pj.end": "计入期结束",
    "pj.est": "预计年减排量（吨/年）", "pj.desc": "项目描述", "pj.create": "保存草稿",
    "pj.code": "项目编号", "pj.period": "计入期", "pj.review": "专家评审",
    "pj.votes": "赞成 {approve} · 反对 {reject} · 修改 {revise}（共 {n} 位）",
    "pj.reasons": "驳回理由：", "pj.docs": "文件", "pj.upload": "上传文件", "pj.submit": "提交审定",
    "pj.uploaded": "已上传 {name}", "pj.none": "还没有项目", "pj.file": "选择文件",
    "rp.title": "监测报告", "rp.period": "监测期", "rp.claimed": "申报（吨）", "rp.verified": "核证（吨）",
    "rp.status": "状态", "rp.findings": "核证意见", "rp.start": "监测期开始", "rp.end": "监测期结束",
    "rp.claim": "申报减排量（吨）", "rp.file": "提交监测报告",
  });
  Object.assign(PH.messages.en, {
    "pj.title": "Projects", "pj.new": "New project draft", "pj.name": "Title",
    "pj.method": "Methodology", "pj.district": "District", "pj.address": "Location",
    "pj.start": "Crediting period start", "pj.end": "Crediting period end",
    "pj.est": "Estimated t/year", "pj.desc": "Description", "pj.create": "Save draft",
    "pj.code": "Code", "pj.period": "Crediting period", "pj.review": "Expert review",
    "pj.votes": "approve {approve} · reject {reject} · revise {revise} (of {n})",
    "pj.reasons": "Reasons: ", "pj.docs": "Documents", "pj.upload": "Upload",
    "pj.submit": "Submit for validation", "pj.uploaded": "Uploaded {name}",
    "pj.none": "No projects yet", "pj.file": "File",
    "rp.title": "Monitoring reports", "rp.period": "Period", "rp.claimed": "Claimed (t)",
    "rp.verified": "Verified (t)", "rp.status": "Status", "rp.findings": "Findings",
    "rp.start": "Period start", "rp.end": "Period end", "rp.claim": "Claimed tonnes",
    "rp.file": "File a monitoring report",
  });

  const screen = {
    id: "projects", roles: ["org"], title: "pj.title", projects: [], extra: {},
    build(body) {
      body.append(el("ul", { id: "projects-list", class: "list" }),
        el("details", { class: "o-new", id: "project-new" },
          el("summary", { "data-t": "pj.new" }, PH.t("pj.new")),
          O.form(el("form", { id: "project-form", class: "o-form", novalidate: "" },
            O.fields("pj", [
              ["title", "pj.name", { required: "", maxlength: 200 }],
              ["methodology_code", "pj.method", { options: [] }],
              ["district", "pj.district", { options: DISTRICTS.map((d) => [d, "d." + d]) }],
              ["location.address", "pj.address", { required: "", maxlength: 300 }],
              ["crediting_period_start", "pj.start", { type: "date", required: "" }],
              ["crediting_period_end", "pj.end", { type: "date", required: "" }],
              ["estimated_t_per_year", "pj.est", { type: "number", min: 0, step: 1, required: "",
                inputmode: "numeric" }],
              ["description", "pj.desc", { tag: "textarea", rows: 3, maxlength: 20000 }]]),
            el("p", { class: "o-err form-err", role: "alert" }),
            el("button", { type: "submit", class: "primary", "data-t": "pj.create" },
              PH.t("pj.create"))),
          async (v) => {
            await O.api("/v1/org/projects", { body: { description: "", ...v } });
            $("project-form").reset();
            $("project-new").open = false;
            await this.load();
          })));
    },
    async load() {
      if (!this.methods) {
        const all = await O.api("/v1/public/methodologies");
        this.methods = all.filter((m) => m.status === "published" && m.scope === "project");
        $("pj-methodology-code").replaceChildren(...this.methods.map((m) => el("option",
          { value: m.code }, m.code + " · " + m.title)));
      }
      const [page, reviews] = await Promise.all([
        O.api("/v1/org/projects?limit=100"),
        O.api("/v1/public/reviews?subject_kind=project&limit=100"),
      ]);
      this.projects = page.items;
      this.reviews = new Map(reviews.items.map((r) => [r.review_id, r]));
      this.extra = {};
      await Promise.all(this.projects.map(async (p) => {
        const base = "/v1/org/projects/" + encodeURIComponent(p.project_id);
        const [docs, reports] = await Promise.all([
          O.api(base + "/documents"),
          p.status === "registered" ? O.api(base + "/monitoring-reports?limit=100") : null,
        ]);
        this.extra[p.project_id] = { docs, reports: reports ? reports.items : [] };
      }));
      this.render();
    },
    render() {
      const list = $("projects-list");
      list.replaceChildren(...(this.projects.length ? this.projects.map((p) => this.item(p))
        : [el("li", { class: "muted" }, PH.t("pj.none"))]));
    },
    item(p) {
      const x = this.extra[p.project_id] || { docs: [], reports: [] };
      const review = p.review_id && this.reviews.get(p.review_id);
      const base = "/v1/org/projects/" + encodeURIComponent(p.project_id);
      const tone = p.status === "rejected" ? "bad" : p.status === "registered" ? "" : "warn";
      const li = el("li", { class: "project", "data-project": p.project_id },
        el("div", { class: "row" }, el("strong", { class: "grow p-title" }, p.title),
          O.pill(p.status, tone)),
        el("p", { class: "muted" },
          (p.code ? PH.t("pj.code") + " " + p.code + " · " : "") + p.methodology_code + " · " +
          PH.t("d." + p.district) + " · " + PH.t("pj.period") + " " + p.crediting_period_start +
          " – " + p.crediting_period_end + " · " + O.num(p.estimated_t_per_year) + " t/a"),
        review ? el("p", { class: "review" }, PH.t("pj.review") + ": ", O.pill(review.status,
          review.status === "passed" ? "" : review.status === "open" ? "warn" : "bad"), " ",
        PH.t("pj.votes", { approve: review.votes.approve || 0, reject: review.votes.reject || 0,
          revise: review.votes.revise || 0, n: review.panel_size })) : "",
        p.reasons.length ? el("p", { class: "o-err reasons" }, PH.t("pj.reasons") +
          p.reasons.join("; ")) : "",
        el("div", { class: "docs" }, el("span", { class: "muted" }, PH.t("pj.docs") + ": "),
          x.docs.length ? x.docs.map((d) => el("a", { class: "doc", href: "#",
            onclick: (e) => { e.preventDefault(); download(base, d); } }, d.name)) : "—"));
      if (p.status === "draft") {
        li.append(O.form(el("form", { class: "o-inline upload-form" },
          el("input", { type: "file", name: "file", required: "", "aria-label": PH.t("pj.file") }),
          el("button", { type: "submit", class: "secondary" }, PH.t("pj.upload")),
          el("p", { class: "o-err form-err", role: "alert" })), async (_, __, form) => {
          form = li.querySelector(".upload-form");
          const file = form.elements.file.files[0];
          if (!file) return;
          const data = new FormData();
          data.append("file", file);
          await O.upload(base + "/documents", data);
          PH.toast(PH.t("pj.uploaded", { name: file.name }));
          await this.load();
        }), el("button", { type: "button", class: "primary submit-project",
          onclick: (e) => this.submit(e.target, base) }, PH.t("pj.submit")));
      }
      if (p.status === "registered") li.append(this.reports(p, x.reports, base));
      return li;
    },
    reports(p, reports, base) {
      const form = O.form(el("form", { class: "o-form report-form", novalidate: "" },
        O.fields("rp-" + p.project_id, [
          ["period_start", "rp.start", { type: "date", required: "" }],
          ["period_end", "rp.end", { type: "date", required: "" }],
          ["claimed_t", "rp.claim", { type: "number", min: 1, step: 1, required: "" }]]),
        el("p", { class: "o-err form-err", role: "alert" }),
        el("button", { type: "submit", class: "primary" }, PH.t("rp.file"))), async (v) => {
        await O.api(base + "/monitoring-reports", { body: v });
        await this.load();
      });
      return el("div", { class: "reports" }, el("h3", {}, PH.t("rp.title")),
        O.table(["rp.period", "num:rp.claimed", "num:rp.verified", "rp.status", "rp.findings"],
          reports.map((r) => el("tr", { "data-report": r.report_id },
            el("td", {}, r.period_start + " – " + r.period_end),
            el("td", { class: "num" }, O.num(r.claimed_t)),
            el("td", { class: "num" }, r.verified_t === null ? "—" : O.num(r.verified_t)),
            el("td", {}, O.pill(r.status, r.status === "rejected" ? "bad" :
              r.status === "verified" ? "" : "warn")),
            el("td", { class: "name" }, r.findings || "—")))),
        el("details", {}, el("summary", {}, PH.t("rp.file")), form));
    },
    async submit(button, base) {
      button.disabled = true;
      try {
        await O.api(base + "/submit", { body: {} });
        await this.load();
      } catch (e) {
        PH.toast(e.message);
        button.disabled = false;
      }
    },
  };
  O.screen(screen);

  async function download(base, d) {
    const s = O.session.get();
    const r = await fetch(base + "/documents/" + encodeURIComponent(d.document_id),
      { headers: { Authorization: "Bearer " + (s ? s.access_token : "") } });
    if (!r.ok) { PH.toast("HTTP " + r.status); return; }
    const url = URL.createObjectURL(await r.blob());
    const a = el("a", { href: url, download: d.name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }
})();
