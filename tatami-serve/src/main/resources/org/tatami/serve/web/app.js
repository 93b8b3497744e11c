// The drawing page: draw (pointer events or keyboard) or upload a picture, see the model's probabilities
// as you draw, and every layer's feature maps. Pictures go to the server as PNG; the server prepares them
// MNIST-style (grey, white on black, cropped, 20x20, centred) exactly as `tatami predict` does.
"use strict";

const pad = document.getElementById("pad");
const ink = pad.getContext("2d");
const picker = document.getElementById("model");
const statusLine = document.getElementById("status");
const topOutput = document.getElementById("top");
const list = document.getElementById("probabilities");
const maps = document.getElementById("maps");
const layersBox = document.getElementById("layers");

let model = null;
let picture = null;        // what was classified last: the drawing as a PNG, or an uploaded file
let drawn = false;
let busy = false;          // a classification is on its way
let again = false;         // the drawing changed while it was

function blank() {
  ink.fillStyle = "#fff";
  ink.fillRect(0, 0, pad.width, pad.height);
}

function clearPad() {
  blank();
  ink.lineCap = "round";
  ink.lineJoin = "round";
  ink.lineWidth = 20;
  ink.strokeStyle = "#000";
  drawn = false;
  picture = null;
  showProbabilities(null);
  layersBox.textContent = "";
  statusLine.textContent = "Draw a digit.";
}

function setStatus(text) {
  statusLine.textContent = text;
}

// ---- models ----

async function loadModels() {
  const answer = await fetch("/api/models").then(r => r.json());
  picker.textContent = "";
  for (const m of answer.models) {
    const option = document.createElement("option");
    option.value = m.name;
    option.textContent = m.name + " (" + m.parameters.toLocaleString("en") + " parameters)"
        + (m.digits ? "" : " - takes no 28x28 pictures");
    option.disabled = !m.digits;
    picker.appendChild(option);
  }
  const wanted = new URLSearchParams(location.hash.slice(1)).get("model");
  const usable = answer.models.filter(m => m.digits).map(m => m.name);
  choose(usable.includes(wanted) ? wanted : usable[0] || null);
}

function choose(name) {
  model = name;
  if (name) {
    picker.value = name;
    document.getElementById("model-link").href = "/model.html?name=" + encodeURIComponent(name);
    history.replaceState(null, "", "#model=" + encodeURIComponent(name));
  } else {
    setStatus("No served model takes 28x28 pictures.");
  }
  refresh();
}

picker.addEventListener("change", () => choose(picker.value));

// ---- drawing with pointer events: mouse, finger or pen ----

let last = null;

function point(e) {
  const r = pad.getBoundingClientRect();
  return { x: (e.clientX - r.left) * pad.width / r.width, y: (e.clientY - r.top) * pad.height / r.height };
}

function stroke(from, to) {
  ink.beginPath();
  ink.moveTo(from.x, from.y);
  ink.lineTo(to.x, to.y);
  ink.stroke();
  drawn = true;
}

pad.addEventListener("pointerdown", e => {
  e.preventDefault();
  pad.setPointerCapture(e.pointerId);
  last = point(e);
  stroke(last, last);
});

pad.addEventListener("pointermove", e => {
  if (last === null) return;
  e.preventDefault();
  const p = point(e);
  stroke(last, p);
  last = p;
  changed();
});

function penUp() {
  if (last === null) return;
  last = null;
  changed();
}

pad.addEventListener("pointerup", penUp);
pad.addEventListener("pointercancel", penUp);

// ---- drawing with the keyboard ----

let cursor = { x: 140, y: 140 };
let penDown = false;

pad.addEventListener("keydown", e => {
  const step = e.shiftKey ? 4 : 14;
  const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
  if (e.key === " ") {
    penDown = !penDown;
    if (penDown) stroke(cursor, cursor);
    setStatus(penDown ? "Pen down: the arrow keys draw." : "Pen up: the arrow keys move without drawing.");
    changed();
  } else if (moves[e.key]) {
    const next = { x: Math.max(0, Math.min(pad.width, cursor.x + moves[e.key][0])),
                   y: Math.max(0, Math.min(pad.height, cursor.y + moves[e.key][1])) };
    if (penDown) stroke(cursor, next);
    cursor = next;
    if (penDown) changed();
  } else if (e.key === "Escape" || e.key === "Delete") {
    clearPad();
  } else {
    return;
  }
  e.preventDefault();
});

// ---- asking the model ----

function changed() {
  if (!drawn) return;
  if (busy) {
    again = true;
    return;
  }
  pad.toBlob(blob => {
    picture = blob;
    refresh();
  }, "image/png");
}

async function refresh() {
  if (!model || !picture) return;
  busy = true;
  again = false;
  try {
    const answer = await post(":classify?top=10", picture);
    showProbabilities(answer);
    if (maps.open) await showMaps();
  } catch (err) {
    setStatus(err.message);
  } finally {
    busy = false;
    if (again) changed();
  }
}

async function post(verb, body) {
  const type = body.type || "application/octet-stream";
  const r = await fetch("/v1/models/" + encodeURIComponent(model) + verb,
      { method: "POST", headers: { "Content-Type": type }, body });
  const answer = await r.json();
  if (!r.ok) throw new Error(answer.error || ("HTTP " + r.status));
  return answer;
}

function showProbabilities(answer) {
  list.textContent = "";
  if (answer === null || answer.empty) {
    topOutput.textContent = "\u2013";
    if (answer && answer.empty) setStatus("The picture is empty: draw a digit.");
    return;
  }
  const byClass = [...answer.predictions].sort((a, b) => a["class"] - b["class"]);
  const best = answer.predictions[0]["class"];
  topOutput.textContent = String(best);
  setStatus("");
  for (const p of byClass) {
    const li = document.createElement("li");
    li.className = p["class"] === best ? "best" : "";
    const percent = (100 * p.probability).toFixed(1) + "%";
    li.setAttribute("aria-label", p["class"] + ": " + percent);
    li.innerHTML = '<span class="digit"></span><span class="bar"><span></span></span><span class="value"></span>';
    li.querySelector(".digit").textContent = p["class"];
    li.querySelector(".bar span").style.width = (100 * p.probability) + "%";
    li.querySelector(".value").textContent = percent;
    list.appendChild(li);
  }
}

// ---- feature maps ----

maps.addEventListener("toggle", () => {
  if (maps.open) showMaps().catch(err => setStatus(err.message));
});

async function showMaps() {
  if (!model || !picture) {
    layersBox.textContent = "Draw a digit first.";
    return;
  }
  const answer = await post(":activations", picture);
  layersBox.textContent = "";
  for (const layer of answer.layers) {
    const box = document.createElement("div");
    box.className = "layer";
    const title = document.createElement("h3");
    title.innerHTML = "<b></b> <span></span>";
    title.querySelector("b").textContent = layer.name;
    title.querySelector("span").textContent = "(" + layer.class_name + ") output (None, " + layer.shape.join(", ") + ")";
    box.appendChild(title);
    const channels = document.createElement("div");
    channels.className = "channels";
    if (layer.shape.length === 3) {
      const [h, w, c] = layer.shape;
      for (let k = 0; k < c; k++) {
        channels.appendChild(plane(layer.data, h, w, c, k, layer.name + " channel " + k));
      }
    } else if (layer.shape.length === 1) {
      const v = plane(layer.data, 1, layer.shape[0], 1, 0, layer.name + ": " + layer.shape[0] + " values");
      v.classList.add("vector");
      channels.appendChild(v);
    }
    box.appendChild(channels);
    layersBox.appendChild(box);
  }
}

// One channel as grey pixels, its lowest value black and its highest white.
function plane(data, h, w, c, k, label) {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < h * w; i++) {
    const v = data[i * c + k];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const canvas = document.createElement("canvas");
  canvas.width = w;
  canvas.height = h;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  const g = canvas.getContext("2d");
  const image = g.createImageData(w, h);
  for (let i = 0; i < h * w; i++) {
    const grey = hi > lo ? Math.round(255 * (data[i * c + k] - lo) / (hi - lo)) : 0;
    image.data[4 * i] = image.data[4 * i + 1] = image.data[4 * i + 2] = grey;
    image.data[4 * i + 3] = 255;
  }
  g.putImageData(image, 0, 0);
  return canvas;
}

// ---- buttons ----

document.getElementById("clear").addEventListener("click", clearPad);

document.getElementById("upload").addEventListener("change", e => {
  const file = e.target.files[0];
  if (!file) return;
  const url = URL.createObjectURL(file);
  const img = new Image();
  img.onload = () => {
    blank();
    const s = Math.min(pad.width / img.width, pad.height / img.height);
    ink.drawImage(img, (pad.width - img.width * s) / 2, (pad.height - img.height * s) / 2, img.width * s, img.height * s);
    URL.revokeObjectURL(url);
  };
  img.onerror = () => URL.revokeObjectURL(url);
  img.src = url;
  picture = file;
  layersBox.textContent = "";
  setStatus("Uploaded " + file.name + ".");
  refresh();
  e.target.value = "";
});

clearPad();
loadModels().catch(err => setStatus("Cannot list the models: " + err.message));
