// Draw every service-blueprint diagram on the page with the vendored Mermaid.
// The page needs no network: mermaid.min.js is served from this site.
(function () {
  "use strict";
  function draw() {
    var nodes = document.querySelectorAll("pre.sk-mermaid:not([data-processed])");
    if (!nodes.length) {
      return;
    }
    window.mermaid.initialize({
      startOnLoad: false,
      securityLevel: "strict",
      theme: "default",
      flowchart: { htmlLabels: true, useMaxWidth: true },
    });
    window.mermaid.run({ nodes: nodes }).catch(function (error) {
      console.error("servicekit: a diagram failed to render", error);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
