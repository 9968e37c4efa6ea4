/* Starts Swagger UI 5 (from the swagger-ui-py package, served at /schema/assets/) on the
   service's own OpenAPI 3.1 document. A file rather than an inline script: the page's CSP allows
   scripts from this origin only. */
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var host = document.getElementById("swagger-ui");
  fetch(host.dataset.spec, { headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (spec) {
      window.ui = SwaggerUIBundle({
        spec: spec,
        dom_id: "#swagger-ui",
        deepLinking: true,
        showExtensions: true,
        showCommonExtensions: true,
        validatorUrl: null, // never ask validator.swagger.io
        presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
        layout: "BaseLayout",
      });
    })
    .catch(function (e) {
      host.textContent = "The OpenAPI document could not be loaded: " + e;
    });
});
