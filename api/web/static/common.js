/* Shared helpers: calls to our API (problem+json aware, token refresh), i18n, small DOM tools. */
"use strict";
(function () {
  const PH = (window.PH = {});
  const LANG_KEY = "ph.lang";

  PH.lang = localStorage.getItem(LANG_KEY) || "zh";
  PH.messages = { zh: {}, en: {} };
  PH.t = function (key, vars) {
    const table = PH.messages[PH.lang] || {};
    let text = key in table ? table[key] : (PH.messages.en[key] || key);
    for (const [k, v] of Object.entries(vars || {})) text = text.replaceAll("{" + k + "}", v);
    return text;
  };
  PH.setLang = function (lang) {
    PH.lang = lang;
    localStorage.setItem(LANG_KEY, lang);
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    PH.translate(document);
  };
  PH.translate = function (root) {
    root.querySelectorAll("[data-t]").forEach((el) => { el.textContent = PH.t(el.dataset.t); });
    root.querySelectorAll("[data-t-placeholder]").forEach((el) => {
      el.placeholder = PH.t(el.dataset.tPlaceholder);
    });
  };

  PH.$ = (sel, root) => (root || document).querySelector(sel);
  PH.el = function (tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (v !== null && v !== undefined) node.setAttribute(k, v);
    }
    for (const c of children.flat()) {
      if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
    }
    return node;
  };
  PH.toast = function (text) {
    const t = PH.el("div", { class: "toast", role: "status" }, text);
    document.body.append(t);
    setTimeout(() => t.remove(), 2500);
  };

  class ApiError extends Error {
    constructor(status, body) {
      super((body && (body.detail || body.title)) || "HTTP " + status);
      this.status = status;
      this.code = body && body.code;
      this.body = body || {};
    }
  }
  PH.ApiError = ApiError;

  /** A session kept in localStorage under `name` ({access_token, refresh_token, ...}). */
  PH.session = function (name) {
    const key = "ph.session." + name;
    return {
      get: () => JSON.parse(localStorage.getItem(key) || "null"),
      set: (v) => localStorage.setItem(key, JSON.stringify(v)),
      clear: () => localStorage.removeItem(key),
    };
  };

  async function refresh(session) {
    const s = session.get();
    if (!s || !s.refresh_token) return false;
    const r = await fetch("/v1/auth/refresh", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: s.refresh_token }),
    });
    if (!r.ok) { session.clear(); return false; }
    session.set({ ...s, ...(await r.json()) });
    return true;
  }

  /** fetch our API; JSON in and out; problem+json becomes an ApiError; one refresh on 401. */
  PH.api = async function (path, opts) {
    opts = opts || {};
    const headers = { ...(opts.headers || {}) };
    if (opts.body !== undefined) headers["Content-Type"] = "application/json";
    const s = opts.session && opts.session.get();
    if (s) headers.Authorization = "Bearer " + s.access_token;
    const r = await fetch(path, {
      method: opts.method || (opts.body !== undefined ? "POST" : "GET"),
      headers,
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    });
    if (r.status === 401 && opts.session && !opts.retried && (await refresh(opts.session))) {
      return PH.api(path, { ...opts, retried: true });
    }
    const type = r.headers.get("content-type") || "";
    const body = type.includes("json") ? await r.json() : opts.raw ? await r.blob() : await r.text();
    if (!r.ok) throw new ApiError(r.status, typeof body === "object" ? body : null);
    return body;
  };

  PH.uuid = () => (crypto.randomUUID ? crypto.randomUUID() :
    Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join(""));
  PH.fmtTime = (iso) => new Date(iso).toLocaleString(PH.lang === "zh" ? "zh-CN" : "en-GB",
    { timeZone: "Asia/Shanghai", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
  PH.fmtDate = (iso) => new Date(iso).toLocaleDateString(PH.lang === "zh" ? "zh-CN" : "en-GB",
    { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" });
  PH.fmtGrams = (g) => (g >= 1000 ? (g / 1000).toFixed(g >= 100000 ? 0 : 2) + " kg" : g + " g");
  PH.shanghaiDay = (d) => new Date((d || new Date()).getTime() + 8 * 3600e3).toISOString().slice(0, 10);
})();
