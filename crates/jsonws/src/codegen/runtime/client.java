    // ---- runtime: the same in every client this generator writes ----

    /** An error reply from the server: its code, message and data. Throw one from an exposed function to answer with it. */
    public static class JsonRpcException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final long code;
        private final transient Object data;

        /** An error with {@code code}, {@code message} and {@code data} (a JSON value, or null). */
        public JsonRpcException(long code, String message, Object data) {
            super(message);
            this.code = code;
            this.data = data;
        }

        /** The error's code (4000 and up for an application's own errors). */
        public long getCode() {
            return code;
        }

        /** The error's data as a JSON value (Map, List, String, Long, Double, Boolean), or null. */
        public Object getData() {
            return data;
        }

        @Override
        public String toString() {
            return "JsonRpcException: " + getMessage() + " (code " + code + ")";
        }
    }

    /** The call could not be made or answered: no connection, a bad HTTP status, a timeout, a reply that does not decode. */
    public static class TransportException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** A failure described by {@code message}, caused by {@code cause} (or null). */
        public TransportException(String message, Throwable cause) {
            super(message, cause);
        }

        /** A failure described by {@code message}. */
        public TransportException(String message) {
            super(message);
        }
    }

    /** An event subscription: {@link #close()} stops it. */
    public interface Subscription extends AutoCloseable {
        /** Stops the handler (and the subscription, when it was the event's last handler). */
        @Override
        void close();
    }

    /** What a struct or an enum is on the wire. */
    interface Wire {
        Object toWire();
    }

    static List<Object> params(Object... values) {
        return new ArrayList<>(Arrays.asList(values));
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error r) {
                throw r;
            }
            throw new TransportException(String.valueOf(cause), cause);
        }
    }

    static Throwable cause(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    static TransportException bad(String expected, Object value) {
        String found = value == null ? "null" : value instanceof String ? "a string" : value instanceof Map<?, ?> ? "an object"
                : value instanceof List<?> ? "an array" : value instanceof Boolean ? "a boolean" : "a number";
        return new TransportException("expected " + expected + ", found " + found);
    }

    static long asLong(Object o) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        throw bad("an integer", o);
    }

    static double asDouble(Object o) {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        throw bad("a number", o);
    }

    static boolean asBoolean(Object o) {
        if (o instanceof Boolean b) {
            return b;
        }
        throw bad("a boolean", o);
    }

    static String asString(Object o) {
        if (o instanceof String s) {
            return s;
        }
        throw bad("a string", o);
    }

    static Instant asInstant(Object o) {
        if (o instanceof Number n) {
            return Instant.ofEpochMilli(n.longValue());
        }
        try {
            return OffsetDateTime.parse(asString(o)).toInstant();
        } catch (DateTimeParseException e) {
            throw new TransportException("not a date: " + o, e);
        }
    }

    static byte[] asBytes(Object o) {
        try {
            return Base64.getDecoder().decode(asString(o));
        } catch (IllegalArgumentException e) {
            throw new TransportException("not base64: " + e.getMessage(), e);
        }
    }

    static URI asUri(Object o) {
        try {
            return new URI(asString(o));
        } catch (URISyntaxException e) {
            throw new TransportException("not a URL: " + o, e);
        }
    }

    static Map<String, Object> asObject(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(String.valueOf(e.getKey()), e.getValue());
            }
            return out;
        }
        throw bad("an object", o);
    }

    static Object asAny(Object o) {
        return o;
    }

    static <T> List<T> asList(Object o, Function<Object, T> item) {
        if (o instanceof List<?> list) {
            List<T> out = new ArrayList<>(list.size());
            for (Object v : list) {
                out.add(item.apply(v));
            }
            return out;
        }
        throw bad("an array", o);
    }

    static <T> T opt(Object o, Function<Object, T> decode) {
        return o == null ? null : decode.apply(o);
    }

    /** JSON text to and from Map, List, String, Long, Double, Boolean and null. */
    static final class Json {
        private Json() {
        }

        static Object parse(String text) {
            Parser p = new Parser(text);
            p.space();
            Object v = p.value();
            p.space();
            if (p.at < text.length()) {
                throw p.error("unexpected text after the value");
            }
            return v;
        }

        static String write(Object value) {
            StringBuilder out = new StringBuilder();
            write(out, value);
            return out.toString();
        }

        static void write(StringBuilder out, Object v) {
            if (v == null) {
                out.append("null");
            } else if (v instanceof Wire w) {
                write(out, w.toWire());
            } else if (v instanceof String s) {
                quote(out, s);
            } else if (v instanceof Boolean || v instanceof Long || v instanceof Integer || v instanceof Short
                    || v instanceof Byte) {
                out.append(v);
            } else if (v instanceof Number n) {
                double d = n.doubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    out.append("null");
                } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                    out.append((long) d);
                } else {
                    out.append(d);
                }
            } else if (v instanceof Instant i) {
                quote(out, DateTimeFormatter.ISO_INSTANT.format(i));
            } else if (v instanceof byte[] b) {
                quote(out, Base64.getEncoder().encodeToString(b));
            } else if (v instanceof URI u) {
                quote(out, u.toString());
            } else if (v instanceof Map<?, ?> m) {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    quote(out, String.valueOf(e.getKey()));
                    out.append(':');
                    write(out, e.getValue());
                }
                out.append('}');
            } else if (v instanceof Collection<?> c) {
                out.append('[');
                boolean first = true;
                for (Object item : c) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    write(out, item);
                }
                out.append(']');
            } else {
                throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
            }
        }

        static void quote(StringBuilder out, String s) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }

        static final class Parser {
            final String text;
            int at;

            Parser(String text) {
                this.text = text;
            }

            IllegalArgumentException error(String what) {
                return new IllegalArgumentException("bad JSON at " + at + ": " + what);
            }

            void space() {
                while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
                    at++;
                }
            }

            Object value() {
                if (at >= text.length()) {
                    throw error("unexpected end");
                }
                char c = text.charAt(at);
                switch (c) {
                    case '{': {
                        at++;
                        Map<String, Object> m = new LinkedHashMap<>();
                        space();
                        if (peek('}')) {
                            return m;
                        }
                        while (true) {
                            space();
                            if (at >= text.length() || text.charAt(at) != '"') {
                                throw error("expected a key");
                            }
                            String key = string();
                            space();
                            expect(':');
                            space();
                            m.put(key, value());
                            space();
                            if (peek('}')) {
                                return m;
                            }
                            expect(',');
                        }
                    }
                    case '[': {
                        at++;
                        List<Object> list = new ArrayList<>();
                        space();
                        if (peek(']')) {
                            return list;
                        }
                        while (true) {
                            space();
                            list.add(value());
                            space();
                            if (peek(']')) {
                                return list;
                            }
                            expect(',');
                        }
                    }
                    case '"':
                        return string();
                    case 't':
                        word("true");
                        return Boolean.TRUE;
                    case 'f':
                        word("false");
                        return Boolean.FALSE;
                    case 'n':
                        word("null");
                        return null;
                    default:
                        return number();
                }
            }

            boolean peek(char c) {
                if (at < text.length() && text.charAt(at) == c) {
                    at++;
                    return true;
                }
                return false;
            }

            void expect(char c) {
                if (!peek(c)) {
                    throw error("expected '" + c + "'");
                }
            }

            void word(String w) {
                if (!text.startsWith(w, at)) {
                    throw error("expected " + w);
                }
                at += w.length();
            }

            String string() {
                at++;
                StringBuilder out = new StringBuilder();
                while (true) {
                    if (at >= text.length()) {
                        throw error("unterminated string");
                    }
                    char c = text.charAt(at++);
                    if (c == '"') {
                        return out.toString();
                    }
                    if (c != '\\') {
                        out.append(c);
                        continue;
                    }
                    if (at >= text.length()) {
                        throw error("unterminated string");
                    }
                    char e = text.charAt(at++);
                    switch (e) {
                        case 'b' -> out.append('\b');
                        case 'f' -> out.append('\f');
                        case 'n' -> out.append('\n');
                        case 'r' -> out.append('\r');
                        case 't' -> out.append('\t');
                        case 'u' -> {
                            if (at + 4 > text.length()) {
                                throw error("bad \\u escape");
                            }
                            try {
                                out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                            } catch (NumberFormatException x) {
                                throw error("bad \\u escape");
                            }
                            at += 4;
                        }
                        default -> out.append(e);
                    }
                }
            }

            Object number() {
                int start = at;
                boolean integral = true;
                while (at < text.length()) {
                    char c = text.charAt(at);
                    if (c == '.' || c == 'e' || c == 'E') {
                        integral = false;
                    } else if (!(c == '-' || c == '+' || (c >= '0' && c <= '9'))) {
                        break;
                    }
                    at++;
                }
                String n = text.substring(start, at);
                if (n.isEmpty()) {
                    throw error("unexpected character");
                }
                try {
                    if (integral) {
                        try {
                            return Long.parseLong(n);
                        } catch (NumberFormatException tooBig) {
                            return Double.parseDouble(n);
                        }
                    }
                    return Double.parseDouble(n);
                } catch (NumberFormatException e) {
                    throw error("bad number " + n);
                }
            }
        }
    }

    static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * One connection to the service: HTTP POST until the first handler or exposed function,
     * then a WebSocket that reconnects with backoff and renews its subscriptions.
     */
    static final class Core {
        final String url;
        final URI wsUri;
        final boolean overHttp;
        final Duration timeout;
        final HttpClient http;
        final Object lock = new Object();
        final Map<String, Map<Long, Consumer<Object>>> handlers = new HashMap<>();
        final Map<String, Function<List<Object>, Object>> exposed = new HashMap<>();
        final Set<String> subscribed = new HashSet<>();
        final Map<Long, CompletableFuture<Object>> pending = new HashMap<>();
        final ExecutorService events = Executors.newSingleThreadExecutor(daemon("jsonws-events"));
        final ExecutorService workers = Executors.newCachedThreadPool(daemon("jsonws-exposed"));
        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("jsonws-reconnect"));
        long nextId;
        long nextHandler;
        WebSocket ws;
        CompletableFuture<WebSocket> opening;
        CompletableFuture<?> writing = CompletableFuture.completedFuture(null);
        boolean closed;

        Core(String url, Duration timeout) {
            this.url = url;
            this.timeout = timeout;
            this.overHttp = url.startsWith("http://") || url.startsWith("https://");
            this.wsUri = URI.create(overHttp ? "ws" + url.substring(4) : url);
            this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
        }

        boolean usesHttp() {
            synchronized (lock) {
                return overHttp && ws == null && opening == null && handlers.isEmpty() && exposed.isEmpty();
            }
        }

        long takeId() {
            synchronized (lock) {
                return ++nextId;
            }
        }

        CompletableFuture<Object> call(String method, List<Object> params) {
            while (!params.isEmpty() && params.get(params.size() - 1) == null) {
                params.remove(params.size() - 1);
            }
            if (usesHttp()) {
                return post(method, params);
            }
            return connect().thenCompose(w -> send(w, method, params));
        }

        static Map<String, Object> request(long id, String method, List<Object> params) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("jsonrpc", "2.0");
            m.put("id", id);
            m.put("method", method);
            m.put("params", params);
            return m;
        }

        static JsonRpcException error(Object e) {
            Map<String, Object> m = e instanceof Map<?, ?> ? asObject(e) : new HashMap<>();
            Object code = m.get("code");
            Object message = m.get("message");
            return new JsonRpcException(code instanceof Number n ? n.longValue() : 0,
                    message instanceof String s ? s : "", m.get("data"));
        }

        CompletableFuture<Object> post(String method, List<Object> params) {
            CompletableFuture<Object> result = new CompletableFuture<>();
            String body;
            try {
                body = Json.write(request(takeId(), method, params));
            } catch (RuntimeException e) {
                result.completeExceptionally(new TransportException("cannot encode the params of " + method + ": " + e.getMessage(), e));
                return result;
            }
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
            http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).whenComplete((response, e) -> {
                if (e != null) {
                    result.completeExceptionally(new TransportException("cannot reach " + url + ": " + cause(e), cause(e)));
                    return;
                }
                if (response.statusCode() == 204) {
                    result.complete(null);
                    return;
                }
                String text = response.body();
                Object reply;
                try {
                    reply = Json.parse(text);
                } catch (IllegalArgumentException x) {
                    result.completeExceptionally(new TransportException("HTTP " + response.statusCode() + ": "
                            + text.substring(0, Math.min(200, text.length()))));
                    return;
                }
                if (reply instanceof Map<?, ?> m && m.get("error") instanceof Map<?, ?>) {
                    result.completeExceptionally(error(m.get("error")));
                } else if (response.statusCode() != 200 || !(reply instanceof Map<?, ?>)) {
                    result.completeExceptionally(new TransportException("HTTP " + response.statusCode() + ": "
                            + text.substring(0, Math.min(200, text.length()))));
                } else {
                    result.complete(((Map<?, ?>) reply).get("result"));
                }
            });
            return result;
        }

        CompletableFuture<WebSocket> connect() {
            synchronized (lock) {
                if (closed) {
                    return CompletableFuture.failedFuture(new TransportException("the client is closed"));
                }
                if (ws != null) {
                    return CompletableFuture.completedFuture(ws);
                }
                if (opening != null) {
                    return opening;
                }
                CompletableFuture<WebSocket> o = open();
                opening = o;
                o.whenComplete((w, e) -> {
                    synchronized (lock) {
                        if (opening == o) {
                            opening = null;
                        }
                    }
                });
                return o;
            }
        }

        CompletableFuture<WebSocket> open() {
            CompletableFuture<WebSocket> result = new CompletableFuture<>();
            http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(wsUri, new Listener()).whenComplete((w, e) -> {
                if (e != null) {
                    result.completeExceptionally(new TransportException("cannot open a WebSocket to " + wsUri + ": " + cause(e), cause(e)));
                    return;
                }
                List<Object> names;
                synchronized (lock) {
                    if (closed) {
                        w.abort();
                        result.completeExceptionally(new TransportException("the client is closed"));
                        return;
                    }
                    ws = w;
                    subscribed.clear();
                    names = new ArrayList<>(handlers.keySet());
                }
                if (names.isEmpty()) {
                    result.complete(w);
                    return;
                }
                send(w, "rpc.on", names).whenComplete((r, x) -> {
                    if (x != null) {
                        result.completeExceptionally(cause(x));
                        return;
                    }
                    synchronized (lock) {
                        for (Object name : names) {
                            subscribed.add((String) name);
                        }
                    }
                    result.complete(w);
                });
            });
            return result;
        }

        CompletableFuture<WebSocket> write(WebSocket w, String text) {
            synchronized (lock) {
                CompletableFuture<WebSocket> next = writing.handle((x, e) -> w).thenCompose(s -> s.sendText(text, true));
                writing = next;
                return next;
            }
        }

        CompletableFuture<Object> send(WebSocket w, String method, List<Object> params) {
            CompletableFuture<Object> reply = new CompletableFuture<>();
            long id;
            synchronized (lock) {
                id = ++nextId;
                pending.put(id, reply);
            }
            CompletableFuture<Object> result = new CompletableFuture<>();
            reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, e) -> {
                synchronized (lock) {
                    pending.remove(id);
                }
                if (e == null) {
                    result.complete(r);
                } else if (cause(e) instanceof TimeoutException) {
                    result.completeExceptionally(new TransportException("no reply to " + method + " within " + timeout.toMillis() + " ms"));
                } else {
                    result.completeExceptionally(cause(e));
                }
            });
            String body;
            try {
                body = Json.write(request(id, method, params));
            } catch (RuntimeException e) {
                reply.completeExceptionally(new TransportException("cannot encode the params of " + method + ": " + e.getMessage(), e));
                return result;
            }
            write(w, body).whenComplete((s, e) -> {
                if (e != null) {
                    reply.completeExceptionally(new TransportException("cannot send " + method + ": " + cause(e), cause(e)));
                }
            });
            return result;
        }

        void receive(WebSocket w, String text) {
            Object parsed;
            try {
                parsed = Json.parse(text);
            } catch (IllegalArgumentException e) {
                return;
            }
            List<Object> batch = parsed instanceof List<?> list ? new ArrayList<>(list) : Collections.singletonList(parsed);
            for (Object item : batch) {
                if (!(item instanceof Map<?, ?> raw)) {
                    continue;
                }
                Map<String, Object> m = asObject(raw);
                if (m.get("method") instanceof String method) {
                    if (m.containsKey("id")) {
                        workers.execute(() -> answer(w, m));
                    } else {
                        Object params = m.get("params");
                        Object data = params instanceof List<?> l && !l.isEmpty() ? l.get(0) : null;
                        events.execute(() -> dispatch(method, data));
                    }
                } else if (m.get("id") instanceof Number id) {
                    CompletableFuture<Object> reply;
                    synchronized (lock) {
                        reply = pending.remove(id.longValue());
                    }
                    if (reply == null) {
                        continue;
                    }
                    if (m.get("error") instanceof Map<?, ?>) {
                        reply.completeExceptionally(error(m.get("error")));
                    } else {
                        reply.complete(m.get("result"));
                    }
                }
            }
        }

        void dispatch(String event, Object data) {
            List<Consumer<Object>> list;
            synchronized (lock) {
                Map<Long, Consumer<Object>> hs = handlers.get(event);
                list = hs == null ? List.of() : new ArrayList<>(hs.values());
            }
            for (Consumer<Object> h : list) {
                try {
                    h.accept(data);
                } catch (RuntimeException e) {
                    // A handler's failure is its own; the others still run.
                }
            }
        }

        void answer(WebSocket w, Map<String, Object> m) {
            String method = (String) m.get("method");
            Function<List<Object>, Object> fn;
            synchronized (lock) {
                fn = exposed.get(method);
            }
            Map<String, Object> reply = new LinkedHashMap<>();
            reply.put("jsonrpc", "2.0");
            reply.put("id", m.get("id"));
            Map<String, Object> error = new LinkedHashMap<>();
            if (fn == null) {
                error.put("code", -32601);
                error.put("message", "Method not found: " + method);
            } else {
                Object params = m.get("params");
                List<Object> args = params instanceof List<?> l ? new ArrayList<>(l)
                        : params == null ? new ArrayList<>() : params(params);
                try {
                    reply.put("result", fn.apply(args));
                } catch (JsonRpcException e) {
                    error.put("code", e.getCode());
                    error.put("message", e.getMessage());
                    error.put("data", e.getData());
                } catch (RuntimeException e) {
                    error.put("code", -32000);
                    error.put("message", String.valueOf(e.getMessage()));
                }
            }
            if (!error.isEmpty()) {
                reply.put("error", error);
            }
            String text;
            try {
                text = Json.write(reply);
            } catch (RuntimeException e) {
                reply.remove("result");
                error.put("code", -32603);
                error.put("message", "cannot encode the result: " + e.getMessage());
                reply.put("error", error);
                text = Json.write(reply);
            }
            write(w, text);
        }

        void lost(WebSocket w) {
            List<CompletableFuture<Object>> failed;
            boolean again;
            synchronized (lock) {
                if (ws != w) {
                    return;
                }
                ws = null;
                failed = new ArrayList<>(pending.values());
                pending.clear();
                again = !closed && (!handlers.isEmpty() || !exposed.isEmpty());
            }
            for (CompletableFuture<Object> f : failed) {
                f.completeExceptionally(new TransportException("the connection closed before the reply"));
            }
            if (again) {
                reconnect(0);
            }
        }

        void reconnect(int attempt) {
            long delay = Math.min(30_000L, 250L << Math.min(attempt, 7));
            delay = delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
            try {
                timer.schedule(() -> {
                    synchronized (lock) {
                        if (closed || ws != null) {
                            return;
                        }
                    }
                    connect().whenComplete((w, e) -> {
                        if (e != null) {
                            reconnect(attempt + 1);
                        }
                    });
                }, delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // Closed meanwhile.
            }
        }

        final class Listener implements WebSocket.Listener {
            private final StringBuilder text = new StringBuilder();

            @Override
            public void onOpen(WebSocket w) {
                w.request(1);
            }

            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    String message = text.toString();
                    text.setLength(0);
                    receive(w, message);
                }
                w.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
                lost(w);
                return null;
            }

            @Override
            public void onError(WebSocket w, Throwable error) {
                lost(w);
            }
        }

        Subscription on(String event, Consumer<Object> handler) {
            long hid;
            synchronized (lock) {
                hid = ++nextHandler;
                handlers.computeIfAbsent(event, k -> new LinkedHashMap<>()).put(hid, handler);
            }
            try {
                WebSocket w = await(connect());
                boolean needed;
                synchronized (lock) {
                    needed = !subscribed.contains(event);
                }
                if (needed) {
                    await(send(w, "rpc.on", params(event)));
                    synchronized (lock) {
                        subscribed.add(event);
                    }
                }
            } catch (RuntimeException e) {
                remove(event, hid);
                throw e;
            }
            AtomicBoolean done = new AtomicBoolean();
            return () -> {
                if (done.getAndSet(true) || !remove(event, hid)) {
                    return;
                }
                WebSocket w;
                synchronized (lock) {
                    w = ws;
                }
                if (w != null) {
                    try {
                        await(send(w, "rpc.off", params(event)));
                    } catch (RuntimeException e) {
                        // The subscription ends with the connection anyway.
                    }
                }
            };
        }

        boolean remove(String event, long hid) {
            synchronized (lock) {
                Map<Long, Consumer<Object>> hs = handlers.get(event);
                if (hs == null) {
                    return false;
                }
                hs.remove(hid);
                if (hs.isEmpty()) {
                    handlers.remove(event);
                    subscribed.remove(event);
                    return true;
                }
                return false;
            }
        }

        void expose(String name, Function<List<Object>, Object> fn) {
            synchronized (lock) {
                exposed.put(name, fn);
            }
            await(connect());
        }

        void close() {
            WebSocket w;
            synchronized (lock) {
                if (closed) {
                    return;
                }
                closed = true;
                w = ws;
                ws = null;
            }
            if (w != null) {
                try {
                    w.sendClose(WebSocket.NORMAL_CLOSURE, "").get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException | RuntimeException e) {
                    // Closing anyway.
                }
                w.abort();
            }
            events.shutdown();
            workers.shutdown();
            timer.shutdownNow();
        }
    }
