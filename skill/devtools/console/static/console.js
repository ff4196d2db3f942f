// The Back Coach console: talks to /console/*, and is the device's AudioPlayer.
"use strict";

const $ = (id) => document.getElementById(id);
const RENDER_DOCUMENT = "Alexa.Presentation.APL.RenderDocument";

// What the skill is told the player is doing; the <audio> element does the playing.
const player = {
  el: $("player"),
  token: "",
  activity: "IDLE",
  queue: [], // [{token, url, offset}] in play order
  starting: false, // a Play was carried out, PlaybackStarted not sent yet
  nearlySent: false,
};
const speech = { el: $("speech-audio"), generation: 0, skip: null };
let state = { voice: { available: false, note: "" }, audio_player: true, profile: "speaker" };
// Requests go one at a time and in order, as the device sends them.
let chain = Promise.resolve();

function queued(task) {
  const run = chain.then(task);
  chain = run.catch(() => {});
  return run;
}

async function post(path, body) {
  const reply = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const data = await reply.json();
  if (!reply.ok) throw new Error(data.error || reply.statusText);
  return data;
}

function showError(error) {
  $("error").textContent = String(error.message || error);
  $("error").hidden = false;
}

function offsetMs() {
  return player.token ? Math.round(player.el.currentTime * 1000) : 0;
}

// context.AudioPlayer as the page would report it right now.
function context() {
  return { activity: player.activity, token: player.token, offset_ms: offsetMs() };
}

// ---- the timeline -------------------------------------------------------------------------

function summary(turn) {
  const bits = turn.label === turn.type ? [] : [turn.intent];
  for (const d of turn.directives) bits.push(d.type + (d.playBehavior ? " " + d.playBehavior : ""));
  if (!bits.length) bits.push("no directives");
  if (turn.problems.length) bits.push(turn.problems.length + " problem(s)");
  return bits.join(" · ");
}

function addTimeline(turn) {
  const entry = document.createElement("details");
  entry.className = "entry" + (turn.problems.length ? " bad" : "");
  entry.dataset.type = turn.type;
  entry.dataset.directives = turn.directives
    .map((d) => d.type + (d.playBehavior ? ":" + d.playBehavior : ""))
    .join(" ");
  const head = document.createElement("summary");
  const time = new Date().toLocaleTimeString();
  head.textContent = `${time}  ${turn.label}  →  ${summary(turn)}`;
  entry.append(head);
  for (const problem of turn.problems) {
    const p = document.createElement("div");
    p.className = "problem";
    p.textContent = problem;
    entry.append(p);
  }
  for (const [name, data] of [["request", turn.request], ["response", turn.response]]) {
    const pre = document.createElement("pre");
    pre.textContent = name + "\n" + JSON.stringify(data, null, 2);
    entry.append(pre);
  }
  $("timeline").append(entry);
  entry.scrollIntoView({ block: "nearest" });
}

function addNote(text, bad) {
  const note = document.createElement("div");
  note.className = "timeline-note" + (bad ? " bad" : "");
  note.textContent = text;
  $("timeline").append(note);
}

// ---- the last turn ------------------------------------------------------------------------

function showTurn(turn) {
  $("error").hidden = true;
  const slots = Object.entries(turn.slots)
    .map(([name, s]) => `${name}=${JSON.stringify(s.value)} → ${s.resolved}`)
    .join(", ");
  $("intent").textContent = turn.intent + (slots ? "  " + slots : "");
  $("speech-text").textContent = turn.speech || "(none)";
  $("card").textContent = turn.card ? `${turn.card.title || ""}\n${turn.card.text || turn.card.content || ""}` : "-";
  $("directives").textContent =
    turn.directives.map((d) => d.type + (d.playBehavior ? " " + d.playBehavior : "")).join("\n") || "-";
  $("session").textContent = turn.ends_session === null ? "-" : turn.ends_session ? "ends" : "stays open";
  const problems = $("problems");
  problems.replaceChildren();
  for (const problem of turn.problems) {
    const li = document.createElement("li");
    li.textContent = "INVALID RESPONSE: " + problem;
    problems.append(li);
  }
  showScreen(turn);
}

function showScreen(turn) {
  const documents = turn.directives.filter((d) => d.type === RENDER_DOCUMENT);
  if (!documents.length) return;
  const box = $("screen-preview");
  $("screen").hidden = false;
  if (turn.screens === null) {
    // No previewer installed: the directive itself.
    const pre = document.createElement("pre");
    pre.textContent = JSON.stringify(documents, null, 2);
    box.replaceChildren(pre);
  } else {
    // Each preview in its own frame: its page styles stay out of the console's.
    box.replaceChildren(...turn.screens.map(screenFrame));
    fitScreens();
  }
}

const SCREEN_PX = { width: 1280, height: 830 }; // an Echo Show 8 and the preview's label

function screenFrame(html) {
  const holder = document.createElement("div");
  holder.className = "screen-holder";
  const frame = document.createElement("iframe");
  frame.className = "screen-frame";
  frame.sandbox = ""; // no scripts: the preview is HTML and CSS
  frame.title = "Screen preview";
  frame.srcdoc = html;
  holder.append(frame);
  return holder;
}

// Scale the full-size screens down to the panel's width.
function fitScreens() {
  for (const holder of document.querySelectorAll(".screen-holder")) {
    const scale = Math.min(1, holder.clientWidth / SCREEN_PX.width);
    holder.style.height = SCREEN_PX.height * scale + "px";
    holder.firstChild.style.transform = `scale(${scale})`;
  }
}
window.addEventListener("resize", fitScreens);

// ---- speech: the turn's text and clips, in order ------------------------------------------

function playOnce(el, src) {
  return new Promise((resolve) => {
    const done = () => {
      el.onended = el.onerror = null;
      speech.skip = null;
      resolve();
    };
    el.onended = done;
    el.onerror = () => {
      addNote(`could not play ${src}`, true);
      done();
    };
    speech.skip = () => {
      el.pause();
      done();
    };
    el.src = src;
    el.play().catch(() => {}); // a refused autoplay shows in the element; the text is on screen
  });
}

async function speak(parts) {
  const generation = ++speech.generation;
  if (!$("sound").checked) return;
  const ducked = player.activity === "PLAYING";
  if (ducked) player.el.volume = 0.3; // an Echo lowers its music while it speaks
  try {
    for (const part of parts) {
      if (generation !== speech.generation) return;
      if (part.audio) await playOnce(speech.el, part.audio);
      else if (state.voice.available) {
        await playOnce(speech.el, "/console/tts?text=" + encodeURIComponent(part.text));
      }
    }
  } finally {
    if (ducked) player.el.volume = 1;
  }
}

function stopSpeech() {
  speech.generation++;
  if (speech.skip) speech.skip();
}

// ---- the AudioPlayer ----------------------------------------------------------------------

function sendEvent(type) {
  const body = { type, token: player.token, offset_ms: offsetMs(), player: context() };
  return queued(async () => {
    const turn = await post("/console/event", body);
    addTimeline(turn);
    carryOut(turn.directives);
    return turn;
  }).catch(showError);
}

function renderPlayer() {
  const where = player.token ? ` ${player.token} at ${(offsetMs() / 1000).toFixed(1)} s` : "";
  $("now-playing").textContent = player.activity + where;
  const list = $("queue");
  list.replaceChildren();
  for (const item of player.queue) {
    const li = document.createElement("li");
    li.textContent = item.token;
    list.append(li);
  }
}

function start(item) {
  const el = player.el;
  player.token = item.token;
  player.starting = true;
  player.nearlySent = false;
  showTrack(item.metadata);
  el.src = item.url;
  el.addEventListener(
    "loadedmetadata",
    () => {
      el.currentTime = item.offset / 1000;
      el.play().catch((error) => addNote(`the browser refused to play: ${error}`, true));
    },
    { once: true },
  );
  el.load();
  renderPlayer();
}

// What a screen device shows while a track plays (audioItem.metadata), if the skill sent it.
function showTrack(metadata) {
  const box = $("track");
  box.replaceChildren();
  box.hidden = !metadata;
  if (!metadata) return;
  const art = metadata.art && metadata.art.sources && metadata.art.sources[0];
  if (art) {
    const img = document.createElement("img");
    img.src = art.url;
    img.alt = "track art";
    box.append(img);
  }
  const text = document.createElement("div");
  text.innerHTML = "<strong></strong><br><span></span>";
  text.querySelector("strong").textContent = metadata.title || "";
  text.querySelector("span").textContent = metadata.subtitle || "";
  box.append(text);
}

function stop() {
  if (player.activity !== "PLAYING" && !player.starting) return;
  player.el.pause();
  player.starting = false;
  player.activity = "STOPPED";
  sendEvent("AudioPlayer.PlaybackStopped");
  renderPlayer();
}

function play(directive) {
  const stream = directive.audioItem.stream;
  const item = {
    token: stream.token,
    url: stream.url,
    offset: stream.offsetInMilliseconds || 0,
    metadata: directive.audioItem.metadata || null,
  };
  const behavior = directive.playBehavior;
  if (behavior === "ENQUEUE") {
    // Alexa queues it only after the stream it names; anything else is dropped.
    const last = player.queue.length ? player.queue[player.queue.length - 1].token : player.token;
    if (stream.expectedPreviousToken !== last) {
      addNote(`ENQUEUE ignored: expectedPreviousToken ${stream.expectedPreviousToken} is not ${last}`, true);
      return;
    }
    player.queue.push(item);
    renderPlayer();
    return;
  }
  if (behavior === "REPLACE_ENQUEUED" && player.activity === "PLAYING") {
    player.queue = [item];
    renderPlayer();
    return;
  }
  stop();
  player.queue = [];
  start(item);
}

// Carry out AudioPlayer directives; `only` picks some of them (the rest wait for the speech).
function carryOut(directives, only) {
  for (const d of directives) {
    if (only && !only(d)) continue;
    if (d.type === "AudioPlayer.Play") play(d);
    else if (d.type === "AudioPlayer.Stop") stop();
    else if (d.type === "AudioPlayer.ClearQueue") {
      player.queue = [];
      if (d.clearBehavior === "CLEAR_ALL") stop();
      renderPlayer();
    }
  }
}

player.el.addEventListener("playing", () => {
  if (!player.starting) return;
  player.starting = false;
  player.activity = "PLAYING";
  renderPlayer();
  sendEvent("AudioPlayer.PlaybackStarted");
  if (!player.nearlySent) {
    player.nearlySent = true;
    sendEvent("AudioPlayer.PlaybackNearlyFinished");
  }
});

player.el.addEventListener("ended", () => {
  player.activity = "FINISHED";
  sendEvent("AudioPlayer.PlaybackFinished");
  const next = player.queue.shift();
  if (next) start(next);
  renderPlayer();
});

player.el.addEventListener("error", () => {
  if (!player.token) return;
  sendEvent("AudioPlayer.PlaybackFailed");
  player.activity = "STOPPED";
  renderPlayer();
});

player.el.addEventListener("timeupdate", renderPlayer);

// The device's own buttons go to the skill, which answers with directives.
for (const [id, type] of [
  ["play-btn", "PlaybackController.PlayCommandIssued"],
  ["pause-btn", "PlaybackController.PauseCommandIssued"],
  ["next-btn", "PlaybackController.NextCommandIssued"],
  ["prev-btn", "PlaybackController.PreviousCommandIssued"],
]) {
  $(id).addEventListener("click", () => sendEvent(type));
}

// ---- talking ------------------------------------------------------------------------------

const AT_ONCE = (d) => d.type === "AudioPlayer.Stop" || d.type === "AudioPlayer.ClearQueue";

async function say(text) {
  stopSpeech();
  const body = { text, player: context() };
  let turn;
  try {
    turn = await queued(() => post("/console/say", body));
  } catch (error) {
    showError(error);
    return;
  }
  showTurn(turn);
  addTimeline(turn);
  // Speaking to the device stops its music at once; new music starts after the answer.
  carryOut(turn.directives, AT_ONCE);
  await speak(turn.parts);
  carryOut(turn.directives, (d) => !AT_ONCE(d));
}

$("say-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("utterance").value.trim();
  if (text) say(text);
  $("utterance").select();
});

$("skip-speech").addEventListener("click", () => {
  if (speech.skip) speech.skip();
});

const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
if (Recognition) {
  $("mic").hidden = false;
  $("mic").addEventListener("click", () => {
    const recognizer = new Recognition();
    recognizer.lang = "en-US";
    recognizer.onresult = (event) => {
      const heard = event.results[0][0].transcript;
      $("utterance").value = heard;
      say(heard);
    };
    recognizer.onerror = (event) => showError("speech recognition: " + event.error);
    recognizer.start();
  });
}

// ---- device, person, reset ----------------------------------------------------------------

function showState(described) {
  state = { ...state, ...described };
  const select = $("device");
  if (!select.options.length) {
    for (const [name, label] of Object.entries(state.profiles)) select.add(new Option(label, name));
  }
  select.value = state.profile;
  $("user").value = state.user_id;
  $("no-player").hidden = state.audio_player;
  $("device-player").classList.toggle("off", !state.audio_player);
  if (state.profile !== "echo-show") $("screen").hidden = true;
}

async function reset(change) {
  stopSpeech();
  // A new device or person: the old stream is dropped without telling the skill.
  player.el.pause();
  player.el.removeAttribute("src");
  Object.assign(player, { token: "", activity: "IDLE", queue: [], starting: false });
  renderPlayer();
  try {
    const described = await queued(() => post("/console/reset", change));
    showState(described);
    addNote(`reset: ${described.profile}, user ${described.user_id}`);
  } catch (error) {
    showError(error);
  }
}

$("device").addEventListener("change", () => reset({ profile: $("device").value }));
$("user-apply").addEventListener("click", () => reset({ user_id: $("user").value }));
$("reset").addEventListener("click", () => reset({}));

fetch("/console/state")
  .then((reply) => reply.json())
  .then((described) => {
    showState(described);
    if (!state.voice.available) {
      $("voice-note").textContent = state.voice.note;
      $("voice-note").hidden = false;
    }
    document.body.dataset.ready = "true";
  })
  .catch(showError);
