/* /org, units: holdings (blocks with serial ranges), transfer and retire forms (one
   Idempotency-Key per intended write, see ORG.form) and the organisation's retirements with
   their certificate PDF, signed JSON and public page. */
"use strict";
(function () {
  const O = window.ORG;
  const el = PH.el;
  const $ = (id) => document.getElementById(id);
  const PURPOSES = ["carbon_neutrality", "event", "voluntary", "eco_compensation"];

  Object.assign(PH.messages.zh, {
    "hold.title": "持有的减排量", "hold.block": "序列号区段", "hold.vintage": "年份",
    "hold.class": "类别", "hold.project": "项目", "hold.qty": "数量（吨）", "hold.status": "状态",
    "hold.account": "账户 {id}",
    "tx.title": "转让", "tx.from": "转出账户", "tx.to": "转入账户编号", "tx.qty": "数量（吨）",
    "tx.serials": "指定序列号（可选，每行一个区段或序列号；不填则先转最早年份）",
    "tx.submit": "转让", "tx.done": "已转让 {n} 吨：{ranges}",
    "rt.title": "注销", "rt.account": "注销账户", "rt.qty": "数量（吨）", "rt.beneficiary": "受益方",
    "rt.purpose": "用途", "rt.details": "说明（公开）", "rt.serials": "指定序列号（可选）",
    "rt.submit": "注销（不可撤销）", "rt.done": "已注销 {n} 吨：{ranges}",
    "p.carbon_neutrality": "碳中和", "p.event": "大型活动", "p.voluntary": "自愿注销",
    "p.eco_compensation": "生态补偿",
    "rl.title": "本机构的注销记录", "rl.status.pending": "待完成（已预留）",
    "rl.status.released": "已撤回", "rl.date": "时间", "rl.qty": "吨", "rl.beneficiary": "受益方",
    "rl.purpose": "用途", "rl.serials": "序列号", "rl.links": "证书",
    "rl.pdf": "PDF 证书", "rl.json": "签名 JSON", "rl.page": "公开页面",
  });
  Object.assign(PH.messages.en, {
    "hold.title": "Holdings", "hold.block": "Serial range", "hold.vintage": "Vintage",
    "hold.class": "Class", "hold.project": "Project", "hold.qty": "Tonnes", "hold.status": "Status",
    "hold.account": "Account {id}",
    "tx.title": "Transfer", "tx.from": "From account", "tx.to": "To account (ID)",
    "tx.qty": "Tonnes", "tx.serials": "Serials (optional, one range or serial a line; oldest vintage first if none)",
    "tx.submit": "Transfer", "tx.done": "Transferred {n} t: {ranges}",
    "rt.title": "Retire", "rt.account": "Account", "rt.qty": "Tonnes", "rt.beneficiary": "Beneficiary",
    "rt.purpose": "Purpose", "rt.details": "Details (public)", "rt.serials": "Serials (optional)",
    "rt.submit": "Retire (final)", "rt.done": "Retired {n} t: {ranges}",
    "p.carbon_neutrality": "Carbon neutrality", "p.event": "Event", "p.voluntary": "Voluntary",
    "p.eco_compensation": "Eco-compensation",
    "rl.title": "Our retirements", "rl.status.pending": "pending (units reserved)",
    "rl.status.released": "released", "rl.date": "Date", "rl.qty": "t", "rl.beneficiary": "Beneficiary",
    "rl.purpose": "Purpose", "rl.serials": "Serials", "rl.links": "Certificate",
    "rl.pdf": "PDF", "rl.json": "Signed JSON", "rl.page": "Public page",
  });

  const serialList = (text) => (text || "").split(/[\s,]+/).filter(Boolean);
  const accountOptions = (ctx) => (ctx.accounts || []).map((a) =>
    el("option", { value: a.account_id }, a.name + " · " + a.account_id));

  function certificateLinks(id) {
    const base = "/v1/public/retirements/" + encodeURIComponent(id);
    return el("span", { class: "links" },
      O.link(base + "/certificate.pdf", "rl.pdf", { class: "cert-pdf", target: "_blank", rel: "noopener" }),
      O.link(base + "/certificate.json", "rl.json", { class: "cert-json", target: "_blank", rel: "noopener" }),
      O.link("/registry/retirements/" + encodeURIComponent(id), "rl.page", { class: "cert-page" }));
  }

  // ---------------------------------------------------------------- holdings

  const holdings = {
    id: "holdings", roles: ["org"], title: "hold.title", data: [],
    build(body) { body.append(el("div", { id: "holdings-list" })); },
    async load(ctx) {
      this.data = await Promise.all((ctx.accounts || []).map(async (a) => ({ account: a,
        items: (await O.api("/v1/registry/accounts/" + encodeURIComponent(a.account_id) +
          "/holdings?limit=100")).items })));
      this.render();
    },
    render() {
      $("holdings-list").replaceChildren(...this.data.map(({ account, items }) => el("div",
        { class: "holding", "data-account": account.account_id },
        el("h3", {}, PH.t("hold.account", { id: account.name })),
        O.table(["hold.block", "hold.vintage", "hold.class", "hold.project", "num:hold.qty",
          "hold.status"], items.map((h) => el("tr", { "data-block": h.block },
          el("td", {}, O.mono(h.serial_start + " … " + h.serial_end.split("-").pop())),
          el("td", {}, String(h.vintage)), el("td", {}, h.class), el("td", {}, h.project_code),
          el("td", { class: "num" }, O.num(h.quantity)),
          el("td", {}, O.pill(h.status, h.status === "active" ? "" : "warn")))),
        { class: "holdings-table" }))));
    },
  };
  O.screen(holdings);

  // ---------------------------------------------------------------- transfer and retire

  function result(id, text, ranges, retirementId) {
    const box = $(id);
    box.replaceChildren(el("span", {}, text), " ",
      ...ranges.map((r) => el("code", { class: "range" }, r)),
      retirementId ? certificateLinks(retirementId) : "");
    box.classList.remove("hidden");
  }

  O.screen({
    id: "transfer", roles: ["org"], title: "tx.title",
    build(body) {
      body.append(O.form(el("form", { id: "transfer-form", class: "o-form", novalidate: "" },
        O.fields("tx", [
          ["from_account", "tx.from", { options: [] }],
          ["to_account", "tx.to", { required: "", maxlength: 40, autocomplete: "off", class: "mono" }],
          ["quantity", "tx.qty", { type: "number", min: 1, step: 1, required: "", inputmode: "numeric" }],
          ["serials", "tx.serials", { tag: "textarea", rows: 2, class: "mono" }]]),
        el("p", { class: "o-err form-err", role: "alert" }),
        el("button", { type: "submit", class: "primary", "data-t": "tx.submit" }, PH.t("tx.submit")),
        el("p", { id: "transfer-done", class: "o-ok hidden", role: "status" })),
      async (v, key) => {
        const body = { from_account: v.from_account, to_account: v.to_account,
          quantity: v.quantity };
        if (v.serials) body.serials = serialList(v.serials);
        const moved = await O.api("/v1/registry/transfers", { body,
          headers: { "Idempotency-Key": key } });
        $("transfer-form").reset();
        result("transfer-done", PH.t("tx.done", { n: moved.quantity, ranges: "" }),
          moved.serial_ranges);
        $("transfer-done").dataset.transferId = moved.transfer_id;
        await O.reload();
      }, { idempotent: true }));
    },
    async load(ctx) {
      const s = $("tx-from-account");
      const kept = s.value;
      s.replaceChildren(...accountOptions(ctx));
      if (kept) s.value = kept;
    },
  });

  O.screen({
    id: "retire", roles: ["org"], title: "rt.title",
    build(body) {
      body.append(O.form(el("form", { id: "retire-form", class: "o-form", novalidate: "" },
        O.fields("rt", [
          ["account", "rt.account", { options: [] }],
          ["quantity", "rt.qty", { type: "number", min: 1, step: 1, required: "", inputmode: "numeric" }],
          ["beneficiary", "rt.beneficiary", { required: "", maxlength: 200 }],
          ["purpose", "rt.purpose", { options: PURPOSES.map((p) => [p, "p." + p]) }],
          ["details", "rt.details", { tag: "textarea", rows: 2, maxlength: 2000 }],
          ["serials", "rt.serials", { tag: "textarea", rows: 2, class: "mono" }]]),
        el("p", { class: "o-err form-err", role: "alert" }),
        el("button", { type: "submit", class: "primary", "data-t": "rt.submit" }, PH.t("rt.submit")),
        el("p", { id: "retire-done", class: "o-ok hidden", role: "status" })),
      async (v, key) => {
        const body = { account: v.account, quantity: v.quantity, beneficiary: v.beneficiary,
          purpose: v.purpose, details: v.details || "" };
        if (v.serials) body.serials = serialList(v.serials);
        const r = await O.api("/v1/registry/retirements", { body,
          headers: { "Idempotency-Key": key } });
        $("retire-form").reset();
        result("retire-done", PH.t("rt.done", { n: r.quantity, ranges: "" }), r.serial_ranges,
          r.status === "retired" ? r.retirement_id : null);
        $("retire-done").dataset.retirementId = r.retirement_id;
        await O.reload();
      }, { idempotent: true }));
    },
    async load(ctx) {
      const s = $("rt-account");
      const kept = s.value;
      s.replaceChildren(...accountOptions(ctx));
      if (kept) s.value = kept;
    },
  });

  // ---------------------------------------------------------------- our retirements
  // Every status (pending ones reserve units until they complete or are released); the
  // certificate links appear once a retirement is final.

  const retirements = {
    id: "retirements", roles: ["org"], title: "rl.title", rows: [],
    build(body) { body.append(el("div", { id: "retirements-list" })); },
    async load(ctx) {
      const pages = await Promise.all((ctx.accounts || []).map((a) => O.api(
        "/v1/registry/accounts/" + encodeURIComponent(a.account_id) + "/retirements?limit=100")));
      this.rows = pages.flatMap((p) => p.items)
        .sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
      this.render();
    },
    render() {
      $("retirements-list").replaceChildren(O.table(
        ["rl.date", "num:rl.qty", "rl.beneficiary", "rl.purpose", "rl.serials", "rl.links"],
        this.rows.map((r) => el("tr", { "data-retirement": r.retirement_id },
          el("td", {}, PH.fmtDate(r.created_at)), el("td", { class: "num" }, O.num(r.quantity)),
          el("td", { class: "name" }, r.beneficiary), el("td", {}, PH.t("p." + r.purpose)),
          el("td", {}, r.serial_ranges.map((s) => el("code", { class: "range" }, s))),
          el("td", {}, r.status === "retired" ? certificateLinks(r.retirement_id)
            : PH.t("rl.status." + r.status)))),
        { id: "retirements-table" }));
    },
  };
  O.screen(retirements);
})();
