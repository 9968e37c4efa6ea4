/* Merchant page: cashier sign-in, scan (camera) or type a voucher code, redeem once, today's list. */
"use strict";
(function () {
  const session = PH.session("merchant");
  // Runs in <head>, before the body is drawn: pick the view now so nothing jumps later.
  document.documentElement.dataset.auth = session.get() ? "in" : "out";

  Object.assign(PH.messages.zh, {
    title: "普惠商户核销", "lang.switch": "EN", "lang.label": "Switch to English", logout: "退出",
    "login.heading": "收银员登录", "login.username": "用户名", "login.password": "密码",
    "login.submit": "登录", "login.failed": "用户名或密码错误", "login.not_merchant": "此账号不是商户收银员账号",
    who: "收银员：{name}",
    "scan.heading": "扫码核销", "scan.start": "开始扫码", "scan.stop": "停止扫码",
    "camera.off": "摄像头未开启", "camera.starting": "正在打开摄像头…", "camera.on": "将券二维码对准框内",
    "camera.none": "此设备无法使用摄像头，请输入券码", "camera.denied": "无法打开摄像头（未授权），请输入券码",
    "camera.nodecoder": "无法加载扫码组件，请输入券码",
    "code.label": "或输入券码", "code.submit": "核销", "code.hint": "大小写、空格、短横线均可",
    "result.idle": "请扫码或输入券码", "result.busy": "正在核销…",
    "r.redeemed": "有效 · 已核销", "r.already_redeemed": "已被核销过", "r.not_yours": "不是本店的券",
    "r.expired": "券已过期", "r.cancelled": "券已取消", "r.invalid": "不是有效的券",
    "r.unknown": "券码不存在", "r.error": "未能核销",
    "r.redeemed_at": "已于 {time} 在 {store} 核销", "r.redeemed_at_nostore": "已于 {time} 核销",
    "r.do_not_serve": "请勿重复提供商品或服务", "r.other_merchant": "该券属于其他商户",
    "r.expired_detail": "请顾客查看券的有效期", "r.cancelled_detail": "顾客已取消此券，积分已退回",
    "r.invalid_detail": "二维码或券码无法识别", "r.unknown_detail": "请核对券码后重试",
    "r.network": "网络错误，请重试", "r.signed_out": "登录已失效，请重新登录",
    "today.heading": "今日核销", "today.count": "笔数", "today.points": "积分合计",
    "today.empty": "今天还没有核销", "today.failed": "无法加载今日核销", points: "{n} 分",
  });
  Object.assign(PH.messages.en, {
    title: "Puhui merchant", "lang.switch": "中文", "lang.label": "切换到中文", logout: "Sign out",
    "login.heading": "Cashier sign-in", "login.username": "Username", "login.password": "Password",
    "login.submit": "Sign in", "login.failed": "Wrong username or password",
    "login.not_merchant": "This is not a merchant cashier account",
    who: "Cashier: {name}",
    "scan.heading": "Scan a voucher", "scan.start": "Start scanning", "scan.stop": "Stop scanning",
    "camera.off": "Camera off", "camera.starting": "Opening the camera…",
    "camera.on": "Hold the voucher QR code inside the frame",
    "camera.none": "No camera on this device: type the code",
    "camera.denied": "Camera not allowed: type the code",
    "camera.nodecoder": "Could not load the QR reader: type the code",
    "code.label": "Or type the voucher code", "code.submit": "Redeem",
    "code.hint": "Upper or lower case, spaces and dash are all fine",
    "result.idle": "Scan or type a voucher code", "result.busy": "Redeeming…",
    "r.redeemed": "Valid — redeemed", "r.already_redeemed": "Already redeemed",
    "r.not_yours": "Not this merchant's voucher", "r.expired": "Voucher expired",
    "r.cancelled": "Voucher cancelled", "r.invalid": "Not a valid voucher",
    "r.unknown": "Unknown code", "r.error": "Not redeemed",
    "r.redeemed_at": "already redeemed at {time}, {store}",
    "r.redeemed_at_nostore": "already redeemed at {time}",
    "r.do_not_serve": "Do not serve it again", "r.other_merchant": "It belongs to another merchant",
    "r.expired_detail": "Ask the customer to check its validity",
    "r.cancelled_detail": "The customer cancelled it; points were refunded",
    "r.invalid_detail": "The QR code or code cannot be read",
    "r.unknown_detail": "Check the code and try again",
    "r.network": "Network error: try again", "r.signed_out": "Signed out: please sign in again",
    "today.heading": "Today's redemptions", "today.count": "Count", "today.points": "Points",
    "today.empty": "No redemptions yet today", "today.failed": "Could not load today's list",
    points: "{n} pts",
  });

  const ICON = { redeemed: "✓", already_redeemed: "!", not_yours: "✕", expired: "!",
    cancelled: "✕", invalid: "✕", unknown: "?", error: "!" };
  const TONE = { redeemed: "ok", expired: "warn", cancelled: "warn", error: "warn" };
  const CODE_RE = /^[0-9A-Za-z]{5}[\s-]*[0-9A-Za-z]{5}$/;
  const RETRIES = 3;
  let shown = null; // what the result panel shows, re-rendered on a language switch
  let today = null; // today's redemptions
  let busy = false;

  const $ = (id) => document.getElementById(id);
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const hhmm = (iso) => new Date(iso).toLocaleTimeString(PH.lang === "zh" ? "zh-CN" : "en-GB",
    { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", hour12: false });

  // ---- language -------------------------------------------------------------------------
  function applyLang(lang) {
    PH.setLang(lang);
    document.title = PH.t("title");
    const b = $("lang-toggle");
    b.lang = lang === "zh" ? "en" : "zh-CN";
    b.setAttribute("aria-label", PH.t("lang.label"));
    const s = session.get();
    $("who").textContent = s && s.username ? PH.t("who", { name: s.username }) : "";
    $("scan-start").textContent = PH.t(camera.stream ? "scan.stop" : "scan.start");
    $("camera-note").textContent = PH.t(camera.note);
    renderResult();
    renderToday();
  }

  // ---- sign-in --------------------------------------------------------------------------
  function setAuth(on) {
    document.documentElement.dataset.auth = on ? "in" : "out";
    if (!on) { stopCamera(); todaySeq++; shown = null; today = null; renderResult(); renderToday(); }
  }

  async function login(ev) {
    ev.preventDefault();
    const username = $("login-username").value.trim();
    const password = $("login-password").value;
    const err = $("login-error");
    err.textContent = "";
    $("login-submit").disabled = true;
    try {
      const pair = await PH.api("/v1/auth/staff", { body: { username, password } });
      if (pair.role !== "merchant" || !pair.merchant_id) {
        PH.api("/v1/auth/logout", { body: { refresh_token: pair.refresh_token } }).catch(() => {});
        err.textContent = PH.t("login.not_merchant");
        return;
      }
      session.set({ ...pair, username });
      $("login-password").value = "";
      setAuth(true);
      applyLang(PH.lang);
      $("code-input").focus();
      loadToday();
    } catch (e) {
      err.textContent = e.status === 401 ? PH.t("login.failed") :
        e instanceof PH.ApiError ? e.message : PH.t("r.network");
    } finally {
      $("login-submit").disabled = false;
    }
  }

  async function logout() {
    const s = session.get();
    session.clear();
    setAuth(false);
    $("login-username").focus();
    if (s && s.refresh_token) {
      try { await PH.api("/v1/auth/logout", { body: { refresh_token: s.refresh_token } }); } catch (e) { /* gone anyway */ }
    }
  }

  function signedOut() {
    session.clear();
    setAuth(false);
    $("login-error").textContent = PH.t("r.signed_out");
  }

  // ---- redeeming ------------------------------------------------------------------------
  /** One scan = one nonce; network failures retry the same request (the server replays). */
  async function redeem(what) {
    const body = { ...what, nonce: PH.uuid() };
    for (let attempt = 0; ; attempt++) {
      try {
        return { ok: await PH.api("/v1/merchant/redemptions", { body, session }) };
      } catch (e) {
        const transient = !(e instanceof PH.ApiError) || [502, 503, 504].includes(e.status);
        if (!transient) return { problem: e };
        if (attempt >= RETRIES) return { network: true };
        await sleep(400 * 2 ** attempt);
      }
    }
  }

  function outcomeOf(res) {
    if (res.ok) {
      const r = res.ok;
      return { outcome: "redeemed", detail: { text: r.offer.title },
        meta: { when: r.redeemed_at, store: r.store && r.store.name } };
    }
    if (res.network) return { outcome: "error", detail: { key: "r.network" } };
    const e = res.problem, b = e.body || {};
    switch (e.status) {
      case 409:
        if (e.code === "already_redeemed") {
          return { outcome: "already_redeemed", detail: { key: "r.do_not_serve" },
            meta: { at: b.redeemed_at, store: b.store && b.store.name } };
        }
        break;
      case 403:
        if (e.code === "not_your_voucher") return { outcome: "not_yours", detail: { key: "r.other_merchant" } };
        break;
      case 410:
        if (e.code === "cancelled") return { outcome: "cancelled", detail: { key: "r.cancelled_detail" } };
        return { outcome: "expired", detail: { key: "r.expired_detail" } };
      case 400:
        return { outcome: "invalid", detail: { key: "r.invalid_detail" } };
      case 422:
        if (e.code === "bad_code" || e.code === "bad_token") return { outcome: "invalid", detail: { key: "r.invalid_detail" } };
        break;
      case 404:
        return { outcome: "unknown", detail: { key: "r.unknown_detail" } };
    }
    return { outcome: "error", detail: { text: e.message } };
  }

  function text(part) {
    if (!part) return "";
    if (part.key) return PH.t(part.key);
    if (part.when) return [part.store, PH.fmtTime(part.when)].filter(Boolean).join(" · ");
    if (part.at) {
      const time = PH.fmtTime(part.at);
      return part.store ? PH.t("r.redeemed_at", { time, store: part.store })
        : PH.t("r.redeemed_at_nostore", { time });
    }
    return part.text || "";
  }

  function renderResult() {
    const box = $("result");
    const [icon, title, detail, meta] = [".m-icon", ".m-title", ".m-detail", ".m-meta"].map((s) => box.querySelector(s));
    box.classList.remove("ok", "bad", "warn");
    if (!shown || shown.outcome === "busy") {
      delete box.dataset.outcome;
      box.setAttribute("aria-busy", shown ? "true" : "false");
      icon.textContent = "…";
      title.textContent = PH.t(shown ? "result.busy" : "result.idle");
      detail.textContent = meta.textContent = "";
      return;
    }
    const o = shown.outcome;
    box.setAttribute("aria-busy", "false");
    box.dataset.outcome = o;
    box.classList.add(TONE[o] || "bad");
    icon.textContent = ICON[o];
    title.textContent = PH.t("r." + o);
    detail.textContent = text(shown.detail);
    meta.textContent = text(shown.meta);
    title.title = title.textContent;
    detail.title = detail.textContent;
    meta.title = meta.textContent;
  }

  async function submit(what) {
    if (busy) return false;
    busy = true;
    shown = { outcome: "busy" };
    renderResult();
    try {
      const res = await redeem(what);
      if (res.problem && res.problem.status === 401) { signedOut(); return false; }
      shown = outcomeOf(res);
      renderResult();
      if (res.ok) loadToday();
      return shown.outcome !== "error";
    } finally {
      busy = false;
    }
  }

  async function submitCode(ev) {
    ev.preventDefault();
    const input = $("code-input");
    const typed = input.value.trim();
    if (!typed) { input.focus(); return; }
    // a hand-held scanner that types into this field sends the whole token
    const done = await submit(typed.startsWith("PH1.") ? { token: typed } : { code: typed });
    if (done) input.value = "";
    else input.select();
    input.focus();
  }

  /** What a scanned QR says: a signed token, or (some printed vouchers) the short code. */
  function scanned(textValue) {
    const t = (textValue || "").trim();
    if (t.startsWith("PH1.")) return { token: t };
    if (CODE_RE.test(t)) return { code: t };
    return null;
  }

  // ---- today's redemptions --------------------------------------------------------------
  let todaySeq = 0;
  async function loadToday() {
    if (!session.get()) return;
    const seq = ++todaySeq;
    const since = encodeURIComponent(PH.shanghaiDay() + "T00:00:00+08:00");
    const items = [];
    try {
      let cursor = null;
      for (let page = 0; page < 20; page++) {
        const q = "/v1/merchant/redemptions?limit=100&since=" + since +
          (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
        const r = await PH.api(q, { session });
        items.push(...r.items);
        cursor = r.next_cursor;
        if (!cursor) break;
      }
      if (seq !== todaySeq) return;
      today = { items };
    } catch (e) {
      if (seq !== todaySeq) return;
      if (e.status === 401) { signedOut(); return; }
      today = { failed: true };
    }
    renderToday();
  }

  function renderToday() {
    const list = $("today-list");
    const count = $("today-count"), points = $("today-points");
    if (!today || today.failed) {
      count.textContent = points.textContent = "–";
      list.replaceChildren(today ? PH.el("li", { class: "empty" }, PH.t("today.failed")) : "");
      return;
    }
    const items = today.items;
    count.textContent = String(items.length);
    points.textContent = String(items.reduce((sum, r) => sum + (r.points || 0), 0));
    list.replaceChildren(...(items.length ? items.map((r) => PH.el("li", null,
      PH.el("span", { class: "t" }, hhmm(r.redeemed_at)),
      PH.el("span", { class: "o" }, r.offer.title,
        PH.el("span", { class: "s" }, r.store ? r.store.name : "")),
      PH.el("span", { class: "p" }, PH.t("points", { n: r.points })))) :
      [PH.el("li", { class: "empty" }, PH.t("today.empty"))]));
  }

  // ---- camera ---------------------------------------------------------------------------
  const camera = { stream: null, detector: null, canvas: null, timer: null, note: "camera.off",
    last: "", lastAt: 0 };

  function note(key) {
    camera.note = key;
    $("camera-note").textContent = PH.t(key);
  }

  function loadJsQR() {
    if (window.jsQR) return Promise.resolve(window.jsQR);
    return new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = "/static/vendor/jsQR.js";
      s.async = true;
      s.onload = () => (window.jsQR ? resolve(window.jsQR) : reject(new Error("jsQR missing")));
      s.onerror = () => { s.remove(); reject(new Error("jsQR failed to load")); };
      document.head.append(s);
    });
  }

  async function makeDecoder() {
    if ("BarcodeDetector" in window) {
      try {
        const formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.includes("qr_code")) {
          const d = new window.BarcodeDetector({ formats: ["qr_code"] });
          return async (video) => {
            const found = await d.detect(video);
            return found.length ? found[0].rawValue : null;
          };
        }
      } catch (e) { /* fall back to jsQR */ }
    }
    const jsQR = await loadJsQR();
    camera.canvas = camera.canvas || document.createElement("canvas");
    const ctx = camera.canvas.getContext("2d", { willReadFrequently: true });
    return async (video) => {
      const w0 = video.videoWidth, h0 = video.videoHeight;
      if (!w0 || !h0) return null;
      const scale = Math.min(1, 640 / Math.max(w0, h0));
      const w = Math.round(w0 * scale), h = Math.round(h0 * scale);
      camera.canvas.width = w;
      camera.canvas.height = h;
      ctx.drawImage(video, 0, 0, w, h);
      const found = jsQR(ctx.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: "attemptBoth" });
      return found ? found.data : null;
    };
  }

  async function startCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { note("camera.none"); return; }
    note("camera.starting");
    const btn = $("scan-start");
    btn.disabled = true;
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia(
        { video: { facingMode: { ideal: "environment" } }, audio: false });
    } catch (e) {
      btn.disabled = false;
      note(e && e.name === "NotAllowedError" ? "camera.denied" : "camera.none");
      return;
    }
    let decode;
    try {
      decode = await makeDecoder();
    } catch (e) {
      stream.getTracks().forEach((t) => t.stop());
      btn.disabled = false;
      note("camera.nodecoder");
      return;
    }
    btn.disabled = false;
    if (document.documentElement.dataset.auth !== "in") { stream.getTracks().forEach((t) => t.stop()); return; }
    camera.stream = stream;
    const video = $("video");
    video.srcObject = stream;
    try { await video.play(); } catch (e) { /* autoplay of a muted inline video is allowed */ }
    btn.textContent = PH.t("scan.stop");
    note("camera.on");
    const tick = async () => {
      if (camera.stream !== stream) return;
      try {
        const value = !busy && video.readyState >= 2 ? await decode(video) : null;
        const now = Date.now();
        // the same code held in front of the camera is one scan, not one per frame
        if (value && !(value === camera.last && now - camera.lastAt < 8000)) {
          camera.last = value;
          camera.lastAt = now;
          const what = scanned(value);
          if (what) await submit(what);
          else { shown = { outcome: "invalid", detail: { key: "r.invalid_detail" } }; renderResult(); }
        } else if (value) {
          camera.lastAt = now;
        }
      } catch (e) { /* a frame that cannot be read: try the next one */ }
      if (camera.stream === stream) camera.timer = setTimeout(tick, 150);
    };
    tick();
  }

  function stopCamera() {
    if (!camera.stream) return;
    camera.stream.getTracks().forEach((t) => t.stop());
    camera.stream = null;
    clearTimeout(camera.timer);
    const video = $("video");
    video.pause();
    video.srcObject = null;
    $("scan-start").textContent = PH.t("scan.start");
    note("camera.off");
  }

  // ---- wiring ---------------------------------------------------------------------------
  document.addEventListener("DOMContentLoaded", () => {
    $("lang-toggle").addEventListener("click", () => applyLang(PH.lang === "zh" ? "en" : "zh"));
    $("logout").addEventListener("click", logout);
    $("login-form").addEventListener("submit", login);
    $("code-form").addEventListener("submit", submitCode);
    $("scan-start").addEventListener("click", () => (camera.stream ? stopCamera() : startCamera()));
    document.addEventListener("visibilitychange", () => { if (document.hidden) stopCamera(); });
    applyLang(PH.lang);
    if (session.get()) loadToday();
  });
})();
