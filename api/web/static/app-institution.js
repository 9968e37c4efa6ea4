/* The citizen H5 app, my institution (under 我的 / Me): enter the invite code a public
 * institution (公共机构) gave its staff, so the reductions of the trips that end from then on
 * count towards it; see the institution joined and what of mine counted; leave it. Joining
 * another replaces it. Loaded after app.js, no hook in it: the card loads whenever the Me view
 * is shown (a MutationObserver on its class). */
"use strict";
(function () {
  const PH = window.PH, $ = PH.$, el = PH.el, t = PH.t;
  const session = PH.session("citizen");
  const PATH = "/v1/me/institution";
  const view = $("#view-me");
  if (!view) return;

  Object.assign(PH.messages.zh, {
    "in.title": "我的单位", "in.text": "公共机构的工作人员：输入单位发放的邀请码，此后您的绿色出行减排量将计入单位。",
    "in.code": "邀请码", "in.join": "加入", "in.leave": "退出单位", "in.none": "尚未加入任何单位。",
    "in.joined": "已加入：{name}", "in.since": "{date} 起计入", "in.mine": "已计入 {trips} 次出行，减排 {g}",
    "in.switch": "输入另一单位的邀请码将转入该单位（此前的记录仍归原单位）。",
    "in.done": "已加入 {name}", "in.left": "已退出单位", "in.confirm": "确定退出单位？此后的出行将不再计入。",
    "in.err.invite_code_invalid": "邀请码不正确，请核对后重试。",
    "in.err.invite_code_expired": "邀请码已过期，请向单位索取新的邀请码。",
    "in.err.invite_code_revoked": "邀请码已被单位作废，请向单位索取新的邀请码。",
    "in.err.invite_code_used_up": "邀请码的使用次数已满，请向单位索取新的邀请码。",
    "in.err.already_a_member": "您已是该单位的成员。",
    "in.err.too_many_invite_codes": "尝试次数过多，请一分钟后再试。",
    "in.err.load": "单位信息加载失败，请稍后重试。",
  });
  Object.assign(PH.messages.en, {
    "in.title": "My institution",
    "in.text": "Staff of a public institution: enter the invite code it gave you, and the reductions of your green trips count towards it from then on.",
    "in.code": "Invite code", "in.join": "Join", "in.leave": "Leave the institution",
    "in.none": "You have not joined an institution.", "in.joined": "Member of {name}",
    "in.since": "counting since {date}", "in.mine": "{trips} trips counted, {g} reduced",
    "in.switch": "Entering another institution's code moves you there (what counted so far stays with the first).",
    "in.done": "You joined {name}", "in.left": "You left the institution",
    "in.confirm": "Leave the institution? Your trips will no longer count towards it.",
    "in.err.invite_code_invalid": "That invite code is not right; check it and try again.",
    "in.err.invite_code_expired": "That invite code has expired; ask your institution for a new one.",
    "in.err.invite_code_revoked": "Your institution withdrew that code; ask it for a new one.",
    "in.err.invite_code_used_up": "That code has been used as often as it allows; ask for a new one.",
    "in.err.already_a_member": "You are a member of this institution already.",
    "in.err.too_many_invite_codes": "Too many tries; wait a minute.",
    "in.err.load": "Your institution could not be loaded; please try again later.",
  });

  const api = (path, opts) => PH.api(path, { session, ...(opts || {}) });
  const info = el("div", { id: "in-info", "aria-live": "polite" });
  const err = el("div", { id: "in-err", class: "error hidden", role: "alert" });
  const leave = el("button", { id: "in-leave", class: "secondary block hidden", type: "button",
    "data-t": "in.leave" });
  const form = el("form", { id: "in-form", novalidate: "" },
    el("label", { for: "in-code", "data-t": "in.code" }),
    el("input", { id: "in-code", name: "code", maxlength: 32, autocomplete: "off",
      autocapitalize: "characters", spellcheck: "false", class: "mono", required: "" }),
    el("button", { id: "in-join", class: "primary block", type: "submit", "data-t": "in.join" }));
  const card = el("div", { class: "card", id: "institution-card" },
    el("h2", { "data-t": "in.title" }), el("p", { class: "muted", "data-t": "in.text" }),
    info, form, err, leave);
  const first = view.querySelector(".card");
  if (first && first.nextSibling) view.insertBefore(card, first.nextSibling);
  else view.append(card);
  PH.translate(card);

  let shown;  // undefined: not loaded; null: no institution; else the institution
  function render() {
    if (shown === undefined) return;
    leave.classList.toggle("hidden", !shown);
    if (!shown) {
      info.replaceChildren(el("p", { class: "muted", id: "in-none" }, t("in.none")));
      return;
    }
    info.replaceChildren(
      el("p", { class: "item-title", id: "in-name", "data-organisation": shown.organisation_id },
        t("in.joined", { name: shown.name })),
      el("p", { class: "muted", id: "in-since" }, t("in.since", { date: PH.fmtDate(shown.joined_at) })),
      el("p", { id: "in-mine" }, t("in.mine", { trips: shown.credited_trips,
        g: PH.fmtGrams(shown.reduction_g) })),
      el("p", { class: "muted" }, t("in.switch")));
  }
  function problem(e) {
    const key = "in.err." + ((e && e.code) || "");
    err.textContent = key in PH.messages.zh ? t(key) : (e && e.message) || t("in.err.load");
    err.dataset.code = (e && e.code) || "";
    err.classList.remove("hidden");
  }

  async function load() {
    try {
      shown = (await api(PATH)).institution;
      err.classList.add("hidden");
    } catch (e) {
      if (e.status === 401) return;
      problem({ message: t("in.err.load") });
    }
    render();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = $("#in-code").value.trim();
    if (!code || form.dataset.busy) return;
    form.dataset.busy = "1";
    err.classList.add("hidden");
    try {
      shown = (await api(PATH, { body: { code } })).institution;
      $("#in-code").value = "";
      PH.toast(t("in.done", { name: shown.name }));
      render();
    } catch (e) {
      problem(e);
    } finally {
      delete form.dataset.busy;
    }
  });
  leave.addEventListener("click", async () => {
    if (!window.confirm(t("in.confirm"))) return;
    try {
      await api(PATH, { method: "DELETE" });
      shown = null;
      PH.toast(t("in.left"));
      render();
    } catch (e) {
      problem(e);
    }
  });

  const setLang = PH.setLang;
  PH.setLang = function (lang) { setLang(lang); render(); };

  const visible = (node) => node && !node.classList.contains("hidden");
  new MutationObserver(() => { if (visible(view)) load(); })
    .observe(view, { attributes: true, attributeFilter: ["class"] });
  if (visible(view)) load();
})();
