/* The citizen H5 app, personal carbon neutrality (under 兑换 / Rewards): the price per tonne of the
 * citizens' aggregated reductions (the cheapest open listing of reg:public-behaviour), a
 * whole-tonne order with an optional beneficiary (one Idempotency-Key per intended purchase:
 * kept while the form is unchanged, so a double click or a retry replays; new after a success or
 * an edit), WeChat Pay inside WeChat (JSAPI) or the demo payer elsewhere, then the order followed
 * until its units are retired for the citizen, with the certificate and the public record; and
 * the citizen's past orders. Public API only; loaded after app.js, no hook in it: the cards load
 * whenever the Rewards view is shown (a MutationObserver on its class). */
"use strict";
(function () {
  const PH = window.PH, $ = PH.$, el = PH.el, t = PH.t;
  const session = PH.session("citizen");
  const ACCOUNT = "reg:public-behaviour";
  const ORDERS = "/v1/me/neutrality/orders";
  const view = $("#view-rewards");
  if (!view) return;
  const state = { key: null, busy: false, listings: null, current: null, note: null, poll: 0,
    noDemo: false };  // noDemo: the demo payer answered 404 (no fake WeChat Pay here)

  Object.assign(PH.messages.zh, {
    "nt.title": "碳中和", "nt.text": "购买南京市民绿色出行产生的减排量（整吨），平台立即以您的名义注销，并出具注销证书。",
    "nt.price": "每吨 ¥{price}（可购 {n} 吨）", "nt.none": "暂时没有可购买的减排量，请稍后再来。",
    "nt.qty": "购买数量（吨）", "nt.beneficiary": "受益人（选填）", "nt.beneficiary.ph": "默认：个人碳中和",
    "nt.total": "合计 ¥{amount}", "nt.toomany": "目前最多可购 {n} 吨", "nt.buy": "购买并注销",
    "nt.order": "订单 {id}：{n} 吨，共 ¥{amount}，请在 {until} 前完成支付。",
    "nt.pay": "微信支付", "nt.paydemo": "支付（演示）", "nt.refresh": "刷新支付状态",
    "nt.nodemo": "此环境没有演示支付，请在微信中打开本页完成支付。",
    "nt.cancelled": "您已取消支付，订单仍可在有效期内支付。", "nt.waiting": "正在确认支付结果…",
    "nt.stillpending": "尚未收到支付结果，请稍后刷新。",
    "nt.done": "已为您注销 {n} 吨二氧化碳当量。", "nt.done.for": "受益人：{name}",
    "nt.retirement": "注销编号 {id}", "nt.cert": "下载注销证书（PDF）", "nt.public": "查看公开注销记录",
    "nt.closed": "订单已关闭：未在有效期内支付。", "nt.late": "支付晚于订单有效期，款项将原路退回。",
    "nt.mine": "我的碳中和订单", "nt.continue": "继续支付", "nt.tonnes": "{n} 吨",
    "nt.s.pending": "待支付", "nt.s.delivered": "已注销", "nt.s.closed": "已关闭",
    "nt.s.paid_late": "逾期支付（待退款）", "nt.s.refunding": "退款中", "nt.s.refunded": "已退款",
    "nt.err.no_units_for_sale": "可购买的减排量不足，请减少数量或稍后再试。",
    "nt.err.payer_unknown": "请在微信中重新登录，以便微信支付确认付款人。",
    "nt.err.order_in_progress": "订单正在创建，请稍候再试。",
    "nt.err.beneficiary_too_long": "受益人名称最多 200 个字符。",
    "nt.err.not_payable": "该订单已支付或已关闭。", "nt.err.network": "网络异常，请重试。",
    "nt.err.quantity": "请输入大于 0 的整数吨数。",
  });
  Object.assign(PH.messages.en, {
    "nt.title": "Go carbon neutral",
    "nt.text": "Buy whole tonnes of the reductions Nanjing's citizens made by green trips; they are retired in your name at once, with a certificate.",
    "nt.price": "¥{price} per tonne ({n} t available)", "nt.none": "Nothing for sale right now; please come back later.",
    "nt.qty": "Tonnes to buy", "nt.beneficiary": "Beneficiary (optional)",
    "nt.beneficiary.ph": "Default: personal carbon neutrality", "nt.total": "Total ¥{amount}",
    "nt.toomany": "At most {n} t can be bought now", "nt.buy": "Buy and retire",
    "nt.order": "Order {id}: {n} t, ¥{amount}. Please pay before {until}.",
    "nt.pay": "Pay with WeChat", "nt.paydemo": "Pay (demo)", "nt.refresh": "Check the payment",
    "nt.nodemo": "There is no demo payment here; open this page in WeChat to pay.",
    "nt.cancelled": "Payment cancelled; the order can still be paid before it expires.",
    "nt.waiting": "Confirming the payment…", "nt.stillpending": "No payment result yet; check again shortly.",
    "nt.done": "{n} t CO2e retired for you.", "nt.done.for": "Beneficiary: {name}",
    "nt.retirement": "Retirement {id}", "nt.cert": "Certificate (PDF)", "nt.public": "Public record",
    "nt.closed": "Order closed: it was not paid in time.",
    "nt.late": "Paid after the order expired; the money will be refunded.",
    "nt.mine": "My carbon-neutral orders", "nt.continue": "Continue to pay", "nt.tonnes": "{n} t",
    "nt.s.pending": "awaiting payment", "nt.s.delivered": "retired", "nt.s.closed": "closed",
    "nt.s.paid_late": "paid late (to refund)", "nt.s.refunding": "refunding", "nt.s.refunded": "refunded",
    "nt.err.no_units_for_sale": "Not enough tonnes for sale; buy fewer or try again later.",
    "nt.err.payer_unknown": "Please sign in again through WeChat so WeChat Pay can name you as the payer.",
    "nt.err.order_in_progress": "The order is being made; try again in a moment.",
    "nt.err.beneficiary_too_long": "The beneficiary's name has at most 200 characters.",
    "nt.err.not_payable": "This order is paid or closed already.", "nt.err.network": "Network problem; please try again.",
    "nt.err.quantity": "Enter a whole number of tonnes, at least 1.",
  });

  const api = (path, opts) => PH.api(path, { session, ...(opts || {}) });
  const yuan = (fen) => (fen / 100).toLocaleString(PH.lang === "zh" ? "zh-CN" : "en-US",
    { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const wait = (ms) => new Promise((ok) => setTimeout(ok, ms));

  // --- the cards (built once, translated with the page) --------------------------------------
  const card = el("div", { class: "card", id: "neutral-card" },
    el("h2", { "data-t": "nt.title" }),
    el("p", { class: "muted", "data-t": "nt.text" }),
    el("p", { class: "item-title", id: "nt-price" }),
    el("form", { id: "nt-form", novalidate: "" },
      el("label", { for: "nt-qty", "data-t": "nt.qty" }),
      el("input", { id: "nt-qty", name: "quantity", type: "number", min: 1, step: 1, value: 1,
        inputmode: "numeric", required: "" }),
      el("label", { for: "nt-beneficiary", "data-t": "nt.beneficiary" }),
      el("input", { id: "nt-beneficiary", name: "beneficiary", maxlength: 200, autocomplete: "off",
        "data-t-placeholder": "nt.beneficiary.ph" }),
      el("p", { class: "muted", id: "nt-total", "aria-live": "polite" }),
      el("button", { id: "nt-buy", class: "primary block", type: "submit", "data-t": "nt.buy" })),
    el("div", { id: "nt-err", class: "error hidden", role: "alert" }),
    el("div", { id: "nt-order", class: "hidden", "aria-live": "polite" }));
  const ordersCard = el("div", { class: "card", id: "neutral-orders-card" },
    el("h2", { "data-t": "nt.mine" }), el("ul", { class: "list", id: "nt-orders" }));
  view.append(card, ordersCard);
  PH.translate(card);
  PH.translate(ordersCard);

  function showError(e) {
    const box = $("#nt-err");
    if (!e) { box.classList.add("hidden"); return; }
    // a problem's code in words; a failed fetch (TypeError) is the network's
    const key = e.code ? "nt.err." + e.code : e instanceof TypeError ? "nt.err.network" : "";
    box.textContent = key in PH.messages.zh ? t(key) : e.message;
    box.classList.remove("hidden");
  }

  // --- price and form --------------------------------------------------------------------------
  /** The cheapest open listing of the citizens' reductions holding `quantity` t (or null). */
  const cheapest = (quantity) => (state.listings || [])
    .filter((l) => l.available >= (quantity || 1))
    .sort((a, b) => a.price_fen_per_t - b.price_fen_per_t)[0] || null;
  const quantity = () => {
    const v = $("#nt-qty").value.trim();
    return /^\d+$/.test(v) ? Number(v) : NaN;
  };

  function renderPrice() {
    const known = state.listings !== null;  // null: not loaded yet
    const best = known ? cheapest(1) : null;
    const most = Math.max(0, ...(state.listings || []).map((l) => l.available));
    $("#nt-price").textContent = best ? t("nt.price", { price: yuan(best.price_fen_per_t), n: most })
      : known ? t("nt.none") : "—";
    $("#nt-price").dataset.price = best ? best.price_fen_per_t : "";
    $("#nt-form").classList.toggle("hidden", known && !best);
    if (!best) { $("#nt-total").textContent = ""; $("#nt-buy").disabled = true; return; }
    $("#nt-qty").max = most;
    const q = quantity();
    const fit = q >= 1 ? cheapest(q) : null;
    $("#nt-total").textContent = !(q >= 1) ? t("nt.err.quantity")
      : fit ? t("nt.total", { amount: yuan(fit.price_fen_per_t * q) }) : t("nt.toomany", { n: most });
    $("#nt-buy").disabled = state.busy || !fit;
  }

  $("#nt-form").addEventListener("input", () => { state.key = null; renderPrice(); });
  $("#nt-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (state.busy) return;
    const q = quantity();
    if (!(q >= 1)) { showError(new Error(t("nt.err.quantity"))); return; }
    state.busy = true;
    $("#nt-buy").disabled = true;
    showError(null);
    if (!state.key) state.key = PH.uuid();
    try {
      const beneficiary = $("#nt-beneficiary").value.trim();
      const order = await api(ORDERS, { body: { quantity: q, beneficiary: beneficiary || null },
        headers: { "Idempotency-Key": state.key } });
      state.key = null;  // made: the next purchase is another one
      state.current = order;
      state.note = null;
      renderOrder();
      loadOrders();
      loadListings();
    } catch (e) {
      showError(e);  // the key is kept: a retry replays the same purchase
      if (e.code === "no_units_for_sale") loadListings();
    } finally {
      state.busy = false;
      renderPrice();
    }
  });

  // --- paying ------------------------------------------------------------------------------------
  const inWeChat = () => !!((window.wx && typeof window.wx.requestPayment === "function") ||
    window.WeixinJSBridge || /MicroMessenger/i.test(navigator.userAgent));

  /** WeChat Pay JSAPI with the order's parameters: true when paid, false when cancelled. */
  async function wechatPay(jsapi) {
    if (window.wx && typeof window.wx.requestPayment === "function") {
      return new Promise((resolve, reject) => window.wx.requestPayment({
        ...jsapi, timestamp: jsapi.timeStamp,
        success: () => resolve(true),
        cancel: () => resolve(false),
        fail: (r) => (/cancel/i.test((r && r.errMsg) || "") ? resolve(false)
          : reject(new Error((r && r.errMsg) || "requestPayment failed"))),
      }));
    }
    if (!window.WeixinJSBridge) {  // WeChat's bridge arrives a little after the page
      await new Promise((ok) => {
        document.addEventListener("WeixinJSBridgeReady", ok, { once: true });
        setTimeout(ok, 3000);
      });
    }
    if (!window.WeixinJSBridge) throw new Error("WeixinJSBridge is not available");
    return new Promise((resolve, reject) => window.WeixinJSBridge.invoke(
      "getBrandWCPayRequest", { ...jsapi }, (r) => {
        const msg = (r && r.err_msg) || "";
        if (msg === "get_brand_wcpay_request:ok") resolve(true);
        else if (msg === "get_brand_wcpay_request:cancel") resolve(false);
        else reject(new Error(msg || "payment failed"));
      }));
  }

  async function pay(button) {
    const order = state.current;
    button.disabled = true;
    showError(null);
    try {
      if (inWeChat()) {
        if (!(await wechatPay(order.jsapi))) { state.note = "nt.cancelled"; renderOrder(); return; }
      } else {
        try {
          await api("/v1/dev/wechatpay/orders/" + encodeURIComponent(order.order_id) + "/pay",
            { method: "POST", body: {} });
        } catch (e) {
          if (e.status === 404) { state.noDemo = true; state.note = null; renderOrder(); return; }
          if (e.code !== "not_payable") throw e;  // paid already: see what became of it
        }
      }
      await follow(order.order_id);
    } catch (e) {
      showError(e);
      button.disabled = false;
    }
  }

  /** Ask for the order until it is no longer pending (WeChat Pay's notice may take a moment). */
  async function follow(orderId) {
    const mine = ++state.poll;
    state.note = "nt.waiting";
    renderOrder();
    for (let i = 0; i < 30 && mine === state.poll; i++) {
      try {
        const o = await api(ORDERS + "/" + encodeURIComponent(orderId));
        if (mine !== state.poll) return;
        if (state.current && state.current.order_id === o.order_id) state.current = o;
        if (o.status !== "pending") {
          state.note = null;
          renderOrder();
          loadOrders();
          loadListings();
          return;
        }
      } catch (e) {
        if (e.status) { showError(e); break; }  // a network blip is retried
      }
      await wait(Math.min(500 + i * 250, 3000));
    }
    if (mine === state.poll) { state.note = "nt.stillpending"; renderOrder(); }
  }

  const retirementLinks = (o) => el("div", { class: "offer-actions" },
    el("a", { class: "nt-cert", href: o.certificate_url, target: "_blank", rel: "noopener" },
      t("nt.cert")),
    el("a", { class: "nt-public", href: "/registry/retirements/" + encodeURIComponent(o.retirement_id),
      target: "_blank", rel: "noopener" }, t("nt.public")));

  function renderOrder() {
    const box = $("#nt-order");
    const o = state.current;
    if (!o) { box.classList.add("hidden"); box.replaceChildren(); return; }
    box.dataset.orderId = o.order_id;
    box.dataset.status = o.status;
    const parts = [];
    if (o.status === "pending") {
      parts.push(el("p", { class: "notice" }, t("nt.order", { id: o.order_id, n: o.quantity,
        amount: yuan(o.amount_fen), until: PH.fmtTime(o.expires_at) })));
      const wechat = inWeChat();
      if (wechat ? o.jsapi : !state.noDemo) {
        const b = el("button", { class: "primary block", type: "button",
          id: wechat ? "nt-pay" : "nt-pay-demo" }, t(wechat ? "nt.pay" : "nt.paydemo"));
        b.addEventListener("click", () => pay(b));
        b.disabled = state.note === "nt.waiting";
        parts.push(b);
      }
      const note = state.note || (!wechat && state.noDemo ? "nt.nodemo" : null);
      if (note) parts.push(el("p", { class: "muted", id: "nt-note" }, t(note)));
      if (state.note !== "nt.waiting") {
        parts.push(el("button", { class: "secondary block", type: "button", id: "nt-refresh",
          onclick: () => follow(o.order_id) }, t("nt.refresh")));
      }
    } else if (o.status === "delivered") {
      parts.push(el("p", { class: "item-title", id: "nt-done" }, t("nt.done", { n: o.quantity })));
      if (o.beneficiary) parts.push(el("p", { class: "muted" }, t("nt.done.for", { name: o.beneficiary })));
      parts.push(el("p", { class: "muted", id: "nt-retirement" }, t("nt.retirement", { id: o.retirement_id })),
        retirementLinks(o));
    } else {
      parts.push(el("p", { class: "notice" },
        t(o.status === "closed" ? "nt.closed" : o.status === "paid_late" ? "nt.late" : "nt.s." + o.status)));
    }
    box.replaceChildren(...parts);
    box.classList.remove("hidden");
  }

  // --- loading -----------------------------------------------------------------------------------
  // each load numbered: an answer overtaken by a later request's is dropped
  const seq = { listings: 0, orders: 0 };

  async function loadListings() {
    const mine = ++seq.listings;
    let listings;
    try {
      const all = await PH.api("/v1/market/listings");
      listings = all.filter((l) => l.account === ACCOUNT && l.status === "open" && l.available > 0);
    } catch (e) {
      if (mine === seq.listings) showError(e);
      return;
    }
    if (mine !== seq.listings) return;
    state.listings = listings;
    renderPrice();
  }

  async function loadOrders() {
    const mine = ++seq.orders;
    try {
      const rows = await api(ORDERS);
      if (mine !== seq.orders) return;
      const now = Date.now();
      $("#nt-orders").replaceChildren(...rows.map((o) => {
        const pill = o.status === "delivered" ? "pill" : o.status === "pending" ? "pill warn" : "pill bad";
        const li = el("li", { "data-order": o.order_id, "data-status": o.status },
          el("div", { class: "row" },
            el("div", { class: "grow" },
              el("div", { class: "item-title" }, t("nt.tonnes", { n: o.quantity }), " · ¥", yuan(o.amount_fen)),
              el("div", { class: "muted" }, PH.fmtTime(o.created_at),
                o.beneficiary ? " · " + o.beneficiary : "")),
            el("span", { class: pill }, t("nt.s." + o.status))));
        if (o.status === "delivered" && o.retirement_id) li.append(retirementLinks(o));
        if (o.status === "pending" && new Date(o.expires_at).getTime() > now &&
            !(state.current && state.current.order_id === o.order_id)) {
          li.append(el("div", { class: "offer-actions" }, el("button", { class: "secondary",
            type: "button", onclick: () => { state.current = o; state.note = null; renderOrder(); } },
            t("nt.continue"))));
        }
        return li;
      }));
    } catch (e) { showError(e); }
  }

  function load() {
    if (!session.get()) return;
    showError(null);
    renderPrice();  // at once from what is known (in the language just chosen), then fresh
    renderOrder();
    loadListings();
    loadOrders();
  }

  /** Signed out (the login view shows): forget this citizen's purchase. */
  function reset() {
    state.key = null; state.current = null; state.note = null; state.poll++;
    state.listings = null;
    seq.listings++; seq.orders++;
    $("#nt-orders").replaceChildren();
    $("#nt-form").reset();
    renderOrder();
  }

  const visible = (node) => node && !node.classList.contains("hidden");
  new MutationObserver(() => { if (visible(view)) load(); })
    .observe(view, { attributes: true, attributeFilter: ["class"] });
  const login = $("#view-login");
  if (login) {
    new MutationObserver(() => { if (visible(login)) reset(); })
      .observe(login, { attributes: true, attributeFilter: ["class"] });
  }
  renderPrice();
  if (visible(view)) load();
})();
