// A model's page: what it is, how to ask it, its summary and diagram, and its run folder's training report.
"use strict";

(async function () {
  const name = new URLSearchParams(location.search).get("name");
  const base = "/api/models/" + encodeURIComponent(name || "");
  const r = await fetch(base);
  const m = await r.json();
  if (!r.ok) {
    document.getElementById("title").textContent = m.error;
    return;
  }
  document.title = "tatami: " + m.name;
  document.getElementById("title").textContent = "Model " + m.name;
  document.getElementById("draw-link").href = "/#model=" + encodeURIComponent(m.name);
  const facts = document.getElementById("facts");
  const shape = s => "(" + s.map(d => d < 0 ? "None" : d).join(", ") + ")";
  for (const [k, v] of [["file", m.file], ["version", m.version], ["parameters", m.parameters.toLocaleString("en")],
                        ["input", shape(m.input_shape)], ["output", shape(m.output_shape)],
                        ["loaded in", (1000 * m.load_seconds).toFixed(0) + " ms"]]) {
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.textContent = v;
    facts.append(dt, dd);
  }
  const origin = location.origin;
  document.getElementById("curl").textContent =
      "curl " + origin + "/v1/models/" + m.name + "/metadata\n"
      + "curl -X POST " + origin + "/v1/models/" + m.name + ":predict -d '{\"instances\": [...]}'\n"
      + "curl -X POST " + origin + "/v2/models/" + m.name + "/infer -d '{\"inputs\": [{\"name\": ..., \"shape\": "
      + "[1, ...], \"datatype\": \"FP32\", \"data\": [...]}]}'\n"
      + (m.digits ? "curl -X POST " + origin + "/v1/models/" + m.name + ":classify -H 'Content-Type: image/png'"
          + " --data-binary @digit.png\n" : "");
  document.getElementById("summary").textContent = m.summary;
  const diagram = document.getElementById("diagram");
  diagram.alt = "Diagram of model " + m.name + ": its layers and their output shapes";
  diagram.src = base + "/diagram.svg";
  if (m.run_folder) {
    document.getElementById("report-section").hidden = false;
    const report = base + "/run/report.html";
    document.getElementById("report-link").href = report;
    document.getElementById("report").src = report;
  }
})();
