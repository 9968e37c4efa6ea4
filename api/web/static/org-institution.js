/* /org, public institutions (公共机构): the members' totals (aggregates only: how many members,
   their credited trips and reductions while members, this month and in all) and the rank among
   public institutions; invite codes staff enter in the H5 (issued and revoked by admin members,
   optionally capped and expiring). Shown only to members of a public institution. */
"use strict";
(function () {
  const O = window.ORG;
  const el = PH.el;
  const $ = (id) => document.getElementById(id);

  Object.assign(PH.messages.zh, {
    "apply.district.none": "（不填）",
    "inst.title": "公共机构：员工绿色出行", "inst.members": "成员", "inst.ever": "累计加入",
    "inst.month": "本月", "inst.all": "累计", "inst.trips": "绿色出行（次）", "inst.kg": "减排（千克）",
    "inst.rank": "在 {n} 家公共机构中：总减排第 {total} 名，人均减排第 {per} 名（人均 {kg} 千克）",
    "inst.note": "仅显示汇总数据；员工加入后结束的出行才计入。",
    "inst.withheld": "成员达到 {n} 人后才显示汇总数据（目前 {m} 人），以免从中看出个人的出行。",
    "inst.month.withheld": "本月数据在至少 {n} 名成员自月初起在册后显示。",
    "inst.codes": "邀请码", "inst.code": "邀请码", "inst.status": "状态", "inst.uses": "已用/上限",
    "inst.expires": "有效期至", "inst.issue": "生成邀请码", "inst.max": "使用次数上限（选填）",
    "inst.days": "有效天数（选填，最多 366）", "inst.revoke": "作废", "inst.issued": "新邀请码：{code}",
    "inst.admin": "仅机构管理员可生成和作废邀请码。", "inst.confirm": "作废邀请码 {code}？已加入的员工不受影响。",
    "st.used_up": "次数已满", "st.expired": "已过期", "st.revoked": "已作废",
  });
  Object.assign(PH.messages.en, {
    "apply.district.none": "(not given)",
    "inst.title": "Public institution: staff green travel", "inst.members": "Members",
    "inst.ever": "Ever joined", "inst.month": "This month", "inst.all": "All time",
    "inst.trips": "Green trips", "inst.kg": "Reduction (kg)",
    "inst.rank": "Among {n} public institutions: #{total} by total reduction, #{per} per member ({kg} kg per member)",
    "inst.note": "Aggregates only; a trip counts if it ended after its maker joined.",
    "inst.withheld": "Figures appear once {n} members have joined (now {m}), so no one's own trips can be read off.",
    "inst.month.withheld": "This month's figures appear once at least {n} members have been members since the month began.",
    "inst.codes": "Invite codes", "inst.code": "Code", "inst.status": "Status",
    "inst.uses": "Used / cap", "inst.expires": "Valid until", "inst.issue": "Issue a code",
    "inst.max": "Maximum uses (optional)", "inst.days": "Valid for days (optional, at most 366)",
    "inst.revoke": "Revoke", "inst.issued": "New invite code: {code}",
    "inst.admin": "Only the institution's admin members issue and revoke codes.",
    "inst.confirm": "Revoke code {code}? Staff who joined stay members.",
    "st.used_up": "used up", "st.expired": "expired", "st.revoked": "revoked",
  });

  const kg = (g) => O.num(Math.round(g / 100) / 10);
  const admin = (ctx) => !!(ctx.me && ctx.me.you && ctx.me.you.org_admin);

  O.screen({
    id: "institution", roles: ["org"], title: "inst.title",
    when: (ctx) => !!(ctx.me && ctx.me.organisation.kind === "public_institution"),
    build(body, ctx) {
      body.append(el("div", { id: "inst-totals" }), el("h3", {}, PH.t("inst.codes")),
        el("div", { id: "inst-codes" }));
      if (!admin(ctx)) {
        body.append(el("p", { class: "muted" }, PH.t("inst.admin")));
        return;
      }
      body.append(O.form(el("form", { id: "inst-code-form", class: "o-form", novalidate: "" },
        O.fields("inst", [
          ["max_uses", "inst.max", { type: "number", min: 1, max: 100000, step: 1,
            inputmode: "numeric" }],
          ["days", "inst.days", { type: "number", min: 1, max: 366, step: 1,
            inputmode: "numeric" }]]),
        el("p", { class: "o-err form-err", role: "alert" }),
        el("button", { type: "submit", class: "primary", id: "inst-issue" }, PH.t("inst.issue")),
        el("p", { id: "inst-issued", class: "o-ok hidden", role: "status" })),
      async (v) => {
        const payload = {};
        if (v.max_uses) payload.max_uses = v.max_uses;
        if (v.days) payload.expires_at = new Date(Date.now() + v.days * 86400e3).toISOString();
        const made = await O.api("/v1/org/invite-codes", { body: payload });
        $("inst-code-form").reset();
        const done = $("inst-issued");
        done.textContent = PH.t("inst.issued", { code: made.code });
        done.dataset.code = made.code;
        done.classList.remove("hidden");
        await this.load(O.ctx);
      }));
    },
    async load(ctx) {
      [this.t, this.codes] = await Promise.all([O.api("/v1/org/institution"),
        O.api("/v1/org/invite-codes")]);
      this.render(ctx);
    },
    render(ctx) {  // again on a language switch
      const t = this.t, codes = this.codes;
      if (!t) return;
      const s = t.standing;
      const n = t.withheld_below_members;
      const row = (key, f) => el("tr", {}, el("td", {}, PH.t(key)),
        el("td", { class: "num" }, f ? O.num(f.credited_trips) : "—"),
        el("td", { class: "num" }, f ? kg(f.reduction_g) : "—"));
      const members = el("dl", { class: "o-dl" },
        el("dt", {}, PH.t("inst.members")), el("dd", { id: "inst-members" }, O.num(t.members)),
        el("dt", {}, PH.t("inst.ever")), el("dd", {}, O.num(t.members_ever)));
      if (t.all_time === null) {  // fewer members than the minimum: no figures at all
        $("inst-totals").replaceChildren(members,
          el("p", { id: "inst-withheld", class: "notice", role: "status" },
            PH.t("inst.withheld", { n: O.num(n), m: O.num(t.members) })),
          el("p", { class: "muted" }, PH.t("inst.note")));
      } else {
        $("inst-totals").replaceChildren(members,
          O.table(["", "num:inst.trips", "num:inst.kg"],
            [row("inst.month", t.this_month), row("inst.all", t.all_time)], { id: "inst-table" }),
          t.this_month === null ? el("p", { id: "inst-month-withheld", class: "muted" },
            PH.t("inst.month.withheld", { n: O.num(n) })) : "",
          el("p", { id: "inst-rank" }, PH.t("inst.rank", { n: s.institutions,
            total: s.rank_by_total, per: s.rank_by_per_member, kg: kg(s.per_member_g) })),
          el("p", { class: "muted" }, PH.t("inst.note")));
      }
      $("inst-codes").replaceChildren(O.table(
        ["inst.code", "inst.status", "num:inst.uses", "inst.expires", ""],
        codes.map((c) => el("tr", { "data-code": c.code },
          el("td", {}, O.mono(c.code)),
          el("td", {}, O.pill(c.status, c.status === "active" ? "" : "warn")),
          el("td", { class: "num" }, O.num(c.uses) + " / " + (c.max_uses === null ? "∞"
            : O.num(c.max_uses))),
          el("td", {}, c.expires_at ? PH.fmtTime(c.expires_at) : "—"),
          el("td", {}, admin(ctx || O.ctx) && c.status !== "revoked" ? this.revoke(c) : ""))),
        { id: "inst-codes-table" }));
    },
    revoke(c) {
      const b = el("button", { type: "button", class: "inst-revoke" }, PH.t("inst.revoke"));
      b.addEventListener("click", async () => {
        if (!window.confirm(PH.t("inst.confirm", { code: c.code }))) return;
        b.disabled = true;
        try {
          await O.api("/v1/org/invite-codes/" + encodeURIComponent(c.invite_code_id) + "/revoke",
            { body: {} });
          await this.load(O.ctx);
        } catch (e) {
          b.disabled = false;
          PH.toast(e.message);
        }
      });
      return b;
    },
  });
})();
