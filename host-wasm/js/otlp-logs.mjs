// The logs half of otlp.mjs: loggers and the console bridge. otlp.mjs imports it only for a
// module that has log calls (otlp-logs.wasm, otlp-json.wasm), so a page that sends spans only
// never downloads it. `t` is otlp.mjs's tape writer and module (see logsApi there).

// What the console bridge forwards, and as which severity.
const CONSOLE = { debug: 5, log: 9, info: 9, warn: 13, error: 17 };

export function logsApi(t) {
  const x = t.x;
  // A body: any value, nested (the `any` of the tape format in host.hpp). Values JSON has no
  // place for (functions, symbols, undefined) are left out of objects and empty in arrays, and
  // nesting deeper than the module reads (8 arrays or objects, see logs.cpp) is cut off as empty.
  function any(v, depth) {
    let type = t.typeOf(v);
    const arr = Array.isArray(v);
    if (!type && depth < 8 && v !== null && typeof v === 'object') type = arr ? 6 : 7;
    t.byte(type);
    if (type < 6) return type && t.scalar(v, type);
    const head = t.slot();
    let n = 0;
    if (arr) for (const e of v) { any(e, depth + 1); n++; }
    else for (const k in v) { const e = v[k]; if (e !== undefined && typeof e !== 'function' && typeof e !== 'symbol') { t.str(k); any(e, depth + 1); n++; } }
    t.fill(head, n);
  }
  const loggers = new Map();
  function logger(name, version = '', opts = {}) {
    if (typeof name !== 'string') throw new TypeError('logger: name must be a string');
    const min = opts.minSeverity ?? 0;
    const id = `${name}\0${version}\0${min}`;
    let l = loggers.get(id);
    if (l) return l;
    t.begin(); t.str(name); t.str(version);
    const h = x.otlp_logger(min, t.base(), t.pos());
    l = {
      enabled: (severity) => !!x.otlp_enabled(h, severity ?? 0),
      emit(r = {}) {
        const sev = r.severityNumber ?? 0;
        if (!x.otlp_enabled(h, sev)) return;
        t.begin();
        t.str(r.severityText ?? ''); t.str(r.eventName ?? '');
        any(r.body, 0);
        t.list(r.attributes);
        const c = r.context === undefined ? undefined : t.asContext(r.context);
        if (c) t.context(c);
        const ms = t.toMs(r.timestamp), ns = t.ns();
        t.queued(x.otlp_emit(h, sev, ms, ns, t.toMs(r.observedTimestamp), t.ns(), c ? 1 : 0, t.base(), t.pos()));
      },
    };
    loggers.set(id, l);
    return l;
  }
  // console.debug/log/info/warn/error as records (the call itself still made), until undone.
  function bridgeConsole(opts = {}) {
    const l = logger(opts.scopeName ?? 'console');
    const saved = {};
    let inside = false; // a console call made while emitting is not forwarded again
    for (const m of opts.levels ?? Object.keys(CONSOLE)) {
      const sev = CONSOLE[m];
      if (!sev) throw new TypeError(`bridgeConsole: unknown level '${m}' (one of ${Object.keys(CONSOLE).join(', ')})`);
      const orig = saved[m] = console[m];
      const text = m === 'log' ? 'INFO' : m.toUpperCase();
      console[m] = function (...args) {
        if (!inside) { inside = true; try { l.emit({ severityNumber: sev, severityText: text, body: format(args) }); } finally { inside = false; } }
        return orig.apply(this, args);
      };
    }
    return () => { for (const m in saved) console[m] = saved[m]; };
  }
  return { logger, bridgeConsole };
}

// A console call's arguments as one message, as consoles print them: %s %d %i %f %o %O %j %c
// in a leading string take the next arguments, the rest are appended with spaces.
function format(args) {
  const show = (v) => typeof v === 'string' ? v : v instanceof Error ? v.stack ?? String(v)
    : (() => { try { return JSON.stringify(v) ?? String(v); } catch { return String(v); } })();
  let i = 0, out = '';
  if (typeof args[0] === 'string') {
    i = 1;
    out = args[0].replace(/%[sdifoOjc%]/g, (m) => m === '%%' ? '%' : i >= args.length ? m
      : m === '%c' ? (i++, '') : /[dif]/.test(m[1]) ? String((m === '%f' ? Number : parseInt)(args[i++])) : show(args[i++]));
  }
  for (; i < args.length; i++) out += (out ? ' ' : '') + show(args[i]);
  return out;
}
