/* The staff dashboard's supervision alerts (/admin, #alerts): what the detectors found, with the
   evidence that made each fire, newest first, filtered by status. Operations and admins acknowledge
   (optional note) and resolve (a note saying what was found and done), or run the detectors now;
   auditors read. Loads whenever admin.js shows #dash; shares its session. */
"use strict";
(function () {
  const session = PH.session("admin");
  const el = PH.el;
  const $ = (id) => document.getElementById(id);
  const A = { items: null, status: "unresolved" };
  const KINDS = ["operator_rate", "overlapping_account", "redemption_burst", "verifier_overclaim",
    "checkpoint_mismatch"];

  Object.assign(PH.messages.zh, {
    "al.title": "监督预警", "al.refresh": "刷新预警", "al.scan": "立即检测", "al.none": "暂无预警",
    "al.status": "状态", "al.s.open": "待处理", "al.s.acknowledged": "已确认", "al.s.resolved": "已解决",
    "al.s.all": "全部", "al.s.unresolved": "未解决", "al.k.operator_rate": "运营方拒绝/重复率异常",
    "al.k.overlapping_account": "同一账户同时出现在两家运营方",
    "al.k.redemption_burst": "门店短时集中核销", "al.k.verifier_overclaim": "核查机构核证量高于最终认定",
    "al.k.checkpoint_mismatch": "已发布的账本检查点校验失败",
    "al.evidence": "证据", "al.raised": "发现于 {at}", "al.subject": "对象",
    "al.note": "备注（确认可不填，解决必填）", "al.ack": "确认", "al.resolve": "解决",
    "al.ack_by": "{who} 于 {at} 确认", "al.res_by": "{who} 于 {at} 解决：{note}",
    "al.readonly": "审计账号只读", "al.scanned": "新发现 {n} 条预警", "al.count": "{n} 条未解决",
  });
  Object.assign(PH.messages.en, {
    "al.title": "Supervision alerts", "al.refresh": "Refresh alerts", "al.scan": "Run detectors now",
    "al.none": "No alerts", "al.status": "Status", "al.s.open": "open",
    "al.s.acknowledged": "acknowledged", "al.s.resolved": "resolved", "al.s.all": "all",
    "al.s.unresolved": "unresolved",
    "al.k.operator_rate": "Operator reject/duplicate rate",
    "al.k.overlapping_account": "One account on two operators at once",
    "al.k.redemption_burst": "Redemption burst at a store",
    "al.k.verifier_overclaim": "Verifier passed more than accepted",
    "al.k.checkpoint_mismatch": "Published checkpoint no longer verifies",
    "al.evidence": "Evidence", "al.raised": "raised {at}", "al.subject": "Subject",
    "al.note": "Note (optional to acknowledge, required to resolve)", "al.ack": "Acknowledge",
    "al.resolve": "Resolve", "al.ack_by": "acknowledged by {who} at {at}",
    "al.res_by": "resolved by {who} at {at}: {note}", "al.readonly": "auditors read only",
    "al.scanned": "{n} new alert(s)", "al.count": "{n} unresolved",
  });

  const api = (path, opts) => PH.api(path, { ...(opts || {}), session });
  const role = () => (session.get() || {}).role;
  const canWrite = () => role() === "admin" || role() === "operations";
  const kindLabel = (k) => (KINDS.includes(k) ? PH.t("al.k." + k) : k);

  async function load() {
    const err = $("al-error");
    err.classList.add("hidden");
    try {
      const all = A.status === "all" || A.status === "unresolved";
      const status = all ? "" : "&status=" + encodeURIComponent(A.status);
      const items = (await api("/v1/admin/alerts?limit=100" + status)).items;
      A.items = A.status === "unresolved" ? items.filter((a) => a.status !== "resolved") : items;
      render();
    } catch (x) {
      err.textContent = x.message;
      err.classList.remove("hidden");
    }
  }

  function statusPill(a) {
    const cls = a.status === "open" ? "bad" : a.status === "acknowledged" ? "warn" : "";
    return el("span", { class: "pill status " + cls, "data-status": a.status },
      PH.t("al.s." + a.status));
  }

  /** Acknowledge / resolve with one note input; the note is required to resolve. */
  function actions(a) {
    if (a.status === "resolved" || !canWrite()) return "";
    const note = el("input", { class: "reason", name: "note", maxlength: 2000,
      placeholder: PH.t("al.note"), "aria-label": PH.t("al.note") });
    const errBox = el("p", { class: "row-err", role: "alert" });
    const act = (label, cls, path, needsNote) => el("button", { type: "button",
      class: "small " + cls, onclick: async (e) => {
        const b = e.currentTarget;
        errBox.textContent = "";
        const text = note.value.trim();
        if (needsNote && !text) { errBox.textContent = PH.t("al.note"); note.focus(); return; }
        b.disabled = true;
        try {
          await api("/v1/admin/alerts/" + encodeURIComponent(a.alert_id) + path,
            { body: text ? { note: text } : {} });
          await load();
        } catch (x) {
          errBox.textContent = x.message;
        } finally {
          b.disabled = false;
        }
      } }, label);
    return el("div", {},
      el("div", { class: "acts" }, note,
        a.status === "open" ? act(PH.t("al.ack"), "secondary ack", "/acknowledge", false) : "",
        act(PH.t("al.resolve"), "primary resolve", "/resolve", true)),
      errBox);
  }

  function item(a) {
    const lines = [];
    if (a.acknowledged_at) {
      lines.push(PH.t("al.ack_by", { who: a.acknowledged_by, at: PH.fmtTime(a.acknowledged_at) }) +
        (a.acknowledge_note ? " — " + a.acknowledge_note : ""));
    }
    if (a.resolved_at) {
      lines.push(PH.t("al.res_by", { who: a.resolved_by, at: PH.fmtTime(a.resolved_at),
        note: a.resolution || "" }));
    }
    return el("li", { "data-alert": a.alert_id, "data-kind": a.kind },
      el("div", { class: "row" }, statusPill(a),
        el("strong", { class: "grow" }, kindLabel(a.kind)),
        el("span", { class: "muted" }, PH.t("al.raised", { at: PH.fmtTime(a.raised_at) }))),
      el("p", { class: "nt-body-text" }, a.summary),
      el("p", { class: "muted nt-body-text" },
        PH.t("al.subject") + ": " + a.subject_type + " " + a.subject_id),
      el("details", { class: "al-evidence" }, el("summary", {}, PH.t("al.evidence")),
        el("pre", { class: "nt-body-text" }, JSON.stringify(a.evidence, null, 2))),
      lines.map((l) => el("p", { class: "muted nt-body-text" }, l)),
      actions(a));
  }

  function render() {
    const body = $("al-body");
    if (!body || A.items === null) return;
    const unresolved = A.items.filter((a) => a.status !== "resolved").length;
    $("al-count").textContent = A.status === "resolved" ? "" : PH.t("al.count", { n: unresolved });
    body.replaceChildren(
      canWrite() ? "" : el("p", { class: "muted" }, PH.t("al.readonly")),
      el("ul", { class: "list", id: "al-list" }, A.items.length
        ? A.items.map(item)
        : [el("li", { class: "muted" }, PH.t("al.none"))]));
  }

  async function scanNow(e) {
    const b = e.currentTarget;
    b.disabled = true;
    try {
      const r = await api("/v1/admin/alerts/scan", { body: {} });
      PH.toast(PH.t("al.scanned", { n: Object.values(r.raised).reduce((s, n) => s + n, 0) }));
      await load();
    } catch (x) {
      PH.toast(x.message);
    } finally {
      b.disabled = false;
    }
  }

  function start() {
    const filter = el("select", { id: "al-status", "aria-label": PH.t("al.status"),
      onchange: (e) => { A.status = e.currentTarget.value; load(); } },
    ["unresolved", "open", "acknowledged", "resolved", "all"].map((s) =>
      el("option", { value: s, "data-t": "al.s." + s }, PH.t("al.s." + s))));
    const scan = el("button", { type: "button", class: "secondary small", id: "al-scan",
      "data-t": "al.scan", onclick: scanNow }, PH.t("al.scan"));
    AdminSection.mount({ id: "alerts", prefix: "al", load, render,
      heading: [el("span", { id: "al-count", class: "muted" })],
      tools: [el("div", { class: "acts" }, filter, scan)],
      onShow: () => scan.classList.toggle("hidden", !canWrite()),
      reset: () => { A.items = null; $("al-body").replaceChildren(); } });
  }

  start();
})();
