/* The public page of one retirement (/registry/retirements/{id}): reads the public registry API
   and links the certificate. No sign-in; everything shown is public already. */
"use strict";
(function () {
  const { $, t } = PH;
  Object.assign(PH.messages.zh, {
    "lang.switch": "EN", title: "碳普惠减排量注销记录", heading: "注销证明", loading: "加载中…",
    "f.event": "碳中和活动", "event.fact": "碳足迹 {kg} 千克，需注销 {t} 吨（排放因子 {set}）",
    "f.id": "注销编号", "f.beneficiary": "受益方", "f.purpose": "用途", "f.details": "说明",
    "f.quantity": "数量（吨二氧化碳当量）", "f.date": "注销时间", "f.holder": "注销方",
    "f.projects": "项目", serials: "注销序列号", docs: "证书", pdf: "下载 PDF 证书",
    json: "签名 JSON", keys: "验证公钥",
    verify: "用 puhui verify-certificate 命令和公钥即可离线核验签名 JSON。",
    missing: "没有这条已完成的注销记录。", failed: "暂时无法加载，请稍后再试。",
    "p.carbon_neutrality": "碳中和", "p.event": "大型活动", "p.voluntary": "自愿注销",
    "p.eco_compensation": "生态补偿", platform: "平台账户",
  });
  Object.assign(PH.messages.en, {
    "lang.switch": "中文", title: "Carbon inclusion retirement", heading: "Certificate of retirement",
    "f.event": "Carbon-neutral event", "event.fact": "footprint {kg} kg, {t} t to retire (factors {set})",
    loading: "Loading…", "f.id": "Retirement ID", "f.beneficiary": "Beneficiary",
    "f.purpose": "Purpose", "f.details": "Details", "f.quantity": "Quantity (tCO2e)",
    "f.date": "Retired at", "f.holder": "Retired by", "f.projects": "Projects",
    serials: "Serial ranges", docs: "Certificate", pdf: "Download the PDF", json: "Signed JSON",
    keys: "Verification keys",
    verify: "Check the signed JSON offline with `puhui verify-certificate` and the keys.",
    missing: "There is no completed retirement with this ID.",
    failed: "The record cannot be loaded right now; try again later.",
    "p.carbon_neutrality": "Carbon neutrality", "p.event": "Event", "p.voluntary": "Voluntary",
    "p.eco_compensation": "Eco-compensation", platform: "Platform account",
  });

  let record = null;

  function show(r) {
    const id = r.retirement_id || r.id;
    $("#f-id").textContent = id;
    $("#f-beneficiary").textContent = r.beneficiary || "";
    $("#f-purpose").textContent = r.purpose ? t("p." + r.purpose) : "";
    $("#f-details").textContent = r.details || "—";
    if (r.event) {
      const e = r.event;
      $("#f-event").replaceChildren(PH.el("a", { href: e.url }, e.name), " · " + t("event.fact", {
        kg: e.footprint_kg, t: e.tonnes_required, set: e.factor_set }));
      $("#f-event").hidden = false;
      $("#f-event-label").hidden = false;
    }
    $("#f-quantity").textContent = String(r.quantity);
    $("#f-date").textContent = r.retired_at ? new Date(r.retired_at).toLocaleString(
      PH.lang === "zh" ? "zh-CN" : "en-GB", { timeZone: "Asia/Shanghai" }) : "";
    $("#f-holder").textContent = r.organisation || r.org_name || t("platform");
    $("#f-projects").textContent = (r.project_codes || []).join(", ");
    const list = $("#serials");
    list.replaceChildren(...(r.serial_ranges || []).map((s) => PH.el("li", null, s)));
    const base = "/v1/public/retirements/" + encodeURIComponent(id);
    $("#pdf-link").href = r.certificate_url || base + "/certificate.pdf";
    $("#json-link").href = r.certificate_json_url || base + "/certificate.json";
    $("#status").hidden = true;
    $("#facts").hidden = false;
    $("#serials-card").hidden = false;
    $("#docs-card").hidden = false;
  }

  async function load() {
    const id = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
    try {
      record = await PH.api("/v1/public/retirements/" + encodeURIComponent(id));
      show(record);
    } catch (e) {
      $("#status").textContent = t(e instanceof PH.ApiError && e.status === 404 ? "missing" : "failed");
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    PH.translate(document);
    document.documentElement.lang = PH.lang === "zh" ? "zh-CN" : "en";
    $("#lang-toggle").addEventListener("click", () => {
      PH.setLang(PH.lang === "zh" ? "en" : "zh");
      if (record) show(record);
    });
    load();
  });
})();
