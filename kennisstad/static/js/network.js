/* The collaboration network, interactive: replaces the server's SVG with a cytoscape graph at
   the same positions. Without JavaScript (or when the data cannot be fetched) the SVG stays. */
(function () {
  "use strict";

  var container = document.getElementById("network-graph");
  if (!container || typeof window.cytoscape !== "function" || !window.fetch) {
    return;
  }

  var BRAND = "#123c69";
  var LIGHT = "#d4e5f7";
  var INK = "#1b1b1b";
  var FOCUS = "#ffbf47";

  var style = [
    {
      selector: "node",
      style: {
        width: "data(size)",
        height: "data(size)",
        shape: "ellipse",
        "background-color": LIGHT,
        "border-color": BRAND,
        "border-width": 1.5,
        "pie-size": "100%",
        "pie-1-background-color": BRAND,
        "pie-1-background-size": "data(trekkerShare)",
        "font-family": "DejaVu Sans, Verdana, sans-serif",
        "font-size": 11,
        color: INK,
        "text-valign": "bottom",
        "text-margin-y": 4,
        "text-outline-color": "#fff",
        "text-outline-width": 2,
      },
    },
    { selector: "node.labelled, node.highlight", style: { label: "data(label)" } },
    { selector: "node.label-above", style: { "text-valign": "top", "text-margin-y": -4 } },
    {
      selector: "node.verbinder",
      style: {
        shape: "diamond",
        width: function (node) { return node.data("size") * 1.55; },
        height: function (node) { return node.data("size") * 1.55; },
        "background-color": "#fff",
        "border-color": INK,
        "border-width": 2.5,
        "pie-size": "64%",
      },
    },
    {
      selector: "edge",
      style: {
        width: "data(width)",
        "curve-style": "straight",
        "line-color": "#4a4a4a",
        opacity: 0.5,
      },
    },
    { selector: "edge.partner", style: { "line-style": "dashed", "line-color": "#6b7785" } },
    { selector: ".faded", style: { opacity: 0.12 } },
    { selector: "edge.highlight", style: { opacity: 0.95, "line-color": BRAND, "z-index": 9 } },
    { selector: "node.highlight", style: { "z-index": 10 } },
    { selector: "node.selected", style: { "border-color": INK, "border-width": 4, "overlay-color": FOCUS, "overlay-opacity": 0.35, "overlay-padding": 4 } },
  ];

  fetch(container.getAttribute("data-src"), { headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    })
    .then(draw)
    .catch(function () { /* the server's SVG stays in place */ });

  function draw(data) {
    // cytoscape injects a <style> element, which the Content-Security-Policy blocks, unless an
    // element with this id exists; its one rule (position: relative) is in site.css instead.
    if (!document.getElementById("__________cytoscape_stylesheet")) {
      var marker = document.createElement("meta");
      marker.id = "__________cytoscape_stylesheet";
      document.head.appendChild(marker);
    }
    container.textContent = "";
    container.classList.add("is-interactive");
    container.setAttribute("role", "img");
    container.setAttribute("aria-label", container.getAttribute("data-label"));
    container.tabIndex = 0;

    var cy = window.cytoscape({
      container: container,
      elements: { nodes: data.nodes, edges: data.edges },
      layout: { name: "preset", fit: true, padding: 24 },
      style: style,
      minZoom: 0.3,
      maxZoom: 5,
      boxSelectionEnabled: false,
      autoungrabify: true,
    });

    function highlight(node) {
      cy.elements().removeClass("highlight selected").addClass("faded");
      node.closedNeighborhood().removeClass("faded").addClass("highlight");
      node.addClass("selected");
    }
    function clear() {
      cy.elements().removeClass("faded highlight selected");
    }

    cy.on("mouseover", "node", function (event) {
      highlight(event.target);
      container.style.cursor = "pointer";
    });
    cy.on("mouseout", "node", function () {
      clear();
      container.style.cursor = "";
    });
    cy.on("tap", "node", function (event) {
      window.location.href = event.target.data("url");
    });

    // Focus (or hover) on a link in the list or tables shows that organisation in the graph;
    // Enter on the link opens its page, as any link does.
    document.querySelectorAll("a[data-node]").forEach(function (link) {
      function show() {
        var node = cy.getElementById(link.getAttribute("data-node"));
        if (node.nonempty()) { highlight(node); }
      }
      link.addEventListener("focus", show);
      link.addEventListener("mouseenter", show);
      link.addEventListener("blur", clear);
      link.addEventListener("mouseleave", clear);
    });

    function zoomBy(factor) {
      cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
    }
    var actions = {
      "zoom-in": function () { zoomBy(1.25); },
      "zoom-out": function () { zoomBy(0.8); },
      fit: function () { cy.fit(undefined, 24); },
    };
    var toolbar = container.parentNode.querySelector(".network-toolbar");
    if (toolbar) {
      toolbar.hidden = false;
      toolbar.addEventListener("click", function (event) {
        var action = actions[event.target.getAttribute("data-network-action")];
        if (action) { action(); }
      });
    }
    // Keyboard on the focused graph: + and - zoom, 0 shows everything, arrows pan.
    container.addEventListener("keydown", function (event) {
      var pans = { ArrowLeft: [40, 0], ArrowRight: [-40, 0], ArrowUp: [0, 40], ArrowDown: [0, -40] };
      if (event.key === "+" || event.key === "=") { actions["zoom-in"](); }
      else if (event.key === "-") { actions["zoom-out"](); }
      else if (event.key === "0") { actions.fit(); }
      else if (pans[event.key]) { cy.panBy({ x: pans[event.key][0], y: pans[event.key][1] }); }
      else { return; }
      event.preventDefault();
    });

    cy.one("render", function () {
      container.setAttribute("data-ready", "true");
    });
  }
})();
