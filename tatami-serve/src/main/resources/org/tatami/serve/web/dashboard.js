// The live training page: Server-Sent Events from the training run (the run so far first, then each
// batch and epoch as fit reports them) drawn as a progress bar and per-epoch curves.
"use strict";

const state = document.getElementById("state");
const progress = document.getElementById("progress");
const progressLabel = document.getElementById("progress-label");
const figures = document.getElementById("figures");
const epochs = [];           // the logs of each finished epoch
let total = 0, steps = 0, current = 0;

function fmt(logs) {
  return Object.entries(logs).map(([k, v]) => k + ": " + (v === null ? "NaN" : v.toFixed(4))).join(" - ");
}

function chart(id, keys) {
  const svg = document.getElementById(id);
  const W = 420, H = 260, left = 48, right = 12, top = 12, bottom = 34;
  const values = keys.flatMap(k => epochs.map(e => e[k])).filter(v => typeof v === "number");
  let lo = Math.min(...values), hi = Math.max(...values);
  if (!values.length) { lo = 0; hi = 1; }
  if (hi === lo) { hi = lo + 1; }
  const n = Math.max(total, epochs.length, 2);
  const x = i => left + (W - left - right) * (i - 1) / (n - 1);
  const y = v => top + (H - top - bottom) * (1 - (v - lo) / (hi - lo));
  let out = '<rect x="' + left + '" y="' + top + '" width="' + (W - left - right) + '" height="' + (H - top - bottom)
      + '" fill="none" stroke="#ccc"/>';
  for (let t = 0; t <= 4; t++) {
    const v = lo + (hi - lo) * t / 4;
    out += '<text x="' + (left - 4) + '" y="' + (y(v) + 4) + '" font-size="11" text-anchor="end">' + v.toFixed(3) + "</text>";
  }
  out += '<text x="' + (W + left - right) / 2 + '" y="' + (H - 6) + '" font-size="12" text-anchor="middle">epoch</text>';
  out += '<text x="' + left + '" y="' + (H - bottom + 14) + '" font-size="11">1</text>';
  out += '<text x="' + (W - right) + '" y="' + (H - bottom + 14) + '" font-size="11" text-anchor="end">' + n + "</text>";
  const colours = ["#1f5fa8", "#d1495b"];
  keys.forEach((k, j) => {
    const pts = epochs.map((e, i) => [i + 1, e[k]]).filter(p => typeof p[1] === "number");
    if (pts.length) {
      out += '<polyline fill="none" stroke-width="2" stroke="' + colours[j] + '" points="'
          + pts.map(p => x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1)).join(" ") + '"/>';
      for (const p of pts) {
        out += '<circle class="point ' + k + '" r="3" fill="' + colours[j] + '" cx="' + x(p[0]).toFixed(1) + '" cy="'
            + y(p[1]).toFixed(1) + '"/>';
      }
    }
  });
  svg.innerHTML = out;
  svg.setAttribute("aria-label", id + " per epoch: " + keys.map(k => k + " "
      + epochs.map(e => typeof e[k] === "number" ? e[k].toFixed(4) : "-").join(", ")).join("; "));
}

function table() {
  const t = document.getElementById("history");
  const keys = Object.keys(epochs[0] || {});
  t.hidden = epochs.length === 0;
  t.tHead.rows[0].innerHTML = "<th scope=\"col\">epoch</th>" + keys.map(k => "<th scope=\"col\">" + k + "</th>").join("");
  t.tBodies[0].innerHTML = epochs.map((e, i) => "<tr><th scope=\"row\">" + (i + 1) + "</th>"
      + keys.map(k => "<td>" + (e[k] === null ? "NaN" : e[k].toFixed(4)) + "</td>").join("") + "</tr>").join("");
}

const events = new EventSource("/events");
events.onmessage = msg => {
  const e = JSON.parse(msg.data);
  switch (e.type) {
    case "title":
      document.getElementById("run").textContent = e.title;
      break;
    case "begin":
      total = e.epochs;
      steps = e.steps;
      state.textContent = "Training: " + e.epochs + " epochs of " + e.steps + " steps, " + e.samples.toLocaleString("en")
          + " samples.";
      chart("loss", ["loss", "val_loss"]);
      chart("accuracy", ["accuracy", "val_accuracy"]);
      break;
    case "epoch_begin":
      current = e.epoch;
      progressLabel.textContent = "Epoch " + e.epoch + "/" + total;
      progress.max = steps;
      progress.value = 0;
      break;
    case "batch":
      progressLabel.textContent = "Epoch " + e.epoch + "/" + total + ": step " + e.step + "/" + steps;
      progress.value = e.step;
      figures.textContent = fmt(e.logs);
      break;
    case "epoch":
      epochs[e.epoch - 1] = e.logs;
      figures.textContent = "Epoch " + e.epoch + ": " + fmt(e.logs);
      chart("loss", ["loss", "val_loss"]);
      chart("accuracy", ["accuracy", "val_accuracy"]);
      table();
      break;
    case "end":
      state.textContent = "Finished: " + epochs.length + " epoch(s).";
      events.close();
      break;
  }
};
events.onerror = () => {
  if (events.readyState === EventSource.CLOSED) return;
  state.textContent = "The training run is not answering (it may have finished).";
};
