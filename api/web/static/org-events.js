/* /org, events: enter a carbon-neutral event (its activity data; times in Beijing time), see
   its footprint with the factor set version and the breakdown per activity, neutralise it from
   held units (one Idempotency-Key per intended write, see ORG.form), and follow its public
   record and the certificates of its retirements. */
"use strict";
(function () {
  const O = window.ORG;
  const el = PH.el;
  const $ = (id) => document.getElementById(id);
  const MODES = ["car", "bus", "metro", "rail", "air"];

  Object.assign(PH.messages.zh, {
    "ev.title": "碳中和活动", "ev.new": "登记活动", "ev.name": "活动名称", "ev.venue": "地点",
    "ev.start": "开始时间（北京时间）", "ev.end": "结束时间（北京时间）", "ev.attendees": "参与人数",
    "ev.activity": "活动数据（整数；不填为 0）", "ev.kwh": "用电量（千瓦时）",
    "ev.mode.car": "私家车出行（人·公里）", "ev.mode.bus": "公交出行（人·公里）",
    "ev.mode.metro": "地铁出行（人·公里）", "ev.mode.rail": "铁路出行（人·公里）",
    "ev.mode.air": "航空出行（人·公里）", "ev.hotel": "住宿（间·夜）", "ev.meals": "餐饮（份）",
    "ev.printed": "印刷品（千克）", "ev.create": "计算碳排放并保存",
    "ev.created": "{name}：碳排放 {kg} 千克，需注销 {t} 吨", "ev.none": "还没有登记活动",
    "ev.footprint": "碳排放 {kg} 千克 · 排放因子 {code} v{version}",
    "ev.tonnes": "需注销 {need} 吨 · 已注销 {done} 吨", "ev.people": "{n} 人",
    "ev.breakdown": "分项排放", "ev.b.activity": "活动", "ev.b.qty": "数量", "ev.b.unit": "单位",
    "ev.b.factor": "因子（毫克/单位）", "ev.b.kg": "千克",
    "ev.public": "公开记录", "ev.retirements": "注销记录", "ev.account": "注销账户",
    "ev.qty": "数量（吨，不填则注销尚需的 {n} 吨）", "ev.neutralise": "注销抵消（不可撤销）",
    "ev.neutralised": "已注销 {n} 吨：{ranges}",
    "st.neutralised": "已碳中和", "st.not_neutralised": "未完成碳中和",
    "a.electricity": "用电", "a.travel_car": "私家车", "a.travel_bus": "公交",
    "a.travel_metro": "地铁", "a.travel_rail": "铁路", "a.travel_air": "航空",
    "a.hotel": "住宿", "a.meal": "餐饮", "a.printed_material": "印刷品",
  });
  Object.assign(PH.messages.en, {
    "ev.title": "Carbon-neutral events", "ev.new": "Enter an event", "ev.name": "Event name",
    "ev.venue": "Venue", "ev.start": "Starts (Beijing time)", "ev.end": "Ends (Beijing time)",
    "ev.attendees": "Attendees", "ev.activity": "Activity data (whole numbers; blank is 0)",
    "ev.kwh": "Electricity (kWh)", "ev.mode.car": "Travel by car (person-km)",
    "ev.mode.bus": "Travel by bus (person-km)", "ev.mode.metro": "Travel by metro (person-km)",
    "ev.mode.rail": "Travel by rail (person-km)", "ev.mode.air": "Travel by air (person-km)",
    "ev.hotel": "Hotel (room-nights)", "ev.meals": "Meals", "ev.printed": "Printed material (kg)",
    "ev.create": "Compute the footprint and save",
    "ev.created": "{name}: footprint {kg} kg, {t} t to retire", "ev.none": "No events yet",
    "ev.footprint": "Footprint {kg} kg CO2e · factor set {code} v{version}",
    "ev.tonnes": "{need} t to retire · {done} t retired", "ev.people": "{n} attendees",
    "ev.breakdown": "Breakdown", "ev.b.activity": "Activity", "ev.b.qty": "Quantity",
    "ev.b.unit": "Unit", "ev.b.factor": "Factor (mg/unit)", "ev.b.kg": "kg",
    "ev.public": "Public record", "ev.retirements": "Retirements", "ev.account": "Account",
    "ev.qty": "Tonnes (blank: the {n} t still required)", "ev.neutralise": "Neutralise (final)",
    "ev.neutralised": "Retired {n} t: {ranges}",
    "st.neutralised": "neutralised", "st.not_neutralised": "not yet neutral",
    "a.electricity": "Electricity", "a.travel_car": "Car", "a.travel_bus": "Bus",
    "a.travel_metro": "Metro", "a.travel_rail": "Rail", "a.travel_air": "Air",
    "a.hotel": "Hotel", "a.meal": "Meals", "a.printed_material": "Printed material",
  });

  const count = { type: "number", min: 0, step: 1, inputmode: "numeric" };
  /** A datetime-local value (Beijing time) as an ISO instant with its offset. */
  const beijing = (v) => (v ? (v.length === 16 ? v + ":00" : v) + "+08:00" : v);
  const day = (iso) => PH.fmtTime(iso);
  const kg = (mg) => O.num(Math.ceil(mg / 1e6));

  function certificateLinks(r) {
    return el("span", { class: "links" },
      O.link(r.certificate_url, "rl.pdf", { class: "cert-pdf", target: "_blank", rel: "noopener" }),
      O.link(r.certificate_json_url, "rl.json", { class: "cert-json", target: "_blank",
        rel: "noopener" }),
      O.link(r.page_url, "rl.page", { class: "cert-page" }));
  }

  const screen = {
    id: "events", roles: ["org"], title: "ev.title", events: [],
    build(body) {
      body.append(el("ul", { id: "events-list", class: "list" }),
        el("details", { class: "o-new", id: "event-new" },
          el("summary", { "data-t": "ev.new" }, PH.t("ev.new")),
          O.form(el("form", { id: "event-form", class: "o-form", novalidate: "" },
            O.fields("ev", [
              ["name", "ev.name", { required: "", maxlength: 200 }],
              ["venue", "ev.venue", { required: "", maxlength: 300 }],
              ["starts_at", "ev.start", { type: "datetime-local", required: "" }],
              ["ends_at", "ev.end", { type: "datetime-local", required: "" }],
              ["attendees", "ev.attendees", { ...count, required: "" }]]),
            el("h3", { "data-t": "ev.activity" }, PH.t("ev.activity")),
            O.fields("ev", [
              ["activity.electricity_kwh", "ev.kwh", count],
              ...MODES.map((m) => ["activity.travel_pkm_by_mode." + m, "ev.mode." + m, count]),
              ["activity.hotel_nights", "ev.hotel", count],
              ["activity.meals", "ev.meals", count],
              ["activity.printed_kg", "ev.printed", count]]),
            el("p", { class: "o-err form-err", role: "alert" }),
            el("button", { type: "submit", class: "primary", "data-t": "ev.create" },
              PH.t("ev.create")),
            el("p", { id: "event-done", class: "o-ok hidden", role: "status" })),
          async (v) => {
            const made = await O.api("/v1/org/events", { body: { activity: {}, ...v,
              starts_at: beijing(v.starts_at), ends_at: beijing(v.ends_at) } });
            $("event-form").reset();
            const done = $("event-done");
            done.textContent = PH.t("ev.created", { name: made.name,
              kg: O.num(made.footprint_kg), t: O.num(made.tonnes_required) });
            done.dataset.eventId = made.event_id;
            done.classList.remove("hidden");
            await this.load(O.ctx);
          })));
    },
    async load(ctx) {
      this.ctx = ctx || this.ctx;
      this.events = (await O.api("/v1/org/events?limit=100")).items;
      this.render();
    },
    render() {
      $("events-list").replaceChildren(...(this.events.length ? this.events.map((e) => this.item(e))
        : [el("li", { class: "muted" }, PH.t("ev.none"))]));
    },
    item(e) {
      const li = el("li", { class: "event", "data-event": e.event_id },
        el("div", { class: "row" }, el("strong", { class: "grow e-name" }, e.name),
          O.pill(e.neutralised ? "neutralised" : "not_neutralised", e.neutralised ? "" : "warn")),
        el("p", { class: "muted" }, day(e.starts_at) + " – " + day(e.ends_at) + " · " + e.venue +
          " · " + PH.t("ev.people", { n: O.num(e.attendees) })),
        el("p", { class: "footprint" }, PH.t("ev.footprint", { kg: O.num(e.footprint_kg),
          code: e.factor_set.code, version: e.factor_set.version })),
        el("p", { class: "tonnes" }, PH.t("ev.tonnes", { need: O.num(e.tonnes_required),
          done: O.num(e.tonnes_retired) }), " · ",
        O.link(e.public_url, "ev.public", { class: "event-public", target: "_blank",
          rel: "noopener" })),
        el("details", {}, el("summary", {}, PH.t("ev.breakdown")), O.table(
          ["ev.b.activity", "num:ev.b.qty", "ev.b.unit", "num:ev.b.factor", "num:ev.b.kg"],
          e.breakdown.map((b) => el("tr", { "data-activity": b.activity },
            el("td", {}, PH.t("a." + b.activity)), el("td", { class: "num" }, O.num(b.quantity)),
            el("td", {}, b.unit), el("td", { class: "num" }, O.num(b.mg_co2e_per_unit)),
            el("td", { class: "num" }, kg(b.mg)))))));
      if (e.retirements.length) {
        li.append(el("h3", {}, PH.t("ev.retirements")), O.table(
          ["rl.date", "num:rl.qty", "rl.serials", "rl.links"],
          e.retirements.map((r) => el("tr", { "data-retirement": r.retirement_id },
            el("td", {}, r.retired_at ? PH.fmtDate(r.retired_at) : "—"),
            el("td", { class: "num" }, O.num(r.quantity)),
            el("td", {}, r.serial_ranges.map((s) => el("code", { class: "range" }, s))),
            el("td", {}, certificateLinks(r)))), { class: "event-retirements" }));
      }
      if (!e.neutralised) li.append(this.neutraliseForm(e));
      return li;
    },
    neutraliseForm(e) {
      const prefix = "nt-" + e.event_id;
      const form = O.form(el("form", { class: "o-form neutralise-form", novalidate: "" },
        O.fields(prefix, [
          ["account", "ev.account", { options: [] }],
          ["quantity", "ev.qty", { ...count, min: 1, placeholder: String(e.tonnes_still_required) }]]),
        el("p", { class: "o-err form-err", role: "alert" }),
        el("button", { type: "submit", class: "primary" }, PH.t("ev.neutralise"))),
      async (v, key) => {
        const body = { account: v.account };
        if (v.quantity) body.quantity = v.quantity;
        const r = await O.api("/v1/org/events/" + encodeURIComponent(e.event_id) + "/neutralise",
          { body, headers: { "Idempotency-Key": key } });
        PH.toast(PH.t("ev.neutralised", { n: r.quantity, ranges: r.serial_ranges.join(", ") }));
        await O.reload();
      }, { idempotent: true });
      const label = form.querySelector('label[for="' + prefix + '-quantity"]');
      label.textContent = PH.t("ev.qty", { n: O.num(e.tonnes_still_required) });
      form.querySelector("select").replaceChildren(...((this.ctx && this.ctx.accounts) || [])
        .map((a) => el("option", { value: a.account_id }, a.name + " · " + a.account_id)));
      return form;
    },
  };
  O.screen(screen);
})();
