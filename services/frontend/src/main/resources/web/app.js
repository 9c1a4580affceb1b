// HQ map: markers from /api/sensors, live updates from /api/events (SSE), history charts from
// /api/sensors/{id}/history. Every library is served by the application (vendor/).
// Every string from the API (sensor ids, sites, errors) came from Kafka or a request and is text:
// the DOM is built with textContent / createTextNode only, and Leaflet's tooltips and popups get
// elements, never HTML strings. The page runs under a CSP without inline script or style.
(function () {
  'use strict';

  const state = { config: null, sensors: new Map(), markers: new Map(), site: '', openId: null, chart: null };
  const el = (id) => document.getElementById(id);

  function fetchJson(url) {
    return fetch(url, { cache: 'no-store' }).then((r) => {
      if (!r.ok) { throw new Error(url + ': HTTP ' + r.status); }
      return r.json();
    });
  }

  // Blue (-20 °C) through green to red (40 °C).
  function colour(t) {
    const f = Math.max(0, Math.min(1, (t + 20) / 60));
    return 'hsl(' + Math.round(240 * (1 - f)) + ',75%,' + (f > 0.5 && f < 0.75 ? 45 : 50) + '%)';
  }

  // ---- DOM helpers: text only ----
  function node(tag, className, text) {
    const e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function pct(v) { return v === null || v === undefined ? 'unknown' : (100 * v).toFixed(1) + ' %'; }

  function isStale(s) {
    return Date.now() - Date.parse(s.lastSeen) > state.config.staleAfterSeconds * 1000;
  }

  const map = L.map('map', { worldCopyJump: true, minZoom: 2 }).setView([48, 12], 4);
  window.hqMap = { map: map, markers: state.markers, sensors: state.sensors };

  // ---- basemap: configured tiles, else (or when they fail) Natural Earth country outlines ----
  let offline = false;
  let outlines = null;
  let tiles = null;
  function showOffline(reason) {
    if (offline) { return; }
    offline = true;
    if (tiles) { map.removeLayer(tiles); }
    document.body.dataset.basemap = 'offline';
    el('basemap-status').textContent = 'offline basemap';
    el('basemap-status').title = reason;
    const draw = () => { outlines.addTo(map); outlines.bringToBack(); };
    if (outlines) { draw(); } else { outlinesReady.then(draw); }
  }
  const outlinesReady = fetchJson('vendor/world-atlas/countries-110m.json').then((topo) => {
    outlines = L.geoJSON(topojson.feature(topo, topo.objects.countries), {
      interactive: false,
      style: () => ({ className: 'country', color: '#7d8a96', weight: 0.8, fillColor: '#f3f1ea', fillOpacity: 1 })
    });
    outlines.getAttribution = () => 'Natural Earth';
  });

  function setUpBasemap() {
    if (!state.config.tiles) { showOffline('no tile URL configured'); return; }
    let loaded = 0;
    tiles = L.tileLayer(state.config.tiles, { attribution: state.config.attribution, maxZoom: 18 });
    tiles.on('tileload', () => {
      loaded++;
      if (!offline) { document.body.dataset.basemap = 'tiles'; el('basemap-status').textContent = 'map tiles'; }
    });
    tiles.on('tileerror', () => { if (loaded === 0) { showOffline('tiles unreachable'); } });
    tiles.addTo(map);
    setTimeout(() => { if (loaded === 0) { showOffline('no tile loaded within 5 s'); } }, 5000);
  }

  // ---- markers ----
  function cssId(id) { return id.replace(/[^A-Za-z0-9_-]/g, '_'); }

  // Fill: temperature (grey when stale). Ring: a thick orange-red outline when the last window's
  // completeness is below the threshold (s.incomplete, decided by the server).
  function style(s) {
    const stale = isStale(s);
    const flagged = s.incomplete === true;
    return {
      radius: flagged ? 11 : 9, weight: flagged ? 4 : (stale ? 1 : 1.5),
      color: flagged ? '#e4572e' : (stale ? '#6d6d6d' : '#1d2733'),
      fillColor: stale ? '#9e9e9e' : colour(s.temperature.avg), fillOpacity: stale ? 0.55 : 0.9
    };
  }

  function tooltipContent(s) {
    const root = node('span', 'tooltip');
    root.appendChild(node('strong', null, s.id));
    if (s.incomplete) { root.appendChild(node('span', 'tooltip-loss', ' · ' + pct(s.completeness) + ' complete')); }
    return root;
  }

  function fmt(v, digits) { return Number(v).toFixed(digits); }

  function popupContent(s) {
    const root = document.createElement('div');
    root.className = 'popup';
    root.dataset.sensor = s.id;
    const h = document.createElement('h3'); h.textContent = s.id; root.appendChild(h);
    const site = document.createElement('div'); site.className = 'site';
    site.textContent = 'site ' + s.site + ' · ' + fmt(s.latitude, 4) + ', ' + fmt(s.longitude, 4);
    root.appendChild(site);
    const table = document.createElement('table');
    const header = document.createElement('tr');
    header.appendChild(node('th'));
    ['avg', 'min', 'max'].forEach((label) => header.appendChild(node('td', null, label)));
    table.appendChild(header);
    [['Temperature', s.temperature, 1, '°C', 'temperature'], ['Humidity', s.humidity, 1, '%', 'humidity'],
      ['Pressure', s.pressure, 1, 'hPa', 'pressure']].forEach(([label, st, d, unit, key]) => {
      const tr = document.createElement('tr');
      tr.className = 'value-' + key;
      const th = document.createElement('th'); th.textContent = label + ' (' + unit + ')'; tr.appendChild(th);
      [st.avg, st.min, st.max].forEach((v) => { const td = document.createElement('td'); td.textContent = fmt(v, d); tr.appendChild(td); });
      table.appendChild(tr);
    });
    root.appendChild(table);
    const seen = document.createElement('div'); seen.className = 'seen';
    seen.textContent = 'last window ' + s.windowStart.substring(11, 16) + '–' + s.windowEnd.substring(11, 16)
      + ' UTC, ' + s.count + ' readings';
    root.appendChild(seen);
    root.appendChild(completenessContent(s));
    if (isStale(s)) {
      const note = document.createElement('div'); note.className = 'stale-note';
      note.textContent = 'stale: no data since ' + new Date(s.lastSeen).toLocaleString();
      root.appendChild(note);
    }
    const chart = document.createElement('div'); chart.className = 'chart'; root.appendChild(chart);
    return root;
  }

  // Completeness of the last window and of the retained history, with the counts behind it.
  function completenessContent(s) {
    const box = node('div', 'completeness' + (s.incomplete ? ' low' : ''));
    if (s.completeness === null || s.completeness === undefined) {
      box.classList.add('unknown');
      box.appendChild(node('span', 'completeness-value', 'completeness unknown'));
      box.appendChild(node('span', 'completeness-detail', ' (this site\'s aggregator does not report lost readings)'));
      return box;
    }
    box.appendChild(node('span', 'completeness-value', pct(s.completeness) + ' complete'));
    box.appendChild(node('span', 'completeness-detail', ' last window · ' + pct(s.historyCompleteness) + ' over the history'));
    box.appendChild(node('div', 'completeness-counts', s.missing + ' missing · ' + s.duplicates + ' duplicates dropped'));
    if (s.incomplete) {
      box.appendChild(node('div', 'completeness-note',
        'below ' + pct(state.config.completenessThreshold) + ': readings are being lost before the edge'));
    }
    return box;
  }

  function drawChart(s, popupRoot) {
    const target = popupRoot.querySelector('.chart');
    fetchJson('api/sensors/' + encodeURIComponent(s.id) + '/history').then((h) => {
      if (state.openId !== s.id) { return; }
      if (state.chart) { state.chart.destroy(); state.chart = null; }
      target.textContent = '';
      if (h.time.length === 0) { target.textContent = 'no history yet'; return; }
      state.chart = new uPlot({
        width: 300, height: 140, legend: { show: false },
        series: [{}, { label: '°C', stroke: '#d9534f', width: 1.5, points: { show: h.time.length < 30 } }],
        axes: [{ size: 30 }, { size: 40 }]
      }, [h.time, h.temperature], target);
    }).catch((e) => { target.textContent = 'history unavailable: ' + e.message; });
  }

  function visible(s) { return !state.site || s.site === state.site; }

  function upsert(s) {
    state.sensors.set(s.id, s);
    let marker = state.markers.get(s.id);
    if (!marker) {
      marker = L.circleMarker([s.latitude, s.longitude], Object.assign({ className: 'sensor-marker' }, style(s)));
      marker.bindTooltip(() => tooltipContent(state.sensors.get(s.id)));
      marker.bindPopup(() => popupContent(state.sensors.get(s.id)), { minWidth: 310 });
      marker.on('popupopen', (e) => { state.openId = s.id; drawChart(state.sensors.get(s.id), e.popup.getElement()); });
      marker.on('popupclose', () => { state.openId = null; if (state.chart) { state.chart.destroy(); state.chart = null; } });
      state.markers.set(s.id, marker);
      if (visible(s)) { marker.addTo(map); decorate(marker, s); }
    } else {
      marker.setLatLng([s.latitude, s.longitude]);
      marker.setStyle(style(s));
      decorate(marker, s);
      marker.setTooltipContent(tooltipContent(s));
      if (marker.isPopupOpen()) {
        marker.setPopupContent(popupContent(s));
        drawChart(s, marker.getPopup().getElement());
      }
    }
    addSiteOption(s.site);
  }

  function decorate(marker, s) {
    const e = marker.getElement();
    if (!e) { return; }
    e.setAttribute('data-sensor', s.id);
    e.setAttribute('data-site', s.site);
    e.setAttribute('data-temperature', fmt(s.temperature.avg, 1));
    e.classList.add('sensor-' + cssId(s.id));
    e.classList.toggle('stale', isStale(s));
    e.classList.toggle('incomplete', s.incomplete === true);
    if (s.completeness === null || s.completeness === undefined) {
      e.removeAttribute('data-completeness');
    } else {
      e.setAttribute('data-completeness', s.completeness.toFixed(3));
    }
  }

  function addSiteOption(site) {
    const select = el('site-filter');
    if ([...select.options].some((o) => o.value === site)) { return; }
    const option = document.createElement('option');
    option.value = site; option.textContent = site;
    const after = [...select.options].slice(1).find((o) => o.value > site);
    select.insertBefore(option, after || null);
  }

  function applyFilter() {
    const bounds = [];
    state.sensors.forEach((s, id) => {
      const marker = state.markers.get(id);
      if (visible(s)) {
        if (!map.hasLayer(marker)) { marker.addTo(map); decorate(marker, s); }
        bounds.push([s.latitude, s.longitude]);
      } else if (map.hasLayer(marker)) {
        map.removeLayer(marker);
      }
    });
    if (bounds.length) { map.fitBounds(bounds, { padding: [40, 40], maxZoom: 7 }); }
    counts();
  }

  function counts() {
    let n = 0; let stale = 0; let incomplete = 0;
    state.sensors.forEach((s) => {
      if (!visible(s)) { return; }
      n++;
      if (isStale(s)) { stale++; }
      if (s.incomplete) { incomplete++; }
    });
    el('sensor-count').textContent = n + (n === 1 ? ' sensor' : ' sensors');
    el('stale-count').textContent = stale + ' stale';
    el('loss-count').textContent = incomplete + ' losing data';
    document.body.dataset.losing = incomplete > 0 ? 'true' : 'false';
  }

  function refreshStaleness() {
    state.sensors.forEach((s, id) => {
      const marker = state.markers.get(id);
      marker.setStyle(style(s));
      decorate(marker, s);
    });
    counts();
  }

  function load() {
    return fetchJson('api/sensors').then((list) => { list.forEach(upsert); counts(); return list; });
  }

  // ---- live updates ----
  function connect() {
    const source = new EventSource('api/events');
    let dropped = false;
    source.onopen = () => {
      document.body.dataset.live = 'live';
      el('live-status').textContent = 'live';
      if (dropped) { load(); } // catch up on what happened while disconnected
    };
    source.onerror = () => {
      dropped = true;
      document.body.dataset.live = 'reconnecting';
      el('live-status').textContent = 'reconnecting…';
    };
    source.addEventListener('aggregate', (e) => { upsert(JSON.parse(e.data)); counts(); });
  }

  el('site-filter').addEventListener('change', (e) => { state.site = e.target.value; applyFilter(); });

  fetchJson('api/config').then((config) => {
    state.config = config;
    el('stale-after').textContent = Math.round(config.staleAfterSeconds / 60);
    el('completeness-threshold').textContent = pct(config.completenessThreshold);
    setUpBasemap();
    return load();
  }).then((list) => {
    if (list.length) { map.fitBounds(list.map((s) => [s.latitude, s.longitude]), { padding: [40, 40], maxZoom: 7 }); }
    connect();
    setInterval(refreshStaleness, 5000);
    document.body.dataset.ready = 'true';
  }).catch((e) => {
    el('live-status').textContent = 'error: ' + e.message;
  });
}());
