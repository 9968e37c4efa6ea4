/* One card of the admin dashboard, mounted the same way by each section (admin-registry.js,
   admin-complaints.js, admin-notices.js, admin-alerts.js): a heading with the section's refresh
   button, its tools, an error line and a body (ids `{prefix}-h`, `-refresh`, `-error`, `-body`;
   texts `{prefix}.title` and `{prefix}.refresh`). It loads when the dashboard shows, is emptied
   (`reset`) when it hides, is translated with the page and reloads with the page's Refresh. */
"use strict";
window.AdminSection = (() => {
  const el = PH.el;
  const $ = (id) => document.getElementById(id);

  function mount(o) {
    const dash = $("dash");
    if (!dash) return null;
    const p = o.prefix;
    const section = $(o.id) || el("section", { class: "card", id: o.id });
    section.setAttribute("aria-labelledby", p + "-h");
    section.replaceChildren(
      el("div", { class: "row" },
        el("h2", { id: p + "-h", class: "grow", "data-t": p + ".title" }, PH.t(p + ".title")),
        ...(o.heading || []),
        el("button", { type: "button", class: "secondary small", id: p + "-refresh",
          "data-t": p + ".refresh", onclick: () => o.load() }, PH.t(p + ".refresh"))),
      ...(o.tools || []),
      el("div", { id: p + "-error", class: "error hidden", role: "alert" }),
      el("div", { id: p + "-body", class: o.bodyClass || "" }));
    if (!section.isConnected) dash.append(section);
    const show = () => { if (o.onShow) o.onShow(); o.load(); };
    let was = dash.classList.contains("hidden");
    new MutationObserver(() => {
      const hidden = dash.classList.contains("hidden");
      if (was && !hidden) show();
      if (hidden) o.reset();
      was = hidden;
    }).observe(dash, { attributes: true, attributeFilter: ["class"] });
    $("lang-toggle").addEventListener("click", () => { PH.translate(section); o.render(); });
    $("refresh").addEventListener("click", () => o.load());
    if (!was) show();
    return section;
  }

  return { mount };
})();
