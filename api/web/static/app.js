/* The citizen H5 app: log in, consent, points and reductions (live), trips, link accounts,
 * offers and vouchers (QR full screen), donations, export and erasure. Public API only. */
"use strict";
(function () {
  const PH = window.PH, $ = PH.$, el = PH.el, t = PH.t;
  const session = PH.session("citizen");
  const CONSENT_VERSION = "v1";
  const state = { view: "home", tripsCursor: null, live: null };

  Object.assign(PH.messages.zh, {
    "app.title": "普惠 · 绿色出行", "login.title": "登录", "login.wechat": "在微信中打开时将自动登录。",
    "login.openid": "演示账号（开发登录）", "login.submit": "登录",
    "login.nodev": "此环境未开启演示登录，请在微信中打开。",
    "consent.title": "隐私与数据使用",
    "consent.text": "我们使用您授权的出行记录计算减排量和碳积分。账号号码仅以不可逆的方式保存，您可以随时导出或删除您的数据。",
    "consent.accept": "同意并继续", "home.balance": "碳积分", "home.today": "今日减排",
    "home.total": "累计减排", "home.expiring": "即将过期的积分", "expires": "{date} 过期",
    "sim.title": "演示：模拟一次出行", "sim.text": "以运营方身份发送一条已签名的行程，积分会实时到账。",
    "sim.button": "模拟一次地铁出行", "sim.hint": "请先在“我的”中绑定演示地铁卡。", "sim.sent": "行程已发送",
    "trips.title": "我的行程", more: "加载更多", "offers.title": "积分兑换", "vouchers.title": "我的券",
    "donate.title": "公益捐赠", "link.title": "绑定出行账号", "link.operator": "选择运营方",
    "link.getcode": "获取绑定码", "link.show": "请在运营方 App 中输入此绑定码（10 分钟内有效）：",
    "link.demo": "演示：用演示卡完成绑定", "link.done": "绑定成功", unlink: "解绑",
    "data.title": "我的数据", "data.export": "导出我的数据", "data.delete": "删除我的账号和数据",
    "data.confirm": "确定删除？绑定将解除，剩余积分将作废，此操作不可撤销。", logout: "退出登录",
    "tab.home": "首页", "tab.trips": "行程", "tab.rewards": "兑换", "tab.me": "我的", close: "关闭",
    points: "积分", buy: "兑换", "buy.done": "兑换成功", left: "剩余 {n}", "showqr": "出示券码",
    cancel: "取消", "cancel.done": "已取消，积分已退回", "donate.one": "捐 1 {unit}（{p} 积分）",
    "donate.done": "感谢您的捐赠", "donated": "已有 {n} 人次捐赠 {u} {unit}",
    "credited.toast": "+{p} 积分到账", "redeemed.toast": "券已核销",
    "mode.metro": "地铁", "mode.bikeshare": "共享单车", "mode.bus": "公交",
    "status.credited": "已积分", "status.rejected": "未积分", "status.capped": "已达上限",
    "status.pending": "等待绑定", "status.reversed": "已冲正",
    "vstatus.issued": "可使用", "vstatus.redeemed": "已使用", "vstatus.expired": "已过期",
    "vstatus.cancelled": "已取消", "valid.until": "有效期至 {date}",
    "reason.unbound": "该出行账号尚未绑定", "reason.no_consent": "行程发生在您同意隐私条款之前",
    "reason.too_old": "行程超过 7 天才上报", "reason.in_future": "行程时间在未来",
    "reason.too_short": "距离太短", "reason.zero_distance": "没有移动距离",
    "reason.too_fast": "速度不合常理", "reason.bad_duration": "时长不合常理",
    "reason.overlap": "与另一条已积分行程时间重叠", "reason.unknown_station": "站点未知",
    "reason.daily_trip_cap": "今日积分行程数已达上限", "reason.daily_points_cap": "今日积分已达上限",
    "reason.duplicate": "重复上报", "reason.invalid_record": "记录不完整",
    "reason.no_methodology": "暂无适用的核算方法",
    "err.insufficient_points": "积分不足", "err.out_of_stock": "已兑完",
    "err.limit_reached": "已达每人兑换上限", "err.offer_ended": "活动已结束",
  });
  Object.assign(PH.messages.en, {
    "app.title": "Puhui · Green trips", "login.title": "Log in",
    "login.wechat": "Opened in WeChat, you are logged in automatically.",
    "login.openid": "Demo account (dev login)", "login.submit": "Log in",
    "login.nodev": "Demo login is off here; please open this page in WeChat.",
    "consent.title": "Privacy and data use",
    "consent.text": "We use the trip records you authorise to compute CO2 avoided and carbon points. Account numbers are kept only in a non-reversible form; you can export or delete your data at any time.",
    "consent.accept": "Agree and continue", "home.balance": "Carbon points",
    "home.today": "CO2 avoided today", "home.total": "CO2 avoided in total",
    "home.expiring": "Points about to expire", "expires": "expire {date}",
    "sim.title": "Demo: simulate a trip",
    "sim.text": "Sends a signed trip as the operator would; the points arrive live.",
    "sim.button": "Simulate a metro trip", "sim.hint": "Link the demo metro card under Me first.",
    "sim.sent": "Trip sent", "trips.title": "My trips", more: "Load more", "offers.title": "Rewards",
    "vouchers.title": "My vouchers", "donate.title": "Donate", "link.title": "Linked travel accounts",
    "link.operator": "Operator", "link.getcode": "Get a binding code",
    "link.show": "Enter this code in the operator's app (valid 10 minutes):",
    "link.demo": "Demo: link the demo card", "link.done": "Linked", unlink: "Unlink",
    "data.title": "My data", "data.export": "Export my data", "data.delete": "Delete my account and data",
    "data.confirm": "Delete? Links are removed and remaining points are cancelled. This cannot be undone.",
    logout: "Log out", "tab.home": "Home", "tab.trips": "Trips", "tab.rewards": "Rewards",
    "tab.me": "Me", close: "Close", points: "points", buy: "Redeem", "buy.done": "Voucher issued",
    left: "{n} left", showqr: "Show code", cancel: "Cancel",
    "cancel.done": "Cancelled; points refunded", "donate.one": "Give 1 {unit} ({p} points)",
    "donate.done": "Thank you for donating", donated: "{n} gifts, {u} {unit} so far",
    "credited.toast": "+{p} points", "redeemed.toast": "Voucher redeemed",
    "mode.metro": "Metro", "mode.bikeshare": "Bike-share", "mode.bus": "Bus",
    "status.credited": "credited", "status.rejected": "not credited", "status.capped": "cap reached",
    "status.pending": "waiting for link", "status.reversed": "reversed",
    "vstatus.issued": "ready to use", "vstatus.redeemed": "used", "vstatus.expired": "expired",
    "vstatus.cancelled": "cancelled", "valid.until": "valid until {date}",
    "reason.unbound": "this travel account is not linked yet",
    "reason.no_consent": "the trip was before you agreed to the privacy terms",
    "reason.too_old": "reported more than 7 days after the trip", "reason.in_future": "trip time is in the future",
    "reason.too_short": "too short", "reason.zero_distance": "no distance travelled",
    "reason.too_fast": "implausibly fast", "reason.bad_duration": "implausible duration",
    "reason.overlap": "overlaps another credited trip", "reason.unknown_station": "unknown station",
    "reason.daily_trip_cap": "today's trip limit reached", "reason.daily_points_cap": "today's points limit reached",
    "reason.duplicate": "reported twice", "reason.invalid_record": "incomplete record",
    "reason.no_methodology": "no methodology applies",
    "err.insufficient_points": "Not enough points", "err.out_of_stock": "Sold out",
    "err.limit_reached": "Per-person limit reached", "err.offer_ended": "This offer has ended",
  });

  function showError(err) {
    const box = $("#error");
    if (!err) { box.classList.add("hidden"); return; }
    const key = "err." + (err.code || "");
    box.textContent = key in PH.messages[PH.lang] ? t(key) : err.message;
    box.classList.remove("hidden");
  }
  const api = (path, opts) => PH.api(path, { session, ...(opts || {}) });

  function show(view) {
    state.view = view;
    document.querySelectorAll(".view").forEach((v) => v.classList.add("hidden"));
    $("#view-" + view).classList.remove("hidden");
    const inApp = !["login", "consent"].includes(view);
    $("#tabs").classList.toggle("hidden", !inApp);
    document.querySelectorAll("#tabs button").forEach((b) => {
      b.setAttribute("aria-current", b.dataset.view === view ? "page" : "false");
    });
    showError(null);
    if (view === "home") refreshHome();
    if (view === "trips") loadTrips(true);
    if (view === "rewards") loadRewards();
    if (view === "me") loadMe();
  }

  // --- log in and consent ----------------------------------------------------------------
  async function start() {
    const code = new URLSearchParams(location.search).get("code");
    if (code && !session.get()) {
      try {
        session.set({ ...(await PH.api("/v1/auth/wechat", { body: { code } })), dev: false });
        history.replaceState(null, "", location.pathname);
      } catch (e) { showError(e); }
    }
    if (!session.get()) return show("login");
    try {
      const me = await api("/v1/me");
      if (!me.consent) return show("consent");
      openLive();
      show(state.view === "login" || state.view === "consent" ? "home" : state.view);
    } catch (e) {
      if (e.status === 401) { session.clear(); return show("login"); }
      showError(e);
    }
  }

  $("#dev-login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const pair = await PH.api("/v1/auth/dev", { body: { openid: $("#openid").value.trim() } });
      session.set({ ...pair, dev: true });
      start();
    } catch (e) {
      showError(e.status === 404 ? new Error(t("login.nodev")) : e);
    }
  });
  $("#consent-accept").addEventListener("click", async () => {
    try { await api("/v1/me/consent", { method: "PUT", body: { version: CONSENT_VERSION } }); start(); }
    catch (e) { showError(e); }
  });

  // --- home ----------------------------------------------------------------------------------
  async function refreshHome() {
    try {
      const me = await api("/v1/me");
      $("#balance").textContent = me.points.balance.toLocaleString();
      $("#today-g").textContent = PH.fmtGrams(me.reductions.today_g);
      $("#total-g").textContent = PH.fmtGrams(me.reductions.total_g);
      $("#expiring").replaceChildren(...me.points.expiring.map((lot) =>
        el("li", { class: "row" }, el("span", { class: "grow" }, lot.points + " " + t("points")),
          el("span", { class: "muted" }, t("expires", { date: PH.fmtDate(lot.expires_at) })))));
      const dev = !!(session.get() || {}).dev;
      $("#simulate-card").classList.toggle("hidden", !dev);
      $("#simulate-hint").classList.toggle("hidden", !!demoAccount("metro"));
    } catch (e) { showError(e); }
  }

  // --- live events (SSE read with fetch, so the token goes in a header) -----------------------
  async function openLive() {
    if (state.live) return;
    const controller = new AbortController();
    state.live = controller;
    let delay = 1000;
    while (state.live === controller) {
      try {
        const s = session.get();
        if (!s) break;
        const r = await fetch("/v1/me/events", {
          headers: { Authorization: "Bearer " + s.access_token, Accept: "text/event-stream" },
          signal: controller.signal,
        });
        if (r.status === 401) { await PH.api("/v1/me", { session }).catch(() => {}); continue; }
        const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        delay = 1000;
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n?/g, "\n");  // SSE lines may end in CRLF
          let cut;
          while ((cut = buffer.indexOf("\n\n")) >= 0) {
            onEvent(buffer.slice(0, cut));
            buffer = buffer.slice(cut + 2);
          }
        }
      } catch (e) {
        if (controller.signal.aborted) break;
      }
      await new Promise((ok) => setTimeout(ok, delay));
      delay = Math.min(delay * 2, 30000);
    }
  }
  function onEvent(block) {
    let name = "message", data = "";
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) name = line.slice(6).trim();
      else if (line.startsWith("data:")) data += line.slice(5).trim();
    }
    // other scripts of the page (app-complaints.js) listen for the events they care about
    document.dispatchEvent(new CustomEvent("ph:live", { detail: { name, data } }));
    if (name === "points.credited") {
      const p = JSON.parse(data);
      PH.toast(t("credited.toast", { p: p.points }));
      $("#balance").textContent = p.balance.toLocaleString();
      if (state.view === "home") refreshHome();
      if (state.view === "trips") loadTrips(true);
    } else if (name === "voucher.redeemed") {
      PH.toast(t("redeemed.toast"));
      if (state.view === "rewards") loadRewards();
      $("#qr").classList.add("hidden");
    }
  }

  // --- trips ---------------------------------------------------------------------------------
  async function loadTrips(reset) {
    try {
      const q = reset || !state.tripsCursor ? "" : "&cursor=" + encodeURIComponent(state.tripsCursor);
      const page = await api("/v1/me/trips?limit=20" + q);
      const items = page.items.map((trip) => {
        const pill = trip.status === "credited" ? "pill" : trip.status === "pending" ? "pill warn" : "pill bad";
        return el("li", { class: "row", "data-trip": trip.trip_id },
          el("div", { class: "grow" },
            el("div", { class: "item-title" }, t("mode." + trip.mode), " · ", PH.fmtTime(trip.ended_at)),
            el("div", { class: "muted" },
              trip.distance_m ? (trip.distance_m / 1000).toFixed(1) + " km · " : "",
              PH.fmtGrams(trip.reduction_g),
              trip.reason ? " · " + t("reason." + trip.reason) : "")),
          el("div", { class: "item-side" }, el("span", { class: pill }, t("status." + trip.status)),
            el("div", { class: "points-plus" }, trip.points ? "+" + trip.points : "")));
      });
      if (reset) $("#trips").replaceChildren(...items); else $("#trips").append(...items);
      state.tripsCursor = page.next_cursor;
      $("#trips-more").classList.toggle("hidden", !page.next_cursor);
    } catch (e) { showError(e); }
  }
  $("#trips-more").addEventListener("click", () => loadTrips(false));

  // --- rewards: offers, vouchers, donations ----------------------------------------------------
  async function loadRewards() {
    try {
      const [offers, vouchers, projects] = await Promise.all([
        api("/v1/offers?limit=50"), api("/v1/me/vouchers?limit=50"), api("/v1/donation-projects"),
      ]);
      $("#offers").replaceChildren(...offers.items.map((o) => el("li", { "data-offer": o.offer_id },
        el("div", { class: "row" },
          el("div", { class: "grow" }, el("div", { class: "item-title" }, o.title),
            el("div", { class: "muted" }, o.merchant.name, " · ", t("left", { n: o.stock_left }))),
          el("div", { class: "item-side points-minus" }, o.points_price + " " + t("points"))),
        el("div", { class: "offer-actions" },
          el("button", { class: "primary buy", type: "button", onclick: () => buy(o) }, t("buy"))))));
      $("#vouchers").replaceChildren(...vouchers.items.map((v) => {
        const title = (offers.items.find((o) => o.offer_id === v.offer_id) || {}).title || v.code;
        return el("li", { "data-voucher": v.voucher_id },
          el("div", { class: "row" },
            el("div", { class: "grow" }, el("div", { class: "item-title" }, title),
              el("div", { class: "muted" }, t("valid.until", { date: PH.fmtDate(v.expires_at) }))),
            el("span", { class: v.status === "issued" ? "pill" : "pill warn" }, t("vstatus." + v.status))),
          v.status === "issued" ? el("div", { class: "offer-actions" },
            el("button", { class: "primary show-qr", type: "button", onclick: () => showQr(v, title) }, t("showqr")),
            el("button", { class: "secondary", type: "button", onclick: () => cancelVoucher(v) }, t("cancel"))) : null);
      }));
      $("#projects").replaceChildren(...projects.map((p) => el("li", { "data-project": p.project_id },
        el("div", { class: "item-title" }, p.name),
        el("div", { class: "muted" }, t("donated", { n: p.donations, u: p.units, unit: p.unit_name })),
        el("div", { class: "offer-actions" }, el("button", { class: "secondary", type: "button",
          onclick: () => donate(p) }, t("donate.one", { unit: p.unit_name, p: p.points_per_unit }))))));
    } catch (e) { showError(e); }
  }
  async function buy(offer) {
    try {
      const v = await api("/v1/me/vouchers", { body: { offer_id: offer.offer_id },
        headers: { "Idempotency-Key": PH.uuid() } });
      PH.toast(t("buy.done"));
      await loadRewards();
      showQr(v, offer.title);
    } catch (e) { showError(e); }
  }
  async function cancelVoucher(v) {
    try {
      await api("/v1/me/vouchers/" + v.voucher_id + "/cancel", { method: "POST" });
      PH.toast(t("cancel.done"));
      loadRewards();
    } catch (e) { showError(e); }
  }
  async function donate(p) {
    try {
      await api("/v1/me/donations", { body: { project_id: p.project_id, units: 1 },
        headers: { "Idempotency-Key": PH.uuid() } });
      PH.toast(t("donate.done"));
      loadRewards();
    } catch (e) { showError(e); }
  }
  async function showQr(v, title) {
    try {
      const png = await api("/v1/me/vouchers/" + v.voucher_id + "/qr.png", { raw: true });
      const img = $("#qr-img");
      if (img.src.startsWith("blob:")) URL.revokeObjectURL(img.src);
      img.src = URL.createObjectURL(png);
      $("#qr-title").textContent = title;
      $("#qr-code").textContent = v.code;
      $("#qr-expires").textContent = t("valid.until", { date: PH.fmtDate(v.expires_at) });
      $("#qr").classList.remove("hidden");
      $("#qr-close").focus();
    } catch (e) { showError(e); }
  }
  $("#qr-close").addEventListener("click", () => $("#qr").classList.add("hidden"));

  // --- me: linking, data -------------------------------------------------------------------
  const demoAccount = (kind) => (JSON.parse(localStorage.getItem("ph.demo.accounts") || "{}"))[kind];
  function rememberDemo(kind, operatorId, account) {
    const all = JSON.parse(localStorage.getItem("ph.demo.accounts") || "{}");
    all[kind] = { operator_id: operatorId, account };
    localStorage.setItem("ph.demo.accounts", JSON.stringify(all));
  }
  let operators = [];
  async function loadMe() {
    try {
      const [bindings, ops] = await Promise.all([api("/v1/me/bindings"), PH.api("/v1/public/operators")]);
      operators = ops;
      const name = (id) => (ops.find((o) => o.operator_id === id) || {}).name || id;
      const items = Array.isArray(bindings) ? bindings : bindings.items;
      $("#bindings").replaceChildren(...items.map((b) => el("li", { class: "row" },
        el("div", { class: "grow" }, el("div", { class: "item-title" }, name(b.operator_id)),
          el("div", { class: "muted" }, t("mode." + b.mode), " · ", b.account_hint)),
        el("button", { class: "secondary", type: "button", onclick: () => unlink(b) }, t("unlink")))));
      const select = $("#link-operator");
      const chosen = select.value;
      select.replaceChildren(...ops.map((o) => el("option", { value: o.operator_id }, o.name)));
      if (chosen) select.value = chosen;
    } catch (e) { showError(e); }
  }
  async function unlink(b) {
    try { await api("/v1/me/bindings/" + b.binding_id, { method: "DELETE" }); loadMe(); }
    catch (e) { showError(e); }
  }
  let pendingCode = null;
  $("#link-code").addEventListener("click", async () => {
    try {
      const operatorId = $("#link-operator").value;
      const r = await api("/v1/me/binding-codes", { body: { operator_id: operatorId } });
      pendingCode = { ...r, operator_id: operatorId };
      $("#binding-code").textContent = r.code;
      $("#binding-box").classList.remove("hidden");
      $("#link-demo").classList.toggle("hidden", !(session.get() || {}).dev);
    } catch (e) { showError(e); }
  });
  /** Demo only: the server signs the operator's request; the page sends it to the operator API. */
  async function operatorRequest(body) {
    const req = await api("/v1/dev/operator-requests", { body });
    const r = await fetch(req.path, { method: req.method,
      headers: { ...req.headers, "Content-Type": "application/json" }, body: req.body });
    const out = await r.json();
    if (!r.ok) throw new PH.ApiError(r.status, out);
    return out;
  }
  $("#link-demo").addEventListener("click", async () => {
    try {
      const op = operators.find((o) => o.operator_id === pendingCode.operator_id);
      const account = "DEMO-" + PH.uuid().slice(0, 8).toUpperCase();
      await operatorRequest({ operator_id: op.operator_id, action: "bind",
        external_account: account, code: pendingCode.code });
      rememberDemo(op.kind, op.operator_id, account);
      $("#binding-box").classList.add("hidden");
      PH.toast(t("link.done"));
      loadMe();
    } catch (e) { showError(e); }
  });
  $("#simulate").addEventListener("click", async () => {
    const demo = demoAccount("metro");
    if (!demo) { $("#simulate-hint").classList.remove("hidden"); return; }
    try {
      await operatorRequest({ operator_id: demo.operator_id, action: "trip", external_account: demo.account });
      PH.toast(t("sim.sent"));
    } catch (e) { showError(e); }
  });
  $("#export").addEventListener("click", async () => {
    try {
      const data = await api("/v1/me/export");
      const a = el("a", { href: URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)],
        { type: "application/json" })), download: "puhui-export.json" });
      document.body.append(a); a.click(); a.remove();
    } catch (e) { showError(e); }
  });
  $("#delete").addEventListener("click", async () => {
    if (!confirm(t("data.confirm"))) return;
    try { await api("/v1/me", { method: "DELETE" }); logout(); }
    catch (e) { showError(e); }
  });
  async function logout() {
    const s = session.get();
    if (state.live) { state.live.abort(); state.live = null; }
    if (s) await PH.api("/v1/auth/logout", { body: { refresh_token: s.refresh_token } }).catch(() => {});
    session.clear();
    localStorage.removeItem("ph.demo.accounts");
    show("login");
  }
  $("#logout").addEventListener("click", logout);

  // --- chrome ----------------------------------------------------------------------------------
  document.querySelectorAll("#tabs button").forEach((b) => b.addEventListener("click", () => show(b.dataset.view)));
  const toggle = $("#lang-toggle");
  const label = () => { toggle.textContent = PH.lang === "zh" ? "EN" : "中文"; };
  toggle.addEventListener("click", () => { PH.setLang(PH.lang === "zh" ? "en" : "zh"); label(); show(state.view); });
  PH.setLang(PH.lang); label();
  start();
})();
