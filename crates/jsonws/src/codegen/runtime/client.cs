    // ---- runtime: the same in every client this generator writes ----

    /// <summary>An error reply from the server: its Code, Message and ErrorData. Throw one from an exposed function to answer with it.</summary>
    public class JsonRpcException : Exception
    {
        /// <summary>The error's code (4000 and up for an application's own errors).</summary>
        public long Code { get; private set; }

        /// <summary>The error's data as a JSON value (Dictionary, List, string, long, double, bool), or null.</summary>
        public object ErrorData { get; private set; }

        /// <summary>An error with a code, a message and data.</summary>
        public JsonRpcException(long code, string message, object data) : base(message)
        {
            Code = code;
            ErrorData = data;
        }
    }

    /// <summary>The call could not be made or answered: no connection, a bad HTTP status, a timeout, a reply that does not decode.</summary>
    public class TransportException : Exception
    {
        /// <summary>A failure described by message.</summary>
        public TransportException(string message) : base(message)
        {
        }

        /// <summary>A failure described by message, caused by inner.</summary>
        public TransportException(string message, Exception inner) : base(message, inner)
        {
        }
    }

    internal interface IWire
    {
        object ToWire();
    }

    internal sealed class Omitted
    {
        internal readonly string Json;

        internal Omitted(string json)
        {
            Json = json;
        }
    }

    internal static object Opt(object value, string defaultJson)
    {
        return value ?? new Omitted(defaultJson);
    }

    internal static List<object> Params(params object[] values)
    {
        var list = new List<object>(values);
        while (list.Count > 0 && (list[list.Count - 1] is Omitted))
        {
            list.RemoveAt(list.Count - 1);
        }
        for (int i = 0; i < list.Count; i++)
        {
            var omitted = list[i] as Omitted;
            if (omitted != null)
            {
                list[i] = Json.Parse(omitted.Json);
            }
        }
        return list;
    }

    internal static T Wait<T>(Task<T> task)
    {
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (AggregateException e)
        {
            throw e.InnerException ?? e;
        }
    }

    internal static void Wait(Task task)
    {
        try
        {
            task.GetAwaiter().GetResult();
        }
        catch (AggregateException e)
        {
            throw e.InnerException ?? e;
        }
    }

    internal static TransportException Bad(string expected, object value)
    {
        string found = value == null ? "null" : value is string ? "a string" : value is Dictionary<string, object> ? "an object"
            : value is List<object> ? "an array" : value is bool ? "a boolean" : "a number";
        return new TransportException("expected " + expected + ", found " + found);
    }

    internal static long AsLong(object o)
    {
        if (o is long) return (long)o;
        if (o is double) return (long)(double)o;
        throw Bad("an integer", o);
    }

    internal static double AsDouble(object o)
    {
        if (o is long) return (long)o;
        if (o is double) return (double)o;
        throw Bad("a number", o);
    }

    internal static bool AsBool(object o)
    {
        if (o is bool) return (bool)o;
        throw Bad("a boolean", o);
    }

    internal static string AsString(object o)
    {
        var s = o as string;
        if (s != null) return s;
        throw Bad("a string", o);
    }

    internal static DateTime AsDate(object o)
    {
        if (o is long || o is double)
        {
            return new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMilliseconds(AsDouble(o));
        }
        DateTime d;
        if (DateTime.TryParse(AsString(o), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out d))
        {
            return DateTime.SpecifyKind(d, DateTimeKind.Utc);
        }
        throw new TransportException("not a date: " + o);
    }

    internal static byte[] AsBytes(object o)
    {
        try
        {
            return Convert.FromBase64String(AsString(o));
        }
        catch (FormatException e)
        {
            throw new TransportException("not base64: " + e.Message, e);
        }
    }

    internal static Uri AsUri(object o)
    {
        Uri u;
        if (Uri.TryCreate(AsString(o), UriKind.Absolute, out u)) return u;
        throw new TransportException("not a URL: " + o);
    }

    internal static Dictionary<string, object> AsObject(object o)
    {
        var d = o as Dictionary<string, object>;
        if (d != null) return d;
        throw Bad("an object", o);
    }

    internal static object AsAny(object o)
    {
        return o;
    }

    internal static List<T> AsList<T>(object o, Func<object, T> item)
    {
        var list = o as List<object>;
        if (list == null) throw Bad("an array", o);
        var result = new List<T>(list.Count);
        foreach (var v in list) result.Add(item(v));
        return result;
    }

    internal static T? OptValue<T>(object o, Func<object, T> decode) where T : struct
    {
        if (o == null) return null;
        return decode(o);
    }

    internal static T OptRef<T>(object o, Func<object, T> decode) where T : class
    {
        return o == null ? null : decode(o);
    }

    internal static T AsEnum<T>(object o, string[] names) where T : struct
    {
        var s = AsString(o);
        int i = Array.IndexOf(names, s);
        if (i < 0) throw new TransportException("not a member of " + typeof(T).Name + ": " + s);
        return (T)Enum.ToObject(typeof(T), i);
    }

    /// <summary>JSON text to and from Dictionary, List, string, long, double, bool and null.</summary>
    internal static class Json
    {
        internal static object Parse(string text)
        {
            var p = new JsonParser(text);
            p.Space();
            var v = p.Value();
            p.Space();
            if (p.At < text.Length) throw p.Error("unexpected text after the value");
            return v;
        }

        internal static string Write(object value)
        {
            var b = new StringBuilder();
            Write(b, value);
            return b.ToString();
        }

        internal static void Write(StringBuilder b, object v)
        {
            if (v == null) { b.Append("null"); return; }
            var w = v as IWire;
            if (w != null) { Write(b, w.ToWire()); return; }
            var s = v as string;
            if (s != null) { Quote(b, s); return; }
            if (v is bool) { b.Append((bool)v ? "true" : "false"); return; }
            if (v is long || v is int || v is short || v is byte || v is ulong || v is uint)
            {
                b.Append(Convert.ToString(v, CultureInfo.InvariantCulture));
                return;
            }
            if (v is double || v is float || v is decimal)
            {
                double d = Convert.ToDouble(v, CultureInfo.InvariantCulture);
                if (double.IsNaN(d) || double.IsInfinity(d)) b.Append("null");
                else b.Append(d.ToString("R", CultureInfo.InvariantCulture));
                return;
            }
            if (v is DateTime)
            {
                Quote(b, ((DateTime)v).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                return;
            }
            var bytes = v as byte[];
            if (bytes != null) { Quote(b, Convert.ToBase64String(bytes)); return; }
            var uri = v as Uri;
            if (uri != null) { Quote(b, uri.OriginalString); return; }
            if (v is Enum)
            {
                string[] names;
                if (!EnumNames.TryGetValue(v.GetType(), out names)) throw new ArgumentException("an enum of no service: " + v.GetType());
                Quote(b, names[Convert.ToInt32(v, CultureInfo.InvariantCulture)]);
                return;
            }
            var dict = v as System.Collections.IDictionary;
            if (dict != null)
            {
                b.Append('{');
                bool first = true;
                foreach (System.Collections.DictionaryEntry e in dict)
                {
                    if (!first) b.Append(',');
                    first = false;
                    Quote(b, Convert.ToString(e.Key, CultureInfo.InvariantCulture));
                    b.Append(':');
                    Write(b, e.Value);
                }
                b.Append('}');
                return;
            }
            var items = v as System.Collections.IEnumerable;
            if (items != null)
            {
                b.Append('[');
                bool first = true;
                foreach (var item in items)
                {
                    if (!first) b.Append(',');
                    first = false;
                    Write(b, item);
                }
                b.Append(']');
                return;
            }
            throw new ArgumentException("cannot write a " + v.GetType() + " as JSON");
        }

        internal static void Quote(StringBuilder b, string s)
        {
            b.Append('"');
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"': b.Append("\\\""); break;
                    case '\\': b.Append("\\\\"); break;
                    case '\n': b.Append("\\n"); break;
                    case '\r': b.Append("\\r"); break;
                    case '\t': b.Append("\\t"); break;
                    default:
                        if (c < 0x20 || c == '\u2028' || c == '\u2029') b.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else b.Append(c);
                        break;
                }
            }
            b.Append('"');
        }
    }

    internal sealed class JsonParser
    {
        readonly string text;
        internal int At;

        internal JsonParser(string text)
        {
            this.text = text;
        }

        internal FormatException Error(string what)
        {
            return new FormatException("bad JSON at " + At + ": " + what);
        }

        internal void Space()
        {
            while (At < text.Length && " \t\r\n".IndexOf(text[At]) >= 0) At++;
        }

        bool Peek(char c)
        {
            if (At < text.Length && text[At] == c) { At++; return true; }
            return false;
        }

        void Expect(char c)
        {
            if (!Peek(c)) throw Error("expected '" + c + "'");
        }

        void Word(string w)
        {
            if (string.CompareOrdinal(text, At, w, 0, w.Length) != 0) throw Error("expected " + w);
            At += w.Length;
        }

        internal object Value()
        {
            if (At >= text.Length) throw Error("unexpected end");
            char c = text[At];
            if (c == '{')
            {
                At++;
                var m = new Dictionary<string, object>();
                Space();
                if (Peek('}')) return m;
                while (true)
                {
                    Space();
                    if (At >= text.Length || text[At] != '"') throw Error("expected a key");
                    var key = String();
                    Space();
                    Expect(':');
                    Space();
                    m[key] = Value();
                    Space();
                    if (Peek('}')) return m;
                    Expect(',');
                }
            }
            if (c == '[')
            {
                At++;
                var list = new List<object>();
                Space();
                if (Peek(']')) return list;
                while (true)
                {
                    Space();
                    list.Add(Value());
                    Space();
                    if (Peek(']')) return list;
                    Expect(',');
                }
            }
            if (c == '"') return String();
            if (c == 't') { Word("true"); return true; }
            if (c == 'f') { Word("false"); return false; }
            if (c == 'n') { Word("null"); return null; }
            return Number();
        }

        string String()
        {
            At++;
            var b = new StringBuilder();
            while (true)
            {
                if (At >= text.Length) throw Error("unterminated string");
                char c = text[At++];
                if (c == '"') return b.ToString();
                if (c != '\\') { b.Append(c); continue; }
                if (At >= text.Length) throw Error("unterminated string");
                char e = text[At++];
                switch (e)
                {
                    case 'b': b.Append('\b'); break;
                    case 'f': b.Append('\f'); break;
                    case 'n': b.Append('\n'); break;
                    case 'r': b.Append('\r'); break;
                    case 't': b.Append('\t'); break;
                    case 'u':
                        int code;
                        if (At + 4 > text.Length || !int.TryParse(text.Substring(At, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out code)) throw Error("bad \\u escape");
                        b.Append((char)code);
                        At += 4;
                        break;
                    default: b.Append(e); break;
                }
            }
        }

        object Number()
        {
            int start = At;
            bool integral = true;
            while (At < text.Length)
            {
                char c = text[At];
                if (c == '.' || c == 'e' || c == 'E') integral = false;
                else if (!(c == '-' || c == '+' || (c >= '0' && c <= '9'))) break;
                At++;
            }
            var n = text.Substring(start, At - start);
            if (n.Length == 0) throw Error("unexpected character");
            long l;
            if (integral && long.TryParse(n, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out l)) return l;
            double d;
            if (double.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out d)) return d;
            throw Error("bad number " + n);
        }
    }

    sealed class Subscription : IDisposable
    {
        readonly Action stop;
        int done;

        internal Subscription(Action stop)
        {
            this.stop = stop;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref done, 1) == 0) stop();
        }
    }

    /// <summary>One connection to the service: HTTP POST until the first handler or exposed function, then a WebSocket that reconnects with backoff and renews its subscriptions.</summary>
    internal sealed class Core
    {
        readonly string url;
        readonly Uri wsUri;
        readonly bool overHttp;
        readonly TimeSpan timeout;
        readonly object gate = new object();
        readonly Dictionary<string, Dictionary<long, Action<object>>> handlers = new Dictionary<string, Dictionary<long, Action<object>>>();
        readonly Dictionary<string, Func<List<object>, object>> exposed = new Dictionary<string, Func<List<object>, object>>();
        readonly HashSet<string> subscribed = new HashSet<string>();
        readonly Dictionary<long, TaskCompletionSource<object>> pending = new Dictionary<long, TaskCompletionSource<object>>();
        readonly SemaphoreSlim sending = new SemaphoreSlim(1, 1);
        readonly CancellationTokenSource closing = new CancellationTokenSource();
        long nextId;
        long nextHandler;
        ClientWebSocket ws;
        Task<ClientWebSocket> opening;
        Task events = Task.FromResult(0);
        bool closed;

        internal Core(string url, TimeSpan timeout)
        {
            this.url = url;
            this.timeout = timeout;
            overHttp = url.StartsWith("http://", StringComparison.Ordinal) || url.StartsWith("https://", StringComparison.Ordinal);
            wsUri = new Uri(overHttp ? "ws" + url.Substring(4) : url);
        }

        bool UsesHttp()
        {
            lock (gate) return overHttp && ws == null && opening == null && handlers.Count == 0 && exposed.Count == 0;
        }

        long TakeId()
        {
            lock (gate) return ++nextId;
        }

        internal async Task<object> CallAsync(string method, List<object> args)
        {
            if (UsesHttp()) return await PostAsync(method, args).ConfigureAwait(false);
            var socket = await ConnectAsync().ConfigureAwait(false);
            return await SendAsync(socket, method, args).ConfigureAwait(false);
        }

        static Dictionary<string, object> Request(long id, string method, List<object> args)
        {
            var m = new Dictionary<string, object>();
            m["jsonrpc"] = "2.0";
            m["id"] = id;
            m["method"] = method;
            m["params"] = args;
            return m;
        }

        static JsonRpcException Error(object e)
        {
            var m = e as Dictionary<string, object> ?? new Dictionary<string, object>();
            object code, message, data;
            m.TryGetValue("code", out code);
            m.TryGetValue("message", out message);
            m.TryGetValue("data", out data);
            return new JsonRpcException(code is long ? (long)code : 0, message as string ?? "", data);
        }

        static string Encode(string method, Dictionary<string, object> request)
        {
            try
            {
                return Json.Write(request);
            }
            catch (ArgumentException e)
            {
                throw new TransportException("cannot encode the params of " + method + ": " + e.Message, e);
            }
        }

        async Task<object> PostAsync(string method, List<object> args)
        {
            var body = Encoding.UTF8.GetBytes(Encode(method, Request(TakeId(), method, args)));
            var request = (HttpWebRequest)WebRequest.Create(url);
            request.Method = "POST";
            request.ContentType = "application/json";
            request.Proxy = null;
            request.Timeout = (int)timeout.TotalMilliseconds;
            int status;
            string text;
            try
            {
                using (var stream = await request.GetRequestStreamAsync().ConfigureAwait(false))
                {
                    await stream.WriteAsync(body, 0, body.Length).ConfigureAwait(false);
                }
                HttpWebResponse response;
                try
                {
                    response = (HttpWebResponse)await request.GetResponseAsync().ConfigureAwait(false);
                }
                catch (WebException e)
                {
                    response = e.Response as HttpWebResponse;
                    if (response == null) throw;
                }
                using (response)
                using (var reader = new StreamReader(response.GetResponseStream(), Encoding.UTF8))
                {
                    status = (int)response.StatusCode;
                    text = await reader.ReadToEndAsync().ConfigureAwait(false);
                }
            }
            catch (WebException e)
            {
                throw new TransportException("cannot reach " + url + ": " + e.Message, e);
            }
            catch (IOException e)
            {
                throw new TransportException("cannot reach " + url + ": " + e.Message, e);
            }
            if (status == 204) return null;
            object reply;
            try
            {
                reply = Json.Parse(text);
            }
            catch (FormatException)
            {
                throw new TransportException("HTTP " + status + ": " + (text.Length > 200 ? text.Substring(0, 200) : text));
            }
            var m = reply as Dictionary<string, object>;
            object error, result;
            if (m != null && m.TryGetValue("error", out error) && error is Dictionary<string, object>) throw Error(error);
            if (status != 200 || m == null) throw new TransportException("HTTP " + status + ": " + (text.Length > 200 ? text.Substring(0, 200) : text));
            m.TryGetValue("result", out result);
            return result;
        }

        Task<ClientWebSocket> ConnectAsync()
        {
            lock (gate)
            {
                if (closed) throw new TransportException("the client is closed");
                if (ws != null) return Task.FromResult(ws);
                if (opening != null) return opening;
                opening = OpenAsync();
                return opening;
            }
        }

        async Task<ClientWebSocket> OpenAsync()
        {
            try
            {
                var socket = new ClientWebSocket();
                socket.Options.Proxy = null;
                using (var cts = new CancellationTokenSource(timeout))
                {
                    try
                    {
                        await socket.ConnectAsync(wsUri, cts.Token).ConfigureAwait(false);
                    }
                    catch (Exception e)
                    {
                        socket.Dispose();
                        throw new TransportException("cannot open a WebSocket to " + wsUri + ": " + e.Message, e);
                    }
                }
                List<object> names;
                lock (gate)
                {
                    if (closed)
                    {
                        socket.Dispose();
                        throw new TransportException("the client is closed");
                    }
                    ws = socket;
                    subscribed.Clear();
                    names = new List<object>(handlers.Keys);
                }
                var reading = Task.Run(() => ReadAsync(socket));
                if (names.Count > 0)
                {
                    await SendAsync(socket, "rpc.on", names).ConfigureAwait(false);
                    lock (gate)
                    {
                        foreach (var n in names) subscribed.Add((string)n);
                    }
                }
                GC.KeepAlive(reading);
                return socket;
            }
            finally
            {
                lock (gate) opening = null;
            }
        }

        async Task WriteAsync(ClientWebSocket socket, string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            await sending.WaitAsync().ConfigureAwait(false);
            try
            {
                await socket.SendAsync(new ArraySegment<byte>(bytes), WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                sending.Release();
            }
        }

        async Task<object> SendAsync(ClientWebSocket socket, string method, List<object> args)
        {
            var reply = new TaskCompletionSource<object>();
            long id;
            lock (gate)
            {
                id = ++nextId;
                pending[id] = reply;
            }
            try
            {
                try
                {
                    await WriteAsync(socket, Encode(method, Request(id, method, args))).ConfigureAwait(false);
                }
                catch (TransportException)
                {
                    throw;
                }
                catch (Exception e)
                {
                    throw new TransportException("cannot send " + method + ": " + e.Message, e);
                }
                var done = await Task.WhenAny(reply.Task, Task.Delay(timeout)).ConfigureAwait(false);
                if (done != reply.Task) throw new TransportException("no reply to " + method + " within " + timeout.TotalSeconds + " s");
                return await reply.Task.ConfigureAwait(false);
            }
            finally
            {
                lock (gate) pending.Remove(id);
            }
        }

        async Task ReadAsync(ClientWebSocket socket)
        {
            var buffer = new byte[65536];
            var message = new MemoryStream();
            try
            {
                while (socket.State == WebSocketState.Open)
                {
                    var r = await socket.ReceiveAsync(new ArraySegment<byte>(buffer), closing.Token).ConfigureAwait(false);
                    if (r.MessageType == WebSocketMessageType.Close) break;
                    message.Write(buffer, 0, r.Count);
                    if (!r.EndOfMessage) continue;
                    var text = Encoding.UTF8.GetString(message.ToArray());
                    message.SetLength(0);
                    Receive(socket, text);
                }
            }
            catch (Exception)
            {
                // The connection is lost: see below.
            }
            Lost(socket);
        }

        void Receive(ClientWebSocket socket, string text)
        {
            object parsed;
            try
            {
                parsed = Json.Parse(text);
            }
            catch (FormatException)
            {
                return;
            }
            var batch = parsed as List<object> ?? new List<object> { parsed };
            foreach (var item in batch)
            {
                var m = item as Dictionary<string, object>;
                if (m == null) continue;
                object methodValue, id;
                m.TryGetValue("method", out methodValue);
                var method = methodValue as string;
                if (method != null)
                {
                    if (m.ContainsKey("id"))
                    {
                        Task.Run(() => AnswerAsync(socket, m));
                    }
                    else
                    {
                        object ps;
                        m.TryGetValue("params", out ps);
                        var list = ps as List<object>;
                        var data = list != null && list.Count > 0 ? list[0] : null;
                        lock (gate) events = events.ContinueWith(t => Dispatch(method, data), TaskScheduler.Default);
                    }
                }
                else if (m.TryGetValue("id", out id) && id is long)
                {
                    TaskCompletionSource<object> reply;
                    lock (gate)
                    {
                        if (!pending.TryGetValue((long)id, out reply)) continue;
                        pending.Remove((long)id);
                    }
                    object error, result;
                    if (m.TryGetValue("error", out error) && error is Dictionary<string, object>) reply.TrySetException(Error(error));
                    else
                    {
                        m.TryGetValue("result", out result);
                        reply.TrySetResult(result);
                    }
                }
            }
        }

        void Dispatch(string eventName, object data)
        {
            List<Action<object>> list;
            lock (gate)
            {
                Dictionary<long, Action<object>> hs;
                list = handlers.TryGetValue(eventName, out hs) ? new List<Action<object>>(hs.Values) : new List<Action<object>>();
            }
            foreach (var h in list)
            {
                try
                {
                    h(data);
                }
                catch (Exception)
                {
                    // A handler's failure is its own; the others still run.
                }
            }
        }

        async Task AnswerAsync(ClientWebSocket socket, Dictionary<string, object> m)
        {
            var method = (string)m["method"];
            Func<List<object>, object> fn;
            lock (gate) exposed.TryGetValue(method, out fn);
            var reply = new Dictionary<string, object>();
            reply["jsonrpc"] = "2.0";
            reply["id"] = m["id"];
            var error = new Dictionary<string, object>();
            if (fn == null)
            {
                error["code"] = -32601L;
                error["message"] = "Method not found: " + method;
            }
            else
            {
                object ps;
                m.TryGetValue("params", out ps);
                var args = ps as List<object> ?? (ps == null ? new List<object>() : new List<object> { ps });
                try
                {
                    reply["result"] = fn(args);
                }
                catch (JsonRpcException e)
                {
                    error["code"] = e.Code;
                    error["message"] = e.Message;
                    error["data"] = e.ErrorData;
                }
                catch (Exception e)
                {
                    error["code"] = -32000L;
                    error["message"] = e.Message;
                }
            }
            if (error.Count > 0) reply["error"] = error;
            string text;
            try
            {
                text = Json.Write(reply);
            }
            catch (ArgumentException e)
            {
                reply.Remove("result");
                error["code"] = -32603L;
                error["message"] = "cannot encode the result: " + e.Message;
                reply["error"] = error;
                text = Json.Write(reply);
            }
            try
            {
                await WriteAsync(socket, text).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The connection is lost; the server sees it.
            }
        }

        void Lost(ClientWebSocket socket)
        {
            List<TaskCompletionSource<object>> failed;
            bool again;
            lock (gate)
            {
                if (ws != socket) return;
                ws = null;
                failed = new List<TaskCompletionSource<object>>(pending.Values);
                pending.Clear();
                again = !closed && (handlers.Count > 0 || exposed.Count > 0);
            }
            socket.Dispose();
            foreach (var f in failed) f.TrySetException(new TransportException("the connection closed before the reply"));
            if (again) Task.Run(() => ReconnectAsync());
        }

        async Task ReconnectAsync()
        {
            var random = new Random();
            for (int attempt = 0; ; attempt++)
            {
                double delay = System.Math.Min(30000, 250 * System.Math.Pow(2, System.Math.Min(attempt, 7)));
                delay = delay / 2 + random.NextDouble() * delay / 2;
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(delay), closing.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                lock (gate)
                {
                    if (closed || ws != null) return;
                }
                try
                {
                    await ConnectAsync().ConfigureAwait(false);
                    return;
                }
                catch (Exception)
                {
                    // Tried again after the next delay.
                }
            }
        }

        internal IDisposable On(string eventName, Action<object> handler)
        {
            long hid;
            lock (gate)
            {
                hid = ++nextHandler;
                Dictionary<long, Action<object>> hs;
                if (!handlers.TryGetValue(eventName, out hs))
                {
                    hs = new Dictionary<long, Action<object>>();
                    handlers[eventName] = hs;
                }
                hs[hid] = handler;
            }
            try
            {
                var socket = Wait(ConnectAsync());
                bool needed;
                lock (gate) needed = !subscribed.Contains(eventName);
                if (needed)
                {
                    Wait(SendAsync(socket, "rpc.on", new List<object> { eventName }));
                    lock (gate) subscribed.Add(eventName);
                }
            }
            catch (Exception)
            {
                Remove(eventName, hid);
                throw;
            }
            return new Subscription(() =>
            {
                if (!Remove(eventName, hid)) return;
                ClientWebSocket socket;
                lock (gate) socket = ws;
                if (socket == null) return;
                try
                {
                    Wait(SendAsync(socket, "rpc.off", new List<object> { eventName }));
                }
                catch (Exception)
                {
                    // The subscription ends with the connection anyway.
                }
            });
        }

        bool Remove(string eventName, long hid)
        {
            lock (gate)
            {
                Dictionary<long, Action<object>> hs;
                if (!handlers.TryGetValue(eventName, out hs)) return false;
                hs.Remove(hid);
                if (hs.Count > 0) return false;
                handlers.Remove(eventName);
                subscribed.Remove(eventName);
                return true;
            }
        }

        internal void Expose(string name, Func<List<object>, object> fn)
        {
            lock (gate) exposed[name] = fn;
            Wait(ConnectAsync());
        }

        internal void Close()
        {
            ClientWebSocket socket;
            lock (gate)
            {
                if (closed) return;
                closed = true;
                socket = ws;
                ws = null;
            }
            closing.Cancel();
            if (socket != null)
            {
                try
                {
                    socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).Wait(timeout);
                }
                catch (Exception)
                {
                    // Closing anyway.
                }
                socket.Dispose();
            }
        }
    }
