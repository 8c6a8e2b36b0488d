// ---- runtime: the same in every client this generator writes ----

/** An error reply from the server: getCode(), getMessage() and getData(). Throw one from an exposed function to answer with it. */
class JsonRpcException extends \Exception
{
    public function __construct(int $code, string $message, private readonly mixed $data = null)
    {
        parent::__construct($message, $code);
    }

    /** The error's data (decoded JSON, objects as arrays), or null. */
    public function getData(): mixed
    {
        return $this->data;
    }
}

/** The call could not be made or answered: no connection, a bad HTTP status, a timeout, a reply that does not decode. */
class TransportException extends \RuntimeException
{
}

/** Converts values to and from the wire, after a spec: '' (as is), int, float, date, binary, object, a type's class, [spec]. */
final class Wire
{
    public static function encode(string $spec, mixed $v): mixed
    {
        if ($v === null) {
            return null;
        }
        if (str_starts_with($spec, '[')) {
            $inner = substr($spec, 1, -1);
            return array_map(fn ($x) => self::encode($inner, $x), array_values((array) $v));
        }
        if ($v instanceof \BackedEnum) {
            return $v->value;
        }
        if ($v instanceof \DateTimeInterface) {
            return \DateTimeImmutable::createFromInterface($v)->setTimezone(new \DateTimeZone('UTC'))->format('Y-m-d\TH:i:s.v\Z');
        }
        if ($spec === 'binary' && is_string($v)) {
            return base64_encode($v);
        }
        if ($spec === 'object' && $v === []) {
            return new \stdClass();
        }
        if (is_object($v) && defined(get_class($v) . '::FIELDS')) {
            $out = [];
            foreach (constant(get_class($v) . '::FIELDS') as $wire => [$prop, $fieldSpec]) {
                if ($v->{$prop} !== null) {
                    $out[$wire] = self::encode($fieldSpec, $v->{$prop});
                }
            }
            return $out === [] ? new \stdClass() : $out;
        }
        return $v;
    }

    public static function decode(string $spec, mixed $v): mixed
    {
        if ($v === null || $spec === '' || $spec === 'object') {
            return $v;
        }
        if (str_starts_with($spec, '[')) {
            if (!is_array($v)) {
                throw new TransportException('expected an array, found ' . get_debug_type($v));
            }
            $inner = substr($spec, 1, -1);
            return array_map(fn ($x) => self::decode($inner, $x), array_values($v));
        }
        switch ($spec) {
            case 'int':
                return is_numeric($v) ? (int) $v : throw new TransportException('expected an integer, found ' . get_debug_type($v));
            case 'float':
                return is_numeric($v) ? (float) $v : throw new TransportException('expected a number, found ' . get_debug_type($v));
            case 'date':
                return self::date($v);
            case 'binary':
                $bytes = is_string($v) ? base64_decode($v, true) : false;
                return $bytes !== false ? $bytes : throw new TransportException('expected base64, found ' . get_debug_type($v));
        }
        $class = __NAMESPACE__ . '\\' . $spec;
        if (enum_exists($class)) {
            try {
                return $class::from($v);
            } catch (\ValueError | \TypeError $e) {
                throw new TransportException("not a member of $spec: " . json_encode($v), 0, $e);
            }
        }
        if (class_exists($class) && is_array($v)) {
            $args = [];
            foreach ($class::FIELDS as $wire => [$prop, $fieldSpec]) {
                if (array_key_exists($wire, $v)) {
                    $args[$prop] = self::decode($fieldSpec, $v[$wire]);
                }
            }
            try {
                return new $class(...$args);
            } catch (\ArgumentCountError | \TypeError $e) {
                throw new TransportException("not a $spec: " . $e->getMessage(), 0, $e);
            }
        }
        return $v;
    }

    public static function date(mixed $v): \DateTimeImmutable
    {
        $utc = new \DateTimeZone('UTC');
        if (is_int($v) || is_float($v)) {
            $ms = (int) $v;
            $d = \DateTimeImmutable::createFromFormat('U.v', sprintf('%d.%03d', intdiv($ms, 1000), abs($ms % 1000)), $utc);
        } else {
            try {
                $d = is_string($v) ? new \DateTimeImmutable($v) : false;
            } catch (\Exception $e) {
                $d = false;
            }
        }
        if ($d === false) {
            throw new TransportException('not a date: ' . json_encode($v));
        }
        return $d->setTimezone($utc);
    }

    /** @param list<array{mixed, string}> $params */
    public static function params(array $params): array
    {
        while ($params !== [] && $params[count($params) - 1][0] === null) {
            array_pop($params);
        }
        return array_map(fn ($p) => self::encode($p[1], $p[0]), $params);
    }

    public static function json(mixed $value): string
    {
        try {
            return json_encode($value, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION | JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            throw new TransportException('cannot encode as JSON: ' . $e->getMessage(), 0, $e);
        }
    }
}

/** A WebSocket client (RFC 6455) over stream_socket_client. */
final class WebSocket
{
    /** @var resource */
    private $stream;
    private string $buffer = '';

    public function __construct(string $url, private readonly float $timeout)
    {
        $u = parse_url($url);
        if ($u === false || !isset($u['scheme'], $u['host']) || !in_array($u['scheme'], ['ws', 'wss'], true)) {
            throw new TransportException("a WebSocket URL starts with ws:// or wss://, not $url");
        }
        $secure = $u['scheme'] === 'wss';
        $port = $u['port'] ?? ($secure ? 443 : 80);
        $path = ($u['path'] ?? '/') . (isset($u['query']) ? '?' . $u['query'] : '');
        $errno = 0;
        $error = '';
        $context = stream_context_create(['ssl' => ['peer_name' => $u['host'], 'SNI_enabled' => true]]);
        $stream = @stream_socket_client(($secure ? 'ssl://' : 'tcp://') . $u['host'] . ':' . $port, $errno, $error, $timeout, STREAM_CLIENT_CONNECT, $context);
        if ($stream === false) {
            throw new TransportException("cannot open a WebSocket to $url: $error");
        }
        $this->stream = $stream;
        stream_set_read_buffer($stream, 0);
        $key = base64_encode(random_bytes(16));
        $this->write("GET $path HTTP/1.1\r\nHost: {$u['host']}:$port\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: $key\r\nSec-WebSocket-Version: 13\r\n\r\n");
        $deadline = microtime(true) + $timeout;
        while (($end = strpos($this->buffer, "\r\n\r\n")) === false) {
            if (!$this->fill($deadline - microtime(true))) {
                $this->close();
                throw new TransportException("no WebSocket handshake from $url");
            }
        }
        $head = substr($this->buffer, 0, $end);
        $this->buffer = substr($this->buffer, $end + 4);
        $lines = explode("\r\n", $head);
        if (!preg_match('#^HTTP/1\.[01] 101 #', $lines[0] . ' ')) {
            $this->close();
            throw new TransportException("the server answered the WebSocket handshake with {$lines[0]}");
        }
        $accept = base64_encode(sha1($key . '258EAFA5-E914-47DA-95CA-C5AB0DC85B11', true));
        $ok = false;
        foreach ($lines as $line) {
            $parts = explode(':', $line, 2);
            if (count($parts) === 2 && strtolower(trim($parts[0])) === 'sec-websocket-accept' && trim($parts[1]) === $accept) {
                $ok = true;
            }
        }
        if (!$ok) {
            $this->close();
            throw new TransportException("the server's Sec-WebSocket-Accept does not match the key");
        }
    }

    private function write(string $bytes): void
    {
        while ($bytes !== '') {
            $n = @fwrite($this->stream, $bytes);
            if ($n === false || $n === 0) {
                throw new TransportException('the WebSocket closed while writing');
            }
            $bytes = substr($bytes, $n);
        }
    }

    /** Reads what is there into the buffer, waiting $seconds at most; false when nothing came. */
    private function fill(float $seconds): bool
    {
        if ($seconds <= 0) {
            return false;
        }
        $read = [$this->stream];
        $write = null;
        $except = null;
        $ready = @stream_select($read, $write, $except, (int) $seconds, (int) (fmod($seconds, 1.0) * 1e6));
        if ($ready === false) {
            throw new TransportException('the WebSocket failed');
        }
        if ($ready === 0) {
            return false;
        }
        $chunk = @fread($this->stream, 65536);
        if ($chunk === false || ($chunk === '' && feof($this->stream))) {
            throw new TransportException('the WebSocket closed');
        }
        $this->buffer .= $chunk;
        return true;
    }

    public function send(string $payload, int $op = 0x1): void
    {
        $n = strlen($payload);
        $frame = chr(0x80 | $op);
        if ($n < 126) {
            $frame .= chr(0x80 | $n);
        } elseif ($n <= 0xffff) {
            $frame .= chr(0x80 | 126) . pack('n', $n);
        } else {
            $frame .= chr(0x80 | 127) . pack('J', $n);
        }
        $mask = random_bytes(4);
        $frame .= $mask . ($payload ^ str_repeat($mask, intdiv($n, 4) + 1));
        $this->write($frame);
    }

    /** The next text message, or null when none came within $seconds. */
    public function receive(float $seconds): ?string
    {
        $deadline = microtime(true) + $seconds;
        $message = '';
        while (true) {
            $frame = $this->frame($deadline, $message === '');
            if ($frame === null) {
                return null;
            }
            [$fin, $op, $payload] = $frame;
            if ($op === 0x8) {
                try {
                    $this->send(substr($payload, 0, 2), 0x8);
                } catch (TransportException $e) {
                    // Closing anyway.
                }
                $this->close();
                throw new TransportException('the server closed the WebSocket');
            }
            if ($op === 0x9) {
                $this->send($payload, 0xa);
                continue;
            }
            if ($op === 0xa) {
                continue;
            }
            $message .= $payload;
            if ($fin) {
                return $message;
            }
        }
    }

    /** @return ?array{bool, int, string} */
    private function frame(float $deadline, bool $mayTimeOut): ?array
    {
        while (true) {
            $b = $this->buffer;
            if (strlen($b) >= 2) {
                $len = ord($b[1]) & 0x7f;
                $at = 2;
                if ($len === 126 && strlen($b) >= 4) {
                    $len = unpack('n', substr($b, 2, 2))[1];
                    $at = 4;
                } elseif ($len === 127 && strlen($b) >= 10) {
                    $len = unpack('J', substr($b, 2, 8))[1];
                    $at = 10;
                } elseif ($len >= 126) {
                    $len = -1;
                }
                $masked = (ord($b[1]) & 0x80) !== 0;
                $body = $at + ($masked ? 4 : 0);
                if ($len >= 0 && strlen($b) >= $body + $len) {
                    $payload = substr($b, $body, $len);
                    if ($masked) {
                        $payload ^= str_repeat(substr($b, $at, 4), intdiv($len, 4) + 1);
                    }
                    $this->buffer = substr($b, $body + $len);
                    return [(ord($b[0]) & 0x80) !== 0, ord($b[0]) & 0x0f, $payload];
                }
            }
            $left = $deadline - microtime(true);
            if (!$mayTimeOut || $this->buffer !== '') {
                // A frame has begun: it is read to its end.
                $left = max($left, $this->timeout);
            }
            if (!$this->fill($left)) {
                if ($mayTimeOut && $this->buffer === '') {
                    return null;
                }
                throw new TransportException('the WebSocket stalled in the middle of a message');
            }
        }
    }

    public function close(): void
    {
        if (is_resource($this->stream)) {
            @fclose($this->stream);
        }
    }
}

/**
 * One connection to the service: HTTP POST until the first handler or exposed function, then
 * a WebSocket, read while a call waits for its reply and in listen(); it reconnects with
 * backoff and renews its subscriptions.
 */
final class Core
{
    /** @var array<string, array<int, callable>> */
    private array $handlers = [];
    /** @var array<string, callable> */
    private array $exposed = [];
    /** @var array<string, bool> */
    private array $subscribed = [];
    /** @var array<int, array<string, mixed>> */
    private array $replies = [];
    private ?WebSocket $ws = null;
    private int $nextId = 0;
    private int $nextHandler = 0;
    private bool $stopped = false;
    private bool $closed = false;
    private readonly bool $overHttp;
    private readonly string $wsUrl;

    /** @param array<string, string> $events the spec of each event's data */
    public function __construct(private readonly string $url, private readonly float $timeout, private readonly array $events)
    {
        $this->overHttp = str_starts_with($url, 'http://') || str_starts_with($url, 'https://');
        $this->wsUrl = $this->overHttp ? 'ws' . substr($url, 4) : $url;
    }

    /** @param list<array{mixed, string}> $params */
    public function call(string $method, array $params, string $result): mixed
    {
        $wire = Wire::params($params);
        if ($this->overHttp && $this->ws === null && $this->handlers === [] && $this->exposed === []) {
            $raw = $this->post($method, $wire);
        } else {
            $raw = $this->request($method, $wire);
        }
        return Wire::decode($result, $raw);
    }

    private function post(string $method, array $params): mixed
    {
        $body = Wire::json(['jsonrpc' => '2.0', 'id' => ++$this->nextId, 'method' => $method, 'params' => $params]);
        $context = stream_context_create(['http' => [
            'method' => 'POST',
            'header' => "Content-Type: application/json\r\n",
            'content' => $body,
            'timeout' => $this->timeout,
            'ignore_errors' => true,
        ]]);
        error_clear_last();
        $text = @file_get_contents($this->url, false, $context);
        if ($text === false) {
            throw new TransportException("cannot reach {$this->url}: " . (error_get_last()['message'] ?? 'no answer'));
        }
        $headers = function_exists('http_get_last_response_headers') ? (http_get_last_response_headers() ?? []) : ($http_response_header ?? []);
        $status = 0;
        foreach ($headers as $line) {
            if (preg_match('#^HTTP/\S+ (\d{3})#', $line, $m)) {
                $status = (int) $m[1];
            }
        }
        if ($status === 204) {
            return null;
        }
        try {
            $reply = json_decode($text, true, 512, JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            throw new TransportException("HTTP $status: " . substr($text, 0, 200));
        }
        if (is_array($reply) && isset($reply['error']) && is_array($reply['error'])) {
            throw self::error($reply['error']);
        }
        if ($status !== 200 || !is_array($reply)) {
            throw new TransportException("HTTP $status: " . substr($text, 0, 200));
        }
        return $reply['result'] ?? null;
    }

    private static function error(array $e): JsonRpcException
    {
        return new JsonRpcException((int) ($e['code'] ?? 0), (string) ($e['message'] ?? ''), $e['data'] ?? null);
    }

    private function connect(): WebSocket
    {
        if ($this->closed) {
            throw new TransportException('the client is closed');
        }
        if ($this->ws !== null) {
            return $this->ws;
        }
        $this->ws = new WebSocket($this->wsUrl, $this->timeout);
        $this->subscribed = [];
        $events = array_keys($this->handlers);
        if ($events !== []) {
            $this->request('rpc.on', $events);
            foreach ($events as $event) {
                $this->subscribed[$event] = true;
            }
        }
        return $this->ws;
    }

    private function request(string $method, array $params): mixed
    {
        $ws = $this->connect();
        $id = ++$this->nextId;
        $ws->send(Wire::json(['jsonrpc' => '2.0', 'id' => $id, 'method' => $method, 'params' => $params]));
        $deadline = microtime(true) + $this->timeout;
        while (!array_key_exists($id, $this->replies)) {
            $left = $deadline - microtime(true);
            if ($left <= 0) {
                throw new TransportException("no reply to $method within {$this->timeout} s");
            }
            $this->pump($left);
        }
        $reply = $this->replies[$id];
        unset($this->replies[$id]);
        if (isset($reply['error']) && is_array($reply['error'])) {
            throw self::error($reply['error']);
        }
        return $reply['result'] ?? null;
    }

    /** Reads and handles one message, waiting $seconds at most; a lost connection is dropped and thrown. */
    private function pump(float $seconds): void
    {
        $ws = $this->ws;
        if ($ws === null) {
            throw new TransportException('not connected');
        }
        try {
            $text = $ws->receive($seconds);
        } catch (TransportException $e) {
            $ws->close();
            if ($this->ws === $ws) {
                $this->ws = null;
            }
            throw $e;
        }
        if ($text === null) {
            return;
        }
        try {
            $parsed = json_decode($text, true, 512, JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            return;
        }
        $batch = is_array($parsed) && array_is_list($parsed) ? $parsed : [$parsed];
        foreach ($batch as $m) {
            if (!is_array($m)) {
                continue;
            }
            if (isset($m['method']) && is_string($m['method'])) {
                if (array_key_exists('id', $m)) {
                    $this->answer($ws, $m);
                } else {
                    $this->dispatch($m['method'], $m['params'] ?? null);
                }
            } elseif (isset($m['id']) && is_int($m['id'])) {
                $this->replies[$m['id']] = $m;
            }
        }
    }

    private function dispatch(string $event, mixed $params): void
    {
        $hasData = is_array($params) && $params !== [];
        $data = $hasData ? Wire::decode($this->events[$event] ?? '', array_values($params)[0]) : null;
        foreach ($this->handlers[$event] ?? [] as $handler) {
            $hasData ? $handler($data) : $handler();
        }
    }

    private function answer(WebSocket $ws, array $m): void
    {
        $reply = ['jsonrpc' => '2.0', 'id' => $m['id']];
        $fn = $this->exposed[$m['method']] ?? null;
        if ($fn === null) {
            $reply['error'] = ['code' => -32601, 'message' => 'Method not found: ' . $m['method']];
        } else {
            $params = $m['params'] ?? [];
            try {
                $reply['result'] = is_array($params) && !array_is_list($params) ? $fn(...$params) : $fn(...(array) $params);
            } catch (JsonRpcException $e) {
                $reply['error'] = ['code' => $e->getCode(), 'message' => $e->getMessage(), 'data' => $e->getData()];
            } catch (\Throwable $e) {
                $reply['error'] = ['code' => -32000, 'message' => $e->getMessage()];
            }
        }
        try {
            $text = Wire::json($reply);
        } catch (TransportException $e) {
            $text = Wire::json(['jsonrpc' => '2.0', 'id' => $m['id'], 'error' => ['code' => -32603, 'message' => $e->getMessage()]]);
        }
        $ws->send($text);
    }

    public function on(string $event, callable $handler): \Closure
    {
        $id = ++$this->nextHandler;
        $this->handlers[$event][$id] = $handler;
        try {
            $this->connect();
            if (!isset($this->subscribed[$event])) {
                $this->request('rpc.on', [$event]);
                $this->subscribed[$event] = true;
            }
        } catch (\Throwable $e) {
            $this->remove($event, $id);
            throw $e;
        }
        return function () use ($event, $id): void {
            if ($this->remove($event, $id) && $this->ws !== null) {
                unset($this->subscribed[$event]);
                $this->request('rpc.off', [$event]);
            }
        };
    }

    private function remove(string $event, int $id): bool
    {
        if (!isset($this->handlers[$event][$id])) {
            return false;
        }
        unset($this->handlers[$event][$id]);
        if ($this->handlers[$event] === []) {
            unset($this->handlers[$event]);
            return true;
        }
        return false;
    }

    public function expose(string $name, callable $fn): void
    {
        $this->exposed[$name] = $fn;
        $this->connect();
    }

    public function listen(?float $seconds): void
    {
        $this->stopped = false;
        $deadline = $seconds === null ? INF : microtime(true) + $seconds;
        $attempt = 0;
        while (!$this->stopped && !$this->closed && microtime(true) < $deadline) {
            $left = min($deadline - microtime(true), 1.0);
            try {
                if ($this->ws === null) {
                    $this->connect();
                    $attempt = 0;
                }
                $this->pump($left);
            } catch (TransportException $e) {
                if ($this->closed || ($this->handlers === [] && $this->exposed === [])) {
                    throw $e;
                }
                $delay = min(30.0, 0.25 * 2 ** min($attempt, 7));
                $attempt++;
                usleep((int) (1e6 * min($delay / 2 + $delay / 2 * mt_rand() / mt_getrandmax(), max(0.0, $deadline - microtime(true)))));
            }
        }
    }

    public function stop(): void
    {
        $this->stopped = true;
    }

    public function close(): void
    {
        $this->closed = true;
        if ($this->ws !== null) {
            try {
                $this->ws->send("\x03\xe8", 0x8);
            } catch (TransportException $e) {
                // Closing anyway.
            }
            $this->ws->close();
            $this->ws = null;
        }
    }
}
