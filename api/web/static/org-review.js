/* /org, verifiers and experts: the reports assigned to a verifier organisation with the opinion
   form (verified tonnes, findings, verified or rejected), and an expert's review seats with
   their subject and the vote form (approve, reject, revise, with an opinion). */
"use strict";
(function () {
  const O = window.ORG;
  const el = PH.el;
  const $ = (id) => document.getElementById(id);

  Object.assign(PH.messages.zh, {
    "vr.title": "待核证的监测报告", "vr.project": "项目", "vr.period": "监测期", "vr.claimed": "申报减排量",
    "vr.verified_t": "核证减排量（吨）", "vr.findings": "核证意见", "vr.decision": "结论",
    "vr.verify": "核证通过", "vr.reject": "不予核证", "vr.submit": "提交核证意见", "vr.none": "暂无分配的报告",
    "vr.data": "监测数据",
    "ex.title": "我的评审席位", "ex.subject": "评审对象", "ex.kind.methodology": "方法学",
    "ex.kind.project": "项目", "ex.kind.rule": "规则", "ex.vote": "表决", "ex.opinion": "评审意见",
    "ex.approve": "同意", "ex.reject": "反对", "ex.revise": "修改后再审", "ex.submit": "提交意见",
    "ex.mine": "我的表决：{vote}", "ex.none": "暂无评审", "ex.panel": "评审组 {n} 人",
    "sj.title": "标题", "sj.body": "正文", "sj.effective_from": "生效日期", "sj.version": "版本",
    "sj.status": "状态", "sj.notice_id": "规则编号", "sj.kind": "类型", "sj.code": "编号",
    "sj.description": "描述", "sj.district": "所在区", "sj.location": "地点",
    "sj.methodology_code": "方法学", "sj.org_id": "机构", "sj.estimated_t_per_year": "预计年减排量（吨）",
    "sj.crediting_period_start": "计入期开始", "sj.crediting_period_end": "计入期结束",
    "sj.methodology_class": "方法学类别",
  });
  Object.assign(PH.messages.en, {
    "vr.title": "Reports to verify", "vr.project": "Project", "vr.period": "Period",
    "vr.claimed": "Claimed", "vr.verified_t": "Verified tonnes", "vr.findings": "Findings",
    "vr.decision": "Decision", "vr.verify": "Verified", "vr.reject": "Rejected",
    "vr.submit": "File the opinion", "vr.none": "No reports assigned", "vr.data": "Monitoring data",
    "ex.title": "My review seats", "ex.subject": "Subject", "ex.kind.methodology": "Methodology",
    "ex.kind.project": "Project", "ex.kind.rule": "Rule", "ex.vote": "Vote",
    "ex.opinion": "Opinion", "ex.approve": "Approve", "ex.reject": "Reject",
    "ex.revise": "Revise", "ex.submit": "File opinion and vote", "ex.mine": "My vote: {vote}",
    "ex.none": "No reviews", "ex.panel": "panel of {n}",
    "sj.title": "Title", "sj.body": "Text", "sj.effective_from": "Effective from",
    "sj.version": "Version", "sj.status": "Status", "sj.notice_id": "Rule", "sj.kind": "Kind",
    "sj.code": "Code", "sj.description": "Description", "sj.district": "District",
    "sj.location": "Location", "sj.methodology_code": "Methodology", "sj.org_id": "Organisation",
    "sj.estimated_t_per_year": "Estimated t/year", "sj.crediting_period_start": "Crediting from",
    "sj.crediting_period_end": "Crediting to", "sj.methodology_class": "Methodology class",
  });

  const statusTone = (s) => (s === "rejected" ? "bad" : s === "verified" || s === "passed" ? "" : "warn");

  O.screen({
    id: "verify", roles: ["verifier"], title: "vr.title", reports: [],
    build(body) { body.append(el("ul", { id: "verify-list", class: "list" })); },
    async load() {
      const page = (await O.api("/v1/verifier/reports?limit=100")).items;
      this.reports = await Promise.all(page.map((r) => (r.status === "assigned"
        ? O.api("/v1/verifier/reports/" + encodeURIComponent(r.report_id)) : r)));
      this.render();
    },
    render() {
      $("verify-list").replaceChildren(...(this.reports.length ? this.reports.map((r) => {
        const li = el("li", { class: "report", "data-report": r.report_id },
          el("div", { class: "row" }, el("strong", { class: "grow" },
            PH.t("vr.project") + " " + (r.project ? (r.project.code || "") + " " +
              r.project.title : r.project_id)), O.pill(r.status, statusTone(r.status))),
          r.project ? el("p", { class: "muted" }, r.project.methodology_code + " · " +
            r.project.district + " · " + r.project.crediting_period_start + " – " +
            r.project.crediting_period_end) : "",
          el("p", { class: "muted" }, PH.t("vr.period") + " " + r.period_start + " – " +
            r.period_end + " · " + PH.t("vr.claimed") + " " + O.num(r.claimed_t) + " t"),
          Object.keys(r.data || {}).length ? el("pre", { class: "o-data" },
            JSON.stringify(r.data, null, 1)) : "",
          r.status !== "assigned" ? el("p", {}, (r.verified_t !== null ? O.num(r.verified_t) +
            " t · " : "") + (r.findings || "")) : "");
        if (r.status === "assigned") li.append(this.opinionForm(r));
        return li;
      }) : [el("li", { class: "muted" }, PH.t("vr.none"))]));
    },
    opinionForm(r) {
      const form = el("form", { class: "o-form opinion-form", novalidate: "" },
        O.fields("vr-" + r.report_id, [
          ["decision", "vr.decision", { options: [["verified", "vr.verify"], ["rejected", "vr.reject"]] }],
          ["verified_t", "vr.verified_t", { type: "number", min: 0, max: r.claimed_t, step: 1,
            inputmode: "numeric" }],
          ["findings", "vr.findings", { tag: "textarea", rows: 3, required: "", maxlength: 20000 }]]),
        el("p", { class: "o-err form-err", role: "alert" }),
        el("button", { type: "submit", class: "primary" }, PH.t("vr.submit")));
      const t = form.elements.verified_t;
      form.elements.decision.addEventListener("change", (e) => {
        t.disabled = e.target.value === "rejected";
      });
      return O.form(form, async (v) => {
        const body = { decision: v.decision, findings: v.findings || "" };
        if (v.decision === "verified" && v.verified_t !== undefined) body.verified_t = v.verified_t;
        await O.api("/v1/verifier/reports/" + encodeURIComponent(r.report_id) + "/opinion",
          { body });
        await this.load();
      });
    },
  });

  const label = (k) => ("sj." + k in PH.messages.zh ? PH.t("sj." + k) : k);
  /** Plain text, one line per line (a rule's body), never HTML. */
  function lines(text) {
    const dd = el("dd", { class: "subject-text" });
    String(text).split("\n").forEach((line, i) => { if (i) dd.append(el("br")); dd.append(line); });
    return dd;
  }

  function subject(seat) {
    const s = seat.subject;
    if (!s) return el("p", { class: "muted" }, seat.subject_id);
    const rows = Object.entries(s).filter(([, v]) => typeof v !== "object" || v === null)
      .map(([k, v]) => [el("dt", { "data-key": k }, label(k)),
        k === "body" || k === "description" ? lines(v)
          : el("dd", {}, String(v === null ? "—" : v))]);
    if (s.location && s.location.address) rows.push([el("dt", {}, label("location")), el("dd", {}, s.location.address)]);
    return el("dl", { class: "o-dl subject" }, rows.flat());
  }

  O.screen({
    id: "seats", roles: ["expert"], title: "ex.title", seats: [],
    build(body) { body.append(el("ul", { id: "seats-list", class: "list" })); },
    async load() {
      const page = await O.api("/v1/expert/reviews?limit=100");
      this.seats = await Promise.all(page.items.map((s) =>
        O.api("/v1/expert/reviews/" + encodeURIComponent(s.review_id)).catch(() => s)));
      this.render();
    },
    render() {
      $("seats-list").replaceChildren(...(this.seats.length ? this.seats.map((s) => {
        const li = el("li", { class: "seat", "data-review": s.review_id },
          el("div", { class: "row" }, el("strong", { class: "grow" },
            PH.t("ex.kind." + s.subject_kind) + (s.subject && s.subject.title ? " · " + s.subject.title : "")),
          O.pill(s.status, statusTone(s.status))),
          el("p", { class: "muted" }, PH.t("ex.panel", { n: s.panel_size }) +
            (s.field ? " · " + s.field : "") + " · " + PH.fmtDate(s.created_at)),
          el("details", {}, el("summary", {}, PH.t("ex.subject")), subject(s)),
          s.my_vote ? el("p", { class: "my-vote" }, PH.t("ex.mine", { vote: PH.t("ex." + s.my_vote) }),
            s.my_opinion ? " — " + s.my_opinion : "") : "");
        if (!s.my_vote && s.status === "open") li.append(this.voteForm(s));
        return li;
      }) : [el("li", { class: "muted" }, PH.t("ex.none"))]));
    },
    voteForm(s) {
      return O.form(el("form", { class: "o-form vote-form", novalidate: "" },
        O.fields("ex-" + s.review_id, [
          ["vote", "ex.vote", { options: [["approve", "ex.approve"], ["reject", "ex.reject"],
            ["revise", "ex.revise"]] }],
          ["opinion", "ex.opinion", { tag: "textarea", rows: 3, required: "", maxlength: 10000 }]]),
        el("p", { class: "o-err form-err", role: "alert" }),
        el("button", { type: "submit", class: "primary" }, PH.t("ex.submit"))), async (v) => {
        await O.api("/v1/expert/reviews/" + encodeURIComponent(s.review_id) + "/opinion",
          { body: { vote: v.vote, opinion: v.opinion || "" } });
        await this.load();
      });
    },
  });
})();
