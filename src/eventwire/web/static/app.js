/* eventwire dashboard: one script for every view, over the JSON API at /api.
 *
 * The filter bar's state lives in the URL's query string (so every view is a link one can share) and
 * is sent to the API as is: the same filters as `eventwire query`. Views: overview (/), timeline, map,
 * network, events, and one event (/event/<id>). Text from the database is always set as text, never as
 * HTML. When a view has drawn everything, <main> gets data-state="ready" (the browser tests wait on it).
 */
(function () {
  "use strict";

  const FILTERS = ["since", "until", "actor", "country", "type", "quad", "modality", "place", "text", "bbox"];
  const QUAD_NAMES = { 1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict" };
  const QUAD_COLORS = { 1: "#7fbf7b", 2: "#1b7837", 3: "#f4a582", 4: "#b2182b" };
  const TYPE_SHADES = {
    1: ["#a6d96a", "#66bd63", "#d9ef8b", "#1a9850", "#c2e699"],
    2: ["#35978f", "#01665e", "#80cdc1", "#5ab4ac"],
    3: ["#fdae61", "#f46d43", "#fee08b", "#e08214", "#fdd49e"],
    4: ["#d73027", "#a50026", "#762a83", "#c51b7d", "#7f3b08", "#e7298a"],
  };
  const SPAN_NAMES = { trigger: "trigger", actor: "actor", recipient: "recipient", source: "source", place: "place", date: "date" };
  const fmt = (n) => (n == null ? "" : Number(n).toLocaleString("en-US"));
  const fmt1 = (x) => (x == null ? "" : (Math.round(x * 10) / 10).toFixed(1));

  const state = { info: null, cleanup: [], typeColor: null };
  const main = document.getElementById("view");
  const form = document.getElementById("filters");
  const message = document.getElementById("message");

  // --- libraries: loaded after the first paint, the map's only for views with a map --------------------

  const loaded = new Map();
  function script(src) {
    if (!loaded.has(src)) {
      loaded.set(
        src,
        new Promise((resolve, reject) => {
          const s = document.createElement("script");
          s.src = src;
          s.onload = resolve;
          s.onerror = () => reject(new Error(`cannot load ${src}`));
          document.head.append(s);
        })
      );
    }
    return loaded.get(src);
  }
  const V = "/static/vendor";
  const needD3 = () => script(`${V}/d3/d3.min.js`);
  const needMap = () =>
    Promise.all([
      script(`${V}/leaflet/leaflet.js`).then(() => script(`${V}/leaflet.markercluster/leaflet.markercluster.js`)),
      script(`${V}/topojson-client/topojson-client.min.js`),
    ]);

  // --- small helpers -----------------------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (k === "dataset") Object.assign(node.dataset, v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c == null || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function safeUrl(u) {
    return typeof u === "string" && /^https?:\/\//i.test(u) ? u : null;
  }

  function filters() {
    const q = new URLSearchParams(location.search);
    const out = new URLSearchParams();
    for (const k of FILTERS) for (const v of q.getAll(k)) if (v !== "") out.append(k, v);
    return out;
  }

  function withFilters(extra) {
    const p = filters();
    for (const [k, v] of Object.entries(extra || {})) if (v != null && v !== "") p.set(k, v);
    return p;
  }

  function link(path, extra) {
    const p = withFilters(extra);
    const s = p.toString();
    return s ? `${path}?${s}` : path;
  }

  async function api(path, params) {
    const url = params && params.toString() ? `${path}?${params}` : path;
    const r = await fetch(url, { headers: { Accept: "application/json" } });
    let body = null;
    try {
      body = await r.json();
    } catch (e) {
      body = null;
    }
    if (!r.ok) throw new Error((body && body.message) || `${r.status} ${r.statusText}`);
    return body;
  }

  function showMessage(text) {
    message.textContent = text;
    message.hidden = !text;
  }

  const tip = el("div", { class: "tip", hidden: true });
  document.body.append(tip);
  function showTip(ev, lines) {
    tip.replaceChildren(...lines.map((l, i) => (i ? [el("br"), l] : [l])).flat());
    tip.hidden = false;
    tip.style.left = `${Math.min(ev.clientX + 12, window.innerWidth - 330)}px`;
    tip.style.top = `${ev.clientY + 12}px`;
  }
  function hideTip() {
    tip.hidden = true;
  }

  function goldsteinColor() {
    return d3.scaleDiverging(d3.interpolateRdBu).domain([-10, 0, 10]);
  }

  function typeColors(vocab) {
    const colors = {};
    const used = { 1: 0, 2: 0, 3: 0, 4: 0 };
    for (const t of vocab.plover_types) {
      const shades = TYPE_SHADES[t.quad_class] || ["#999"];
      colors[t.name] = shades[used[t.quad_class]++ % shades.length];
    }
    colors["null"] = "#bdbdbd";
    return colors;
  }

  function keyLabel(by, key) {
    if (by === "quad_class") return `${key} ${QUAD_NAMES[key] || ""}`.trim();
    if (key == null) return by === "event" ? "statement (CAMEO 01, no PLOVER type)" : "none";
    return String(key);
  }

  function keyColor(by, key, i) {
    if (by === "quad_class") return QUAD_COLORS[key] || "#999";
    if (by === "event") return state.typeColor[String(key)] || "#999";
    return d3.schemeTableau10[i % 10];
  }

  // --- the filter bar ----------------------------------------------------------------------------------

  function fillForm() {
    const q = filters();
    for (const name of ["since", "until", "actor", "country", "type", "modality", "text", "bbox"]) {
      form.elements[name].value = q.getAll(name).join(",");
    }
    form.elements.place.value = q.getAll("place").join(", ");
    const quads = new Set(q.getAll("quad").flatMap((v) => v.split(",")));
    for (const box of form.querySelectorAll('input[name="quad"]')) box.checked = quads.has(box.value);
    document.getElementById("bbox-note").hidden = !q.get("bbox");
  }

  function formQuery() {
    const p = new URLSearchParams();
    const val = (n) => (form.elements[n].value || "").trim();
    for (const n of ["since", "until", "actor", "country", "type", "modality", "text", "bbox"]) if (val(n)) p.set(n, val(n));
    for (const part of val("place").split(",")) if (part.trim()) p.append("place", part.trim());
    const quads = [...form.querySelectorAll('input[name="quad"]:checked')].map((b) => b.value);
    if (quads.length) p.set("quad", quads.join(","));
    // keep the view's own options (period, stack, ...)
    const current = new URLSearchParams(location.search);
    for (const [k, v] of current) if (!FILTERS.includes(k) && k !== "cursor") p.append(k, v);
    return p;
  }

  function navigate(path, params) {
    const s = params.toString();
    history.pushState(null, "", s ? `${path}?${s}` : path);
    render();
  }

  function setFilter(changes, path) {
    const p = new URLSearchParams(location.search);
    for (const [k, v] of Object.entries(changes)) {
      p.delete(k);
      if (v != null && v !== "") p.set(k, v);
    }
    p.delete("cursor");
    navigate(path || location.pathname, p);
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    navigate(location.pathname.startsWith("/event/") ? "/events" : location.pathname, formQuery());
  });
  document.getElementById("clear").addEventListener("click", () => {
    const keep = new URLSearchParams();
    for (const [k, v] of new URLSearchParams(location.search)) if (!FILTERS.includes(k) && k !== "cursor") keep.append(k, v);
    navigate(location.pathname.startsWith("/event/") ? "/events" : location.pathname, keep);
  });
  document.getElementById("bbox-clear").addEventListener("click", () => setFilter({ bbox: null }));
  document.getElementById("download").addEventListener("change", (ev) => {
    const format = ev.target.value;
    ev.target.value = "";
    if (format) location.href = `/api/export?${withFilters({ format })}`;
  });
  window.addEventListener("popstate", render);

  async function loadSuggestions() {
    const fill = (id, values) =>
      document.getElementById(id).replaceChildren(...values.map((v) => el("option", { value: v.value, label: v.label })));
    const vocab = state.info.vocab;
    fill("dl-type", [
      ...vocab.plover_types.map((t) => ({ value: t.name, label: `quad ${t.quad_class}` })),
      ...vocab.cameo_roots.map((c) => ({ value: c.code, label: c.description })),
    ]);
    const sel = form.elements.modality;
    sel.replaceChildren(el("option", { value: "", text: "any" }), ...vocab.modalities.map((m) => el("option", { value: m, text: m })));
    try {
      const [actors, countries] = await Promise.all([
        api("/api/breakdown", new URLSearchParams({ by: "actor_code", limit: "300" })),
        api("/api/breakdown", new URLSearchParams({ by: "actor_country", limit: "300" })),
      ]);
      fill("dl-actor", actors.rows.filter((r) => r.key).map((r) => ({ value: r.key, label: `${fmt(r.n)} events` })));
      fill("dl-country", countries.rows.filter((r) => r.key).map((r) => ({ value: r.key, label: `${fmt(r.n)} events` })));
    } catch (e) {
      /* suggestions are a convenience */
    }
    fillForm();
  }

  // --- timeline ----------------------------------------------------------------------------------------

  function autoPeriod() {
    const q = filters();
    const first = q.get("since") || (state.info.dates && state.info.dates.first);
    const last = q.get("until") || (state.info.dates && state.info.dates.last);
    if (!first || !last) return "day";
    const days = (Date.parse(last) - Date.parse(first)) / 864e5;
    return days <= 120 ? "day" : days <= 1100 ? "week" : "month";
  }

  function nextPeriod(d, period) {
    const n = new Date(d.getTime());
    if (period === "day") n.setUTCDate(n.getUTCDate() + 1);
    else if (period === "week") n.setUTCDate(n.getUTCDate() + 7);
    else if (period === "month") n.setUTCMonth(n.getUTCMonth() + 1);
    else n.setUTCFullYear(n.getUTCFullYear() + 1);
    return n;
  }

  async function timelineCard(container, { period, by, height, compact }) {
    const params = withFilters({ period, by: by === "none" ? null : by });
    const data = await api("/api/counts", params);
    const rows = data.rows;
    const total = d3.sum(rows, (r) => r.n);
    const card = el("div", { class: "card" });
    const title = el("h2", {}, "Events over time ", el("span", { class: "sub", id: "timeline-total", text: `${fmt(total)} merged events, by ${period}` }));
    if (compact) title.append(el("a", { href: link("/timeline"), text: "open timeline →" }));
    card.append(title);
    container.append(card);
    if (!rows.length) {
      card.append(el("p", { class: "empty", text: "No dated events match these filters." }));
      return;
    }
    const keyOf = (r) => String(r.key);
    const keyTotals = d3.rollup(rows, (v) => d3.sum(v, (r) => r.n), keyOf);
    let keys = [...keyTotals.keys()];
    if (by === "quad_class") keys.sort((a, b) => Number(a) - Number(b));
    else keys.sort((a, b) => keyTotals.get(b) - keyTotals.get(a));
    const colorOf = new Map(keys.map((k, i) => [k, keyColor(by, k === "null" ? null : by === "quad_class" ? Number(k) : k, i)]));
    const byPeriod = d3.group(rows, (r) => r.period);
    const periods = [...byPeriod.keys()].sort();
    const table = periods.map((p) => {
      const o = { period: p, date: new Date(`${p}T00:00:00Z`) };
      for (const k of keys) o[k] = 0;
      for (const r of byPeriod.get(p)) o[keyOf(r)] = r.n;
      return o;
    });
    const series = d3.stack().keys(keys)(table);
    const width = Math.max(320, card.clientWidth - 28);
    const margin = { top: 8, right: 10, bottom: 24, left: 40 };
    const x = d3
      .scaleUtc()
      .domain([table[0].date, nextPeriod(table[table.length - 1].date, period)])
      .range([margin.left, width - margin.right]);
    const y = d3
      .scaleLinear()
      .domain([0, d3.max(series, (s) => d3.max(s, (d) => d[1])) || 1])
      .nice()
      .range([height - margin.bottom, margin.top]);
    const svg = d3
      .select(card)
      .append("svg")
      .attr("class", "ew-timeline")
      .attr("width", width)
      .attr("height", height)
      .attr("data-total", total)
      .attr("data-period", period)
      .attr("data-by", by);
    svg.append("g").attr("class", "axis").attr("transform", `translate(0,${height - margin.bottom})`).call(d3.axisBottom(x).ticks(Math.max(2, Math.floor(width / 110))));
    svg.append("g").attr("class", "axis").attr("transform", `translate(${margin.left},0)`).call(d3.axisLeft(y).ticks(5).tickFormat(d3.format("~s")));
    const barWidth = (d) => Math.max(1, x(nextPeriod(d.data.date, period)) - x(d.data.date) - 1);
    svg
      .append("g")
      .selectAll("g")
      .data(series)
      .join("g")
      .attr("fill", (s) => colorOf.get(s.key))
      .selectAll("rect")
      .data((s) => s.map((d) => Object.assign(d, { key: s.key })).filter((d) => d[1] > d[0]))
      .join("rect")
      .attr("class", "ew-bar")
      .attr("x", (d) => x(d.data.date))
      .attr("y", (d) => y(d[1]))
      .attr("height", (d) => y(d[0]) - y(d[1]))
      .attr("width", barWidth)
      .attr("data-period", (d) => d.data.period)
      .attr("data-key", (d) => d.key)
      .attr("data-n", (d) => d[1] - d[0])
      .style("cursor", "pointer")
      .on("mousemove", (ev, d) =>
        showTip(ev, [`${d.data.period} (${period})`, `${keyLabel(by, d.key === "null" ? null : d.key)}: ${fmt(d[1] - d[0])}`, "click: list these events"])
      )
      .on("mouseleave", hideTip)
      .on("click", (ev, d) => {
        hideTip();
        const last = nextPeriod(d.data.date, period);
        last.setUTCDate(last.getUTCDate() - 1);
        const changes = { since: d.data.period, until: last.toISOString().slice(0, 10) };
        if (by === "quad_class") changes.quad = d.key;
        else if (by === "event" && d.key !== "null") changes.type = d.key;
        else if (by === "modality") changes.modality = d.key;
        setFilter(changes, "/events");
      });
    const legend = el("div", { class: "legend" });
    for (const k of keys) {
      legend.append(
        el("span", { dataset: { key: k } }, el("i", { style: `background:${colorOf.get(k)}` }), `${keyLabel(by, k === "null" ? null : k)} (${fmt(keyTotals.get(k))})`)
      );
    }
    if (by !== "none") card.append(legend);
  }

  function barsCard(title, rows, label, color) {
    const card = el("div", { class: "card bars" }, el("h2", { text: title }));
    const max = d3.max(rows, (r) => r.n) || 1;
    for (const r of rows) {
      card.append(
        el(
          "div",
          { class: "row", dataset: { key: String(r.key), n: String(r.n) } },
          el("span", { text: label(r.key) }),
          el("div", { class: "bar", style: `width:${(100 * r.n) / max}%;background:${color(r.key)}` }),
          el("span", { text: fmt(r.n) })
        )
      );
    }
    if (!rows.length) card.append(el("p", { class: "empty", text: "No events." }));
    return card;
  }

  async function viewTimeline() {
    const q = new URLSearchParams(location.search);
    const period = q.get("period") || autoPeriod();
    const by = q.get("stack") || "quad_class";
    const controls = el(
      "div",
      { class: "controls" },
      el("label", {}, "Period ", selectOf("period", ["day", "week", "month", "year"], period)),
      el("label", {}, "Stack by ", selectOf("stack", [["quad_class", "quad class"], ["event", "PLOVER type"], ["modality", "modality"], ["none", "nothing"]], by))
    );
    main.append(controls);
    await timelineCard(main, { period, by, height: 340 });
    const grid = el("div", { class: "grid", style: "margin-top:14px;grid-template-columns:repeat(3,minmax(0,1fr))" });
    main.append(grid);
    const [types, quads, gold] = await Promise.all([
      api("/api/breakdown", withFilters({ by: "event", limit: "40" })),
      api("/api/breakdown", withFilters({ by: "quad_class" })),
      api("/api/breakdown", withFilters({ by: "goldstein", limit: "21" })),
    ]);
    grid.append(
      barsCard("By PLOVER type", types.rows, (k) => k || "statement (CAMEO 01)", (k) => state.typeColor[String(k)] || "#999"),
      barsCard("By quad class", quads.rows.sort((a, b) => a.key - b.key), (k) => `${k} ${QUAD_NAMES[k] || ""}`, (k) => QUAD_COLORS[k]),
      barsCard("By Goldstein score", gold.rows.sort((a, b) => a.key - b.key), (k) => `${k} to ${k + 1}`, (k) => goldsteinColor()(k + 0.5))
    );
  }

  function selectOf(name, options, value) {
    const sel = el("select", { name, onchange: (ev) => setFilter({ [name]: ev.target.value }) });
    for (const o of options) {
      const [v, label] = Array.isArray(o) ? o : [o, o];
      sel.append(el("option", { value: v, text: label, selected: v === value }));
    }
    return sel;
  }

  // --- map ---------------------------------------------------------------------------------------------

  let basemaps = null;
  async function basemap(scale) {
    basemaps = basemaps || {};
    if (!basemaps[scale]) {
      basemaps[scale] = fetch(`/static/vendor/world-atlas/countries-${scale}.json`)
        .then((r) => r.json())
        .then((topo) => topojson.feature(topo, topo.objects.countries));
    }
    return basemaps[scale];
  }

  function placeIcon(n, goldstein, cls) {
    const size = Math.round(Math.min(54, 18 + Math.sqrt(n) * 5));
    const div = el("div", { class: cls, dataset: { n: String(n) }, text: fmt(n) });
    div.style.background = goldsteinColor()(goldstein == null ? 0 : goldstein);
    div.style.color = Math.abs(goldstein || 0) > 4 ? "#fff" : "#1d2430";
    return L.divIcon({ html: div, className: "ew-pin-icon", iconSize: [size, size] });
  }

  async function mapCard(container, { big, compact }) {
    const card = el("div", { class: "card" });
    const title = el("h2", {}, "Where ", el("span", { class: "sub", id: "map-total" }));
    if (compact) title.append(el("a", { href: link("/map"), text: "open map →" }));
    card.append(title);
    const div = el("div", { class: big ? "map big" : "map" });
    card.append(div);
    container.append(card);
    const [world, places] = await Promise.all([basemap("110m"), api("/api/places", withFilters({}))]);
    const map = L.map(div, { worldCopyJump: true, zoomSnap: 0.5, minZoom: 1, maxZoom: 12, attributionControl: true });
    state.cleanup.push(() => map.remove());
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Natural Earth (public domain)");
    const style = { color: "#9aa8b8", weight: 0.6, fillColor: "#f4f2ec", fillOpacity: 1 };
    let countries = L.geoJSON(world, { style, interactive: false }).addTo(map);
    let detailed = false;
    map.on("zoomend", async () => {
      if (detailed || map.getZoom() < 4) return;
      detailed = true;
      const finer = await basemap("50m");
      const layer = L.geoJSON(finer, { style, interactive: false });
      map.removeLayer(countries);
      countries = layer.addTo(map);
      countries.bringToBack();
    });
    const group = L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 45,
      chunkedLoading: places.features.length > 2000,
      iconCreateFunction: (cluster) => {
        const children = cluster.getAllChildMarkers();
        const n = d3.sum(children, (m) => m.options.n);
        const g = d3.sum(children, (m) => m.options.n * (m.options.goldstein || 0)) / (n || 1);
        return placeIcon(n, g, "ew-cluster");
      },
    });
    const markers = places.features.map((f) => {
      const p = f.properties;
      const [lon, lat] = f.geometry.coordinates;
      const m = L.marker([lat, lon], { icon: placeIcon(p.n, p.goldstein, "ew-pin"), n: p.n, goldstein: p.goldstein, title: `${p.name || ""}: ${p.n}` });
      m.bindPopup(() => {
        const here = p.geonameid != null ? String(p.geonameid) : p.name;
        return el(
          "div",
          {},
          el("b", { text: `${p.name || "?"}${p.country ? `, ${p.country}` : ""}` }),
          el("br"),
          `${fmt(p.n)} events · mean Goldstein ${fmt1(p.goldstein)}`,
          el("br"),
          [1, 2, 3, 4].map((q) => el("span", { class: `q q${q}`, title: QUAD_NAMES[q], text: `${p["q" + q]}` })),
          el("br"),
          el("a", { href: link("/events", { place: here }), text: "list these events →" })
        );
      });
      return m;
    });
    group.addLayers(markers);
    map.addLayer(group);
    const events = d3.sum(places.features, (f) => f.properties.n);
    div.dataset.places = String(places.features.length);
    div.dataset.events = String(events);
    document.getElementById("map-total").textContent = `${fmt(events)} located events at ${fmt(places.features.length)} places${places.truncated ? " (the most frequent)" : ""}`;
    const area = L.control({ position: "topright" });
    area.onAdd = () =>
      el("button", {
        class: "leaflet-bar",
        style: "background:#fff;padding:4px 8px;cursor:pointer;font:inherit",
        text: "Filter to this area",
        onclick: (ev) => {
          ev.stopPropagation();
          const b = map.getBounds();
          const wrap = (v) => ((((v + 180) % 360) + 360) % 360) - 180;
          const span = b.getEast() - b.getWest();
          const west = span >= 360 ? -180 : wrap(b.getWest());
          const east = span >= 360 ? 180 : wrap(b.getEast());
          const r = (v) => Math.round(v * 1000) / 1000;
          setFilter({ bbox: [west, Math.max(-90, b.getSouth()), east, Math.min(90, b.getNorth())].map(r).join(",") });
        },
      });
    area.addTo(map);
    if (markers.length) map.fitBounds(group.getBounds(), { padding: [30, 30], maxZoom: 6 });
    else map.setView([25, 10], 2);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }

  async function viewMap() {
    await mapCard(main, { big: true });
  }

  // --- network -----------------------------------------------------------------------------------------

  async function networkCard(container, { limit, height, compact }) {
    const card = el("div", { class: "card" });
    const title = el("h2", {}, "Who did what to whom ", el("span", { class: "sub", id: "network-total" }));
    if (compact) title.append(el("a", { href: link("/network"), text: "open network →" }));
    card.append(title);
    container.append(card);
    const data = await api("/api/dyads", withFilters({ limit: String(limit) }));
    const edges = data.rows.map((r) => ({ source: r.actor_code, target: r.recipient_code, n: r.n, goldstein: r.goldstein, mentions: r.mentions, row: r }));
    const nodeMap = new Map();
    const touch = (code, name, country, e) => {
      const node = nodeMap.get(code) || { code, name, country, n: 0, g: 0 };
      node.n += e.n;
      node.g += e.n * (e.goldstein || 0);
      nodeMap.set(code, node);
    };
    for (const e of edges) {
      touch(e.source, e.row.actor_name, e.row.actor_country, e);
      if (e.target !== e.source) touch(e.target, e.row.recipient_name, e.row.recipient_country, e);
    }
    const nodes = [...nodeMap.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
    document.getElementById("network-total").textContent = `${fmt(nodes.length)} actors, ${fmt(edges.length)} dyads (the ${limit} most frequent; edge width = events, colour = mean Goldstein)`;
    if (!edges.length) {
      card.append(el("p", { class: "empty", text: "No events with both an actor and a recipient match these filters." }));
      return;
    }
    const width = Math.max(320, card.clientWidth - 28);
    const radius = (d) => Math.min(30, 6 + Math.sqrt(d.n) * 3);
    const widthOf = (e) => Math.min(12, 1.2 + Math.sqrt(e.n) * 1.5);
    // deterministic start: nodes on a circle in code order, then a fixed number of ticks
    nodes.forEach((d, i) => {
      const a = (2 * Math.PI * i) / nodes.length;
      d.x = width / 2 + Math.cos(a) * width * 0.3;
      d.y = height / 2 + Math.sin(a) * height * 0.3;
    });
    const links = edges.map((e) => Object.assign({}, e));
    const sim = d3
      .forceSimulation(nodes)
      .force("link", d3.forceLink(links).id((d) => d.code).distance(Math.max(70, Math.min(width, height) / 6)).strength(0.5))
      .force("charge", d3.forceManyBody().strength(-Math.max(320, (width * height) / (nodes.length * 40))))
      .force("x", d3.forceX(width / 2).strength(0.06))
      .force("y", d3.forceY(height / 2).strength(0.09))
      .force("collide", d3.forceCollide((d) => radius(d) + 14))
      .stop();
    for (let i = 0; i < 300; i++) {
      sim.tick();
      for (const d of nodes) {
        // keep every node and its label inside the drawing (inside the loop, so collisions still resolve)
        d.x = Math.max(radius(d) + 4, Math.min(width - radius(d) - 70, d.x));
        d.y = Math.max(radius(d) + 4, Math.min(height - radius(d) - 4, d.y));
      }
    }
    const color = goldsteinColor();
    const svg = d3
      .select(card)
      .append("svg")
      .attr("class", "net ew-network" + (compact ? "" : " big"))
      .attr("viewBox", `0 0 ${width} ${height}`)
      .attr("data-nodes", nodes.length)
      .attr("data-edges", edges.length);
    const defs = svg.append("defs");
    const bins = [...new Set(links.map((e) => Math.round(e.goldstein || 0)))];
    for (const b of bins) {
      defs
        .append("marker")
        .attr("id", `ew-arrow-${b + 10}`)
        .attr("viewBox", "0 -5 10 10")
        .attr("refX", 9)
        .attr("markerWidth", 5)
        .attr("markerHeight", 5)
        .attr("orient", "auto")
        .append("path")
        .attr("d", "M0,-5L10,0L0,5")
        .attr("fill", color(b));
    }
    const g = svg.append("g");
    svg.call(d3.zoom().scaleExtent([0.3, 5]).on("zoom", (ev) => g.attr("transform", ev.transform)));
    const path = (e) => {
      const s = e.source, t = e.target;
      if (s === t) {
        const r = radius(s);
        return `M${s.x},${s.y - r} a${r},${r} 0 1,1 ${r * 1.2},${r * 0.6}`;
      }
      const dx = t.x - s.x, dy = t.y - s.y, dist = Math.hypot(dx, dy) || 1;
      const reverse = links.some((o) => o.source === t && o.target === s);
      const tx = t.x - (dx / dist) * (radius(t) + 2), ty = t.y - (dy / dist) * (radius(t) + 2);
      if (!reverse) return `M${s.x},${s.y}L${tx},${ty}`;
      return `M${s.x},${s.y}A${dist * 1.2},${dist * 1.2} 0 0,1 ${tx},${ty}`;
    };
    const edge = g
      .append("g")
      .selectAll("path")
      .data(links)
      .join("path")
      .attr("class", "ew-edge")
      .attr("d", path)
      .attr("stroke", (e) => color(e.goldstein || 0))
      .attr("stroke-width", widthOf)
      .attr("marker-end", (e) => `url(#ew-arrow-${Math.round(e.goldstein || 0) + 10})`)
      .attr("data-source", (e) => e.source.code)
      .attr("data-target", (e) => e.target.code)
      .attr("data-n", (e) => e.n)
      .attr("data-goldstein", (e) => fmt1(e.goldstein))
      .on("mousemove", (ev, e) => showTip(ev, [`${e.source.code} → ${e.target.code}`, `${fmt(e.n)} events, ${fmt(e.mentions)} mentions`, `mean Goldstein ${fmt1(e.goldstein)}`, "click: list them"]))
      .on("mouseleave", hideTip)
      .on("click", (ev, e) => {
        hideTip();
        setFilter({ actor: e.source.code === e.target.code ? e.source.code : `${e.source.code},${e.target.code}` }, "/events");
      });
    edge.style("cursor", "pointer");
    const countryColor = d3.scaleOrdinal(d3.schemeTableau10);
    const node = g
      .append("g")
      .selectAll("g")
      .data(nodes)
      .join("g")
      .attr("transform", (d) => `translate(${d.x},${d.y})`);
    node
      .append("circle")
      .attr("class", "ew-node")
      .attr("r", radius)
      .attr("fill", (d) => countryColor(d.country || d.code.slice(0, 3)))
      .attr("data-code", (d) => d.code)
      .attr("data-n", (d) => d.n)
      .on("mousemove", (ev, d) => showTip(ev, [`${d.code}${d.name ? ` (${d.name})` : ""}`, `${fmt(d.n)} events in these dyads`, `mean Goldstein ${fmt1(d.g / d.n)}`, "click: filter to this actor"]))
      .on("mouseleave", hideTip)
      .on("click", (ev, d) => {
        hideTip();
        setFilter({ actor: d.code });
      });
    node
      .append("text")
      .attr("x", (d) => radius(d) + 3)
      .attr("y", 4)
      .text((d) => d.code);
    node.call(
      d3.drag().on("drag", (ev, d) => {
        d.x = ev.x;
        d.y = ev.y;
        node.filter((n) => n === d).attr("transform", `translate(${d.x},${d.y})`);
        edge.attr("d", path);
      })
    );
    const legend = el("div", { class: "legend" }, "mean Goldstein:");
    for (const v of [-10, -5, 0, 5, 10]) legend.append(el("span", {}, el("i", { style: `background:${color(v)}` }), String(v)));
    card.append(legend);
  }

  async function viewNetwork() {
    const q = new URLSearchParams(location.search);
    const limit = Number(q.get("dyads") || 100);
    main.append(el("div", { class: "controls" }, el("label", {}, "Dyads ", selectOf("dyads", ["25", "50", "100", "200", "500"], String(limit)))));
    await networkCard(main, { limit, height: Math.max(420, window.innerHeight - 300) });
  }

  // --- events table ------------------------------------------------------------------------------------

  function sideText(code, name) {
    return el("span", { title: name || "", text: code || "—" });
  }

  function eventsTable(rows, compact) {
    const head = ["Date", "Actor", "", "Recipient", "Type", "CAMEO", "Quad", "Goldstein", "Modality", "Mentions", "Sources", "Place", ""];
    const wide = new Set(compact ? ["CAMEO", "Sources", "Modality", "Place"] : []);
    const table = el("table", { class: compact ? "events compact" : "events" }, el("thead", {}, el("tr", {}, head.map((h) => el("th", { text: h, class: wide.has(h) ? "wide" : null })))));
    const body = el("tbody");
    for (const r of rows) {
      body.append(
        el(
          "tr",
          { dataset: { id: String(r.merged_id) } },
          el("td", { class: "date", text: r.event_date || "undated" }),
          el("td", {}, sideText(r.actor_code, r.actor_name)),
          el("td", { text: "→" }),
          el("td", {}, sideText(r.recipient_code, r.recipient_name)),
          el("td", { text: r.event || "statement" }),
          el("td", { class: "wide", text: r.cameo }),
          el("td", {}, el("span", { class: `q q${r.quad_class}`, title: QUAD_NAMES[r.quad_class], text: String(r.quad_class) })),
          el("td", { class: "num", text: fmt1(r.goldstein) }),
          el("td", { class: "wide" }, el("span", { class: `modality ${r.modality}`, text: r.modality })),
          el("td", { class: "num", text: fmt(r.num_mentions) }),
          el("td", { class: "num wide", text: fmt(r.num_sources) }),
          el("td", { class: "wide", text: [r.loc_name, r.loc_country].filter(Boolean).join(", ") }),
          el("td", {}, el("a", { href: link(`/event/${r.merged_id}`), text: compact ? "→" : "evidence →", title: "the evidence" }))
        )
      );
    }
    table.append(body);
    return table;
  }

  async function eventsCard(container, { limit, compact }) {
    const q = new URLSearchParams(location.search);
    const cursor = compact ? null : q.get("cursor");
    const order = q.get("order") || "desc";
    const data = await api("/api/events", withFilters({ limit: String(limit), total: "true", order, cursor }));
    const card = el("div", { class: "card" });
    const title = el("h2", {}, compact ? "Latest events " : "Events ", el("span", { class: "sub", id: "events-total", dataset: { total: String(data.total) }, text: `${fmt(data.total)} merged events match` }));
    if (compact) title.append(el("a", { href: link("/events"), text: "all events →" }));
    card.append(title);
    if (!data.rows.length) card.append(el("p", { class: "empty", text: "No events match these filters." }));
    else card.append(el("div", { class: "scroll" }, eventsTable(data.rows, compact)));
    if (!compact) {
      const pager = el("div", { class: "pager" });
      if (cursor) pager.append(el("button", { type: "button", text: "← first page", onclick: () => setFilter({ cursor: null }) }));
      if (data.next) {
        pager.append(
          el("button", {
            type: "button",
            id: "next-page",
            text: `next ${limit} →`,
            onclick: () => {
              const p = new URLSearchParams(location.search);
              p.set("cursor", data.next);
              navigate(location.pathname, p);
            },
          })
        );
      }
      pager.append(el("label", {}, "Order ", selectOf("order", [["desc", "newest first"], ["asc", "oldest first"]], order)));
      card.append(pager);
    }
    container.append(card);
  }

  async function viewEvents() {
    await eventsCard(main, { limit: 50 });
  }

  // --- one event ---------------------------------------------------------------------------------------

  function highlighted(sentence, spans) {
    const inside = spans.filter((s) => s.in_sentence && s.sentence_end > s.sentence_start);
    const cuts = new Set([0, sentence.length]);
    for (const s of inside) {
      cuts.add(Math.max(0, s.sentence_start));
      cuts.add(Math.min(sentence.length, s.sentence_end));
    }
    const points = [...cuts].sort((a, b) => a - b);
    const out = el("p", { class: "evidence" });
    for (let i = 0; i < points.length - 1; i++) {
      const a = points[i], b = points[i + 1];
      const text = sentence.slice(a, b);
      const over = inside.filter((s) => s.sentence_start <= a && s.sentence_end >= b);
      if (!over.length) {
        out.append(document.createTextNode(text));
        continue;
      }
      const kinds = [...new Set(over.map((s) => s.kind))];
      const innermost = over.reduce((m, s) => (s.sentence_end - s.sentence_start < m.sentence_end - m.sentence_start ? s : m));
      out.append(
        el("mark", {
          class: `ew-span ew-${innermost.kind}${kinds.length > 1 ? " ew-multi" : ""}`,
          dataset: { kinds: kinds.join(" ") },
          title: over.map((s) => `${SPAN_NAMES[s.kind]}: ${s.label || s.text}${s.found_by === "search" ? " (found by searching for the date words)" : ""}`).join("\n"),
          text,
        })
      );
    }
    return out;
  }

  function mentionCard(m) {
    const e = m.event;
    const a = m.article;
    const url = safeUrl(a.url);
    const card = el("div", { class: "mention", dataset: { eventId: e.event_id } });
    card.append(
      el(
        "div",
        { class: "src" },
        url ? el("a", { href: url, rel: "noopener noreferrer", target: "_blank", text: a.title || url }) : el("b", { text: a.title || a.id }),
        a.source ? el("span", { text: a.source }) : null,
        a.pub_date ? el("span", { text: `published ${a.pub_date}` }) : null,
        el("span", { text: `sentence ${e.sentence_index + 1}` }),
        el("span", { text: `modality ${e.modality}` }),
        el("span", { text: `confidence ${fmt1(e.confidence * 100)}%` })
      )
    );
    card.append(highlighted(e.sentence.replace(/\s+$/, ""), m.spans));
    const key = el("div", { class: "key" });
    for (const s of m.spans) {
      key.append(el("span", { class: `ew-key-${s.kind}`, style: `background:var(--${s.kind})`, text: `${SPAN_NAMES[s.kind]}: ${s.text}${s.label ? ` = ${s.label}` : ""}` }));
    }
    card.append(key);
    for (const s of m.spans.filter((s) => !s.in_sentence)) {
      const line = el("div", { class: "elsewhere" }, `${SPAN_NAMES[s.kind]} `);
      if (s.context) {
        line.append("elsewhere in the article: ", el("q", {}, s.context.before, el("mark", { class: `ew-span ew-${s.kind}`, text: s.context.text }), s.context.after));
      } else line.append(`"${s.text}" (not found in the sentence)`);
      card.append(line);
    }
    card.append(el("details", { class: "coder" }, el("summary", { text: "how it was coded" }), el("code", { text: (e.coder || []).join(" · ") })));
    return card;
  }

  async function viewEvent(id) {
    const data = await api(`/api/events/${encodeURIComponent(id)}`, new URLSearchParams({ mentions: "100" }));
    const ev = data.event;
    document.title = `eventwire: ${ev.actor_code || "?"} → ${ev.recipient_code || "?"} ${ev.event || ev.cameo}`;
    const head = el(
      "div",
      { class: "card event-head" },
      el("h1", { text: `${ev.actor_code || "—"} → ${ev.recipient_code || "—"} · ${ev.event || "statement"} (CAMEO ${ev.cameo})` }),
      el(
        "div",
        { class: "meta" },
        el("span", { text: ev.event_date ? `on ${ev.event_date}` : "undated" }),
        el("span", { class: `modality ${ev.modality}`, text: ev.modality }),
        el("span", {}, el("span", { class: `q q${ev.quad_class}`, text: String(ev.quad_class) }), ` ${QUAD_NAMES[ev.quad_class]}`),
        el("span", { text: `Goldstein ${fmt1(ev.goldstein)}` }),
        el("span", { text: `${fmt(ev.num_mentions)} mentions · ${fmt(ev.num_sources)} sources · ${fmt(ev.num_articles)} articles` })
      )
    );
    const dl = el("dl", { class: "fields" });
    const field = (k, v) => v != null && v !== "" && dl.append(el("dt", { text: k }), el("dd", {}, v));
    field("actor", `${ev.actor_code || ""} ${ev.actor_name ? `(${ev.actor_name})` : ""}`);
    field("recipient", ev.recipient_code ? `${ev.recipient_code} ${ev.recipient_name ? `(${ev.recipient_name})` : ""}` : null);
    field("date", ev.event_date ? `${ev.event_date} (from the ${ev.date_source === "text" ? "text" : "publication date"})` : null);
    field("mode", ev.mode);
    field("context", (ev.context || []).join(", "));
    field("place", ev.loc_name ? `${ev.loc_name}${ev.loc_country ? `, ${ev.loc_country}` : ""} (${ev.loc_precision || "?"}; ${fmt1(ev.loc_lat)}, ${fmt1(ev.loc_lon)})` : null);
    const src = safeUrl(ev.source_url);
    field("first reported", src ? el("a", { href: src, rel: "noopener noreferrer", target: "_blank", text: src }) : ev.source_url);
    field("merged event id", `${ev.merged_id} (GDELT GLOBALEVENTID)`);
    head.append(dl);
    main.append(head);
    const shown = data.mentions.length;
    main.append(el("h2", { style: "font-size:15px;margin:16px 0 0", text: `Evidence: ${shown} of ${fmt(data.mentions_total)} mentions` }));
    for (const m of data.mentions) main.append(mentionCard(m));
  }

  // --- overview ----------------------------------------------------------------------------------------

  async function viewOverview() {
    const counts = state.info.store.counts;
    const dates = state.info.dates;
    const stats = el(
      "div",
      { class: "stats" },
      el("div", { class: "stat" }, el("b", { text: fmt(counts.merged_events) }), el("span", { text: "merged events in the database" })),
      el("div", { class: "stat" }, el("b", { text: fmt(counts.mentions) }), el("span", { text: "event mentions" })),
      el("div", { class: "stat" }, el("b", { text: fmt(counts.articles) }), el("span", { text: "articles" })),
      el("div", { class: "stat" }, el("b", { text: dates.first ? `${dates.first} – ${dates.last}` : "—" }), el("span", { text: "event dates" }))
    );
    main.append(stats);
    const grid = el("div", { class: "grid" });
    main.append(grid);
    const left = el("div", {});
    const right = el("div", {});
    grid.append(left, right);
    await Promise.all([
      timelineCard(left, { period: autoPeriod(), by: "quad_class", height: 220, compact: true }),
      mapCard(right, { compact: true }),
    ]);
    const grid2 = el("div", { class: "grid", style: "margin-top:14px" });
    main.append(grid2);
    await Promise.all([networkCard(grid2, { limit: 40, height: 420, compact: true }), eventsCard(grid2, { limit: 12, compact: true })]);
  }

  // --- routing -----------------------------------------------------------------------------------------

  function currentView() {
    const path = location.pathname.replace(/\/+$/, "") || "/";
    const m = path.match(/^\/event\/([^/]+)$/);
    if (m) return ["event", decodeURIComponent(m[1])];
    const name = path.slice(1) || "overview";
    return [["timeline", "map", "network", "events"].includes(name) ? name : "overview", null];
  }

  async function render() {
    for (const f of state.cleanup.splice(0)) f();
    hideTip();
    showMessage("");
    fillForm();
    const [view, id] = currentView();
    for (const a of document.querySelectorAll("[data-nav]")) {
      a.classList.toggle("active", a.dataset.nav === view && a.parentElement.id === "nav");
      a.href = link(a.dataset.nav === "overview" ? "/" : `/${a.dataset.nav}`);
    }
    main.dataset.state = "loading";
    main.dataset.view = view;
    main.replaceChildren();
    try {
      await needD3();
      if (view === "overview" || view === "map") await needMap();
      if (view === "event") await viewEvent(id);
      else if (view === "timeline") await viewTimeline();
      else if (view === "map") await viewMap();
      else if (view === "network") await viewNetwork();
      else if (view === "events") await viewEvents();
      else await viewOverview();
      main.dataset.state = "ready";
    } catch (e) {
      showMessage(e.message);
      main.dataset.state = "error";
    }
  }

  async function start() {
    needD3(); // start fetching while the API answers
    try {
      state.info = await api("/api/info");
    } catch (e) {
      showMessage(`cannot reach the API: ${e.message}`);
      main.dataset.state = "error";
      return;
    }
    const s = state.info.store;
    document.getElementById("dbinfo").textContent = `${s.url} · ${fmt(s.counts.merged_events)} merged events · ${state.info.server.read_only ? "read-only" : "read-write"}`;
    await needD3();
    state.typeColor = typeColors(state.info.vocab);
    await loadSuggestions();
    await render();
  }

  start();
})();
