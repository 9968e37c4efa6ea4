/* /org, market: the reference price and open listings with a buy form (one Idempotency-Key per
   intended order), the order's WeChat Pay QR code (and, where the service runs the fake WeChat
   Pay, a demo "pay" button), our orders, and our listings with the form to list units. */
"use strict";
(function () {
  const O = window.ORG;
  const el = PH.el;
  const $ = (id) => document.getElementById(id);
  const yuan = (fen) => (fen / 100).toLocaleString(PH.lang === "zh" ? "zh-CN" : "en-US",
    { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  Object.assign(PH.messages.zh, {
    "mk.title": "交易市场", "mk.ref": "参考价 {price} 元/吨（{day}，{source}）",
    "mk.noref": "尚未公布参考价", "mk.price": "单价（元/吨）", "mk.avail": "可购（吨）",
    "mk.seller": "卖方账户", "mk.qty": "购买（吨）", "mk.buy": "下单",
    "mk.order": "订单 {id}：{n} 吨，共 {amount} 元。请用微信扫码支付（{until} 前有效）。",
    "mk.paydemo": "模拟支付（演示）", "mk.paid": "已支付：减排量已转入本机构账户。",
    "or.title": "本机构的订单", "or.date": "时间", "or.qty": "吨", "or.amount": "金额（元）",
    "or.status": "状态",
    "os.pending": "待支付", "os.delivered": "已交付", "os.closed": "已关闭", "os.paid_late": "逾期支付（待退款）",
    "os.refunding": "退款中", "os.refunded": "已退款",
    "ls.title": "本机构的挂牌", "ls.account": "挂牌账户", "ls.qty": "数量（吨）",
    "ls.price": "单价（分/吨）", "ls.submit": "挂牌（减排量将被冻结）", "ls.sold": "已售",
    "ls.withdraw": "撤牌", "ls.status": "状态",
  });
  Object.assign(PH.messages.en, {
    "mk.title": "Market", "mk.ref": "Reference price {price} yuan/t ({day}, {source})",
    "mk.noref": "No reference price yet", "mk.price": "Price (yuan/t)", "mk.avail": "Available (t)",
    "mk.seller": "Seller account", "mk.qty": "Buy (t)", "mk.buy": "Order",
    "mk.order": "Order {id}: {n} t, {amount} yuan. Scan with WeChat to pay (valid until {until}).",
    "mk.paydemo": "Pay (demo)", "mk.paid": "Paid: the units are in your account.",
    "or.title": "Our orders", "or.date": "Date", "or.qty": "t", "or.amount": "Amount (yuan)",
    "or.status": "Status",
    "os.pending": "awaiting payment", "os.delivered": "delivered", "os.closed": "closed",
    "os.paid_late": "paid late (to refund)", "os.refunding": "refunding", "os.refunded": "refunded",
    "ls.title": "Our listings", "ls.account": "Account", "ls.qty": "Tonnes",
    "ls.price": "Price (fen/t)", "ls.submit": "List (the units are frozen)", "ls.sold": "Sold",
    "ls.withdraw": "Withdraw", "ls.status": "Status",
  });

  async function showOrder(order) {
    const box = $("market-order");
    box.dataset.orderId = order.order_id;
    const text = el("p", { class: "o-ok", role: "status" }, PH.t("mk.order", {
      id: order.order_id, n: order.quantity, amount: yuan(order.amount_fen),
      until: PH.fmtTime(order.expires_at) }));
    const parts = [text];
    if (order.code_url) {
      const blob = await O.api("/v1/org/orders/" + encodeURIComponent(order.order_id) + "/qr.svg",
        { raw: true });
      parts.push(el("img", { class: "pay-qr", alt: order.code_url, width: 200, height: 200,
        src: URL.createObjectURL(blob) }));
    }
    const demo = el("button", { type: "button", id: "market-pay-demo" }, PH.t("mk.paydemo"));
    demo.addEventListener("click", async () => {
      demo.disabled = true;
      try {
        await O.api("/v1/dev/wechatpay/orders/" + encodeURIComponent(order.order_id) + "/pay",
          { method: "POST", body: {} });
        await waitDelivered(order.order_id);
      } catch (e) {
        demo.replaceWith(el("p", { class: "o-err" }, e.message || String(e)));
      }
    });
    parts.push(demo);
    box.replaceChildren(...parts);
    box.classList.remove("hidden");
  }

  async function waitDelivered(orderId) {
    for (let i = 0; i < 20; i++) {
      const o = await O.api("/v1/org/orders/" + encodeURIComponent(orderId));
      if (o.status !== "pending") {
        $("market-order").replaceChildren(el("p", { class: "o-ok", role: "status",
          "data-status": o.status }, o.status === "delivered" ? PH.t("mk.paid") : PH.t("os." + o.status)));
        await O.reload();
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  O.screen({
    id: "market", roles: ["org"], title: "mk.title",
    build(body) {
      body.append(el("p", { id: "market-ref" }), el("div", { id: "market-listings" }),
        el("div", { id: "market-order", class: "hidden" }));
    },
    async load(ctx) {
      let ref = null;
      try { ref = await O.api("/v1/market/reference-price"); } catch (e) { ref = null; }
      $("market-ref").textContent = ref ? PH.t("mk.ref", { price: yuan(ref.price_fen_per_t),
        day: ref.as_of, source: ref.source }) : PH.t("mk.noref");
      const mine = new Set((ctx.accounts || []).map((a) => a.account_id));
      const rows = (await O.api("/v1/market/listings")).filter((l) => !mine.has(l.account));
      $("market-listings").replaceChildren(O.table(
        ["mk.seller", "num:mk.price", "num:mk.avail", "mk.qty"],
        rows.map((l) => {
          const form = O.form(el("form", { class: "buy-form", "data-listing": l.listing_id },
            el("input", { name: "quantity", type: "number", min: 1, max: l.available, step: 1,
              value: 1, required: "", "aria-label": PH.t("mk.qty") }),
            el("button", { type: "submit", class: "primary" }, PH.t("mk.buy")),
            el("p", { class: "o-err form-err", role: "alert" })),
          async (v, key) => {
            const order = await O.api("/v1/org/orders", { body: { listing_id: l.listing_id,
              quantity: v.quantity, channel: "native" }, headers: { "Idempotency-Key": key } });
            await showOrder(order);
          }, { idempotent: true });
          return el("tr", { "data-listing": l.listing_id },
            el("td", {}, O.mono(l.account)), el("td", { class: "num" }, yuan(l.price_fen_per_t)),
            el("td", { class: "num" }, O.num(l.available)), el("td", {}, form));
        }), { id: "listings-table" }));
    },
  });

  O.screen({
    id: "orders", roles: ["org"], title: "or.title",
    build(body) { body.append(el("div", { id: "orders-list" })); },
    async load() {
      const rows = await O.api("/v1/org/orders");
      $("orders-list").replaceChildren(O.table(
        ["or.date", "num:or.qty", "num:or.amount", "or.status"],
        rows.map((o) => el("tr", { "data-order": o.order_id, "data-status": o.status },
          el("td", {}, PH.fmtTime(o.created_at)), el("td", { class: "num" }, O.num(o.quantity)),
          el("td", { class: "num" }, yuan(o.amount_fen)), el("td", {}, PH.t("os." + o.status)))),
        { id: "orders-table" }));
    },
  });

  O.screen({
    id: "listings", roles: ["org"], title: "ls.title",
    build(body) {
      body.append(O.form(el("form", { id: "listing-form", class: "o-form", novalidate: "" },
        O.fields("ls", [
          ["account", "ls.account", { options: [] }],
          ["quantity", "ls.qty", { type: "number", min: 1, step: 1, required: "", inputmode: "numeric" }],
          ["price_fen_per_t", "ls.price", { type: "number", min: 1, step: 1, required: "", inputmode: "numeric" }]]),
        el("p", { class: "o-err form-err", role: "alert" }),
        el("button", { type: "submit", class: "primary" }, PH.t("ls.submit"))),
      async (v) => {
        await O.api("/v1/org/listings", { body: v });
        $("listing-form").reset();
        await O.reload();
      }), el("div", { id: "my-listings" }));
    },
    async load(ctx) {
      const s = $("ls-account");
      const kept = s.value;
      s.replaceChildren(...(ctx.accounts || []).map((a) =>
        el("option", { value: a.account_id }, a.name + " · " + a.account_id)));
      if (kept) s.value = kept;
      const rows = await O.api("/v1/org/listings");
      $("my-listings").replaceChildren(O.table(
        ["ls.qty", "num:ls.price", "num:mk.avail", "num:ls.sold", "ls.status", ""],
        rows.map((l) => {
          const cells = [el("td", {}, O.num(l.quantity)),
            el("td", { class: "num" }, O.num(l.price_fen_per_t)),
            el("td", { class: "num" }, O.num(l.available)), el("td", { class: "num" }, O.num(l.sold)),
            el("td", {}, l.status)];
          const action = el("td", {});
          if (l.status === "open") {
            const b = el("button", { type: "button" }, PH.t("ls.withdraw"));
            b.addEventListener("click", async () => {
              b.disabled = true;
              try {
                await O.api("/v1/org/listings/" + encodeURIComponent(l.listing_id) + "/withdraw",
                  { method: "POST", body: {} });
                await O.reload();
              } catch (e) {
                action.append(el("p", { class: "o-err" }, e.message || String(e)));
                b.disabled = false;
              }
            });
            action.append(b);
          }
          return el("tr", { "data-listing": l.listing_id }, ...cells, action);
        }), { id: "my-listings-table" }));
    },
  });
})();
