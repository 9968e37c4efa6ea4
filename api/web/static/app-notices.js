/* The citizen H5 app, notices (公告) on the home view: the latest 3 published policies, rules and
 * announcements (title, kind, effective date; upcoming ones marked), each opened with a tap to
 * read its body. Public API only (/v1/public/notices); loaded after app.js, no hook in it: the
 * card loads whenever the home view is shown (a MutationObserver on its class). */
"use strict";
(function () {
  const PH = window.PH, $ = PH.$, el = PH.el, t = PH.t;
  const view = $("#view-home");
  if (!view) return;

  Object.assign(PH.messages.zh, {
    "nc.title": "公告与规则", "nc.none": "暂无公告。", "nc.error": "公告加载失败，请稍后重试。",
    "nc.k.policy": "政策", "nc.k.rule": "规则", "nc.k.announcement": "公告",
    "nc.from": "{date} 起施行", "nc.upcoming": "{date} 起施行（即将生效）", "nc.version": "第 {n} 版",
  });
  Object.assign(PH.messages.en, {
    "nc.title": "Notices and rules", "nc.none": "No notices yet.",
    "nc.error": "Notices could not be loaded; please try again later.",
    "nc.k.policy": "Policy", "nc.k.rule": "Rule", "nc.k.announcement": "Announcement",
    "nc.from": "In force from {date}", "nc.upcoming": "In force from {date} (upcoming)",
    "nc.version": "version {n}",
  });

  const list = el("ul", { class: "list", id: "nc-list" });
  const card = el("div", { class: "card", id: "notices-card" },
    el("h2", { "data-t": "nc.title" }), list);
  view.append(card);
  PH.translate(card);

  let shown = null;  // the last list, re-rendered when the language changes
  function render() {
    if (shown === null) return;
    if (shown === "error") { list.replaceChildren(el("li", { class: "muted" }, t("nc.error"))); return; }
    if (!shown.length) { list.replaceChildren(el("li", { class: "muted" }, t("nc.none"))); return; }
    list.replaceChildren(...shown.map((n) => {
      const when = t(n.in_force === false ? "nc.upcoming" : "nc.from", { date: n.effective_from });
      const body = el("p", { class: "notice-body" });
      // the body is plain text: one paragraph line per line, never HTML
      n.body.split("\n").forEach((line, i) => { if (i) body.append(el("br")); body.append(line); });
      return el("li", {},
        el("details", {},
          el("summary", {},
            el("span", { class: "item-title" }, n.title),
            el("div", { class: "muted" },
              `${t("nc.k." + n.kind)} · ${when} · ${t("nc.version", { n: n.version })}`)),
          body));
    }));
  }

  let seq = 0;
  async function load() {
    const mine = ++seq;
    try {
      const page = await PH.api("/v1/public/notices?limit=3");
      if (mine !== seq) return;
      shown = page.items;
    } catch (e) {
      if (mine !== seq) return;
      shown = "error";
    }
    render();
  }

  const setLang = PH.setLang;
  PH.setLang = function (lang) { setLang(lang); render(); };

  const visible = (node) => node && !node.classList.contains("hidden");
  new MutationObserver(() => { if (visible(view)) load(); })
    .observe(view, { attributes: true, attributeFilter: ["class"] });
  if (visible(view)) load();
})();
